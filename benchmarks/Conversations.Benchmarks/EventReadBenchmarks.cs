using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Conversations.Protocol;

namespace Conversations.Benchmarks;

/// <summary>
/// What a client spends reading one WebSocket message of 16 posted-message events, as the .NET client reads it: JSON
/// event frames (<c>conversations.v1.json</c>, the baseline) against compact records (<c>conversations.v1.compact</c>).
/// Ids are 32 characters, the text a short sentence; a busy room's client spends most of its reading on these. The 16
/// events come from <see cref="Senders"/> people taking turns.
/// </summary>
[Config(typeof(EventReadConfig))]
[MemoryDiagnoser]
public class EventReadBenchmarks
{
    private const int Events = 16;
    private readonly RecentStrings _recent = new();
    private readonly ServerFrame _frame = new();
    private byte[] _json = [];
    private byte[] _compact = [];

    /// <summary>Gets or sets how many people the events come from (the client keeps the ids it sees repeated).</summary>
    [Params(4, 16)]
    public int Senders { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var room = Guid.NewGuid().ToString("n");
        var conversation = Guid.NewGuid().ToString("n");
        var subscription = "conversation:" + conversation;
        var at = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(1, Events).Select(i => new MessagePostedEvent
        {
            RoomId = room,
            ConversationId = conversation,
            ActorId = $"user-{i % Senders}",
            Timestamp = at.AddMilliseconds(i),
            Sequence = 1000 + i,
            Message = new Message
            {
                Id = Guid.NewGuid().ToString("n"),
                RoomId = room,
                ConversationId = conversation,
                Sequence = 1000 + i,
                LastSequence = 1000 + i,
                SenderId = $"user-{i % Senders}",
                SenderKind = AccountKind.User,
                Text = $"Shall we meet at {i} o'clock?",
                CreatedAt = at.AddMilliseconds(i),
            },
        }).ToArray();

        // The server's JSON event frame: the event written once by the event-frame contract, wrapped with its subscription.
        _json = Encoding.UTF8.GetBytes(string.Join('\n', events.Select(e =>
            $$"""{"type":"event","subscription":"{{subscription}}","event":{{JsonSerializer.Serialize<ConversationEvent>(e, ProtocolJson.Default.EventFrame)}}}""")));
        _compact = [.. events.SelectMany(e => CompactEvents.Write(e, subscription))];
    }

    [Benchmark(Baseline = true, Description = "JSON event frames")]
    public long Json()
    {
        long sum = 0;
        var rest = (ReadOnlySpan<byte>)_json;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            sum += ((MessageLogEvent)ServerFrameReader.Read(line, _recent, _frame).ConversationEvent!).Sequence;
        }

        return sum;
    }

    [Benchmark(Description = "compact records")]
    public long Compact()
    {
        long sum = 0;
        var rest = (ReadOnlySpan<byte>)_compact;
        while (!rest.IsEmpty)
        {
            if (CompactEvents.TryRead(ref rest, _recent, _frame))
            {
                sum += ((MessageLogEvent)_frame.ConversationEvent!).Sequence;
            }
        }

        return sum;
    }
}

internal sealed class EventReadConfig : ManualConfig
{
    public EventReadConfig()
    {
        AddJob(Job.ShortRun);
    }
}
