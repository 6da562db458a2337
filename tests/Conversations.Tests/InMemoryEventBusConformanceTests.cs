using Conversations.Testing;
using Conversations.Transport;

namespace Conversations.Tests;

/// <summary>The in-process bus passes the bus conformance suite (one instance plays both hosts).</summary>
public sealed class InMemoryEventBusConformanceTests : EventBusConformanceTests
{
    protected override ValueTask<(ConversationEventBus Publisher, ConversationEventBus Subscriber)> CreateBusesAsync()
    {
        var bus = new InMemoryEventBus();
        return new((bus, bus));
    }
}
