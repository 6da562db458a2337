using Conversations.Storage;
using Conversations.Testing;
using Conversations.Transport;

namespace Conversations.Redis.Tests;

#if CONVERSATIONS_TEST_REDIS
/// <summary>
/// The shared bus conformance suite on Redis: two bus instances (two multiplexers, as two hosts have) on one Redis, under a
/// channel prefix of their own so test classes run in parallel; an in-memory store stands for the database they share.
/// </summary>
public sealed class RedisEventBusConformanceTests : EventBusConformanceTests
{
    private readonly InMemoryConversationStore _store = new();

    protected override ValueTask<(ConversationEventBus Publisher, ConversationEventBus Subscriber)> CreateBusesAsync()
    {
        var prefix = "conformance-" + Guid.NewGuid().ToString("N");
        return new((Bus(prefix), Bus(prefix)));
    }

    private RedisEventBus Bus(string prefix) =>
        new(new RedisEventBusOptions { Configuration = TestServers.Redis, ChannelPrefix = prefix }, store: () => _store);
}
#else
/// <summary>Stands in for the bus conformance suite when no Redis server was configured at build time.</summary>
public sealed class RedisEventBusConformanceTests
{
    [Fact(Skip = "Needs CONVERSATIONS_TEST_REDIS when the tests are built; ./test.sh provides it (or set it to a server you run).")]
    public void ConformanceSuite_NeedsARedisServer()
    {
    }
}
#endif
