using System.Collections.Concurrent;
using System.Text;

namespace Conversations.Internal;

/// <summary>
/// The text of every stream this engine knows is open: its own (exact, updated by the writer before each delta is
/// published) and, mirrored from the bus, other engines' (exact while no delta was missed). Subscribers joining
/// mid-stream take their snapshot from here.
/// </summary>
/// <remarks>
/// Why a snapshot from here is exact: a stream's text and delta count change together under its lock, before the delta
/// is published. A subscriber reads the snapshot only after its bus subscription is live, so every delta not covered by
/// the snapshot is published later and reaches its buffer. Thread-safe.
/// </remarks>
internal sealed class StreamRegistry
{
    private const int EndedMemory = 1_024;

    private readonly ConcurrentDictionary<string, LiveStream> _streams = new(StringComparer.Ordinal);

    // Streams that ended here recently: the bus may still hand the engine their deltas, which must not revive them as mirrors.
    private readonly ConcurrentDictionary<string, byte> _ended = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _endedOrder = new();

    /// <summary>Gets how many streams are tracked.</summary>
    public int Count => _streams.Count;

    /// <summary>Starts tracking a stream this engine writes.</summary>
    public LiveStream AddLocal(Message message) =>
        _streams.AddOrUpdate(
            message.Id,
            static (_, m) => new LiveStream(m.ConversationId, m.Id, m.Sequence, m.SenderId, isLocal: true),
            static (_, existing, m) => existing.IsLocal ? existing : new LiveStream(m.ConversationId, m.Id, m.Sequence, m.SenderId, isLocal: true),
            message);

    /// <summary>Tells whether this engine is writing the stream.</summary>
    public bool IsLocal(string messageId) => _streams.TryGetValue(messageId, out var stream) && stream.IsLocal;

    /// <summary>Stops tracking a stream (it ended).</summary>
    public void Remove(string messageId)
    {
        _streams.TryRemove(messageId, out _);
        if (_ended.TryAdd(messageId, 0))
        {
            _endedOrder.Enqueue(messageId);
            while (_endedOrder.Count > EndedMemory && _endedOrder.TryDequeue(out var oldest))
            {
                _ended.TryRemove(oldest, out _);
            }
        }
    }

    /// <summary>Returns the stream's snapshot, or <see langword="null"/> when it is not tracked (or its mirror broke).</summary>
    public (string Text, int DeltaCount, string ActorId)? TrySnapshot(string messageId)
    {
        if (!_streams.TryGetValue(messageId, out var stream))
        {
            return null;
        }

        var (text, count) = stream.Snapshot();
        return (text, count, stream.ActorId);
    }

    /// <summary>Lists the tracked streams of a conversation.</summary>
    public IReadOnlyList<LiveStream> InConversation(string conversationId)
    {
        List<LiveStream>? found = null;
        foreach (var stream in _streams.Values)
        {
            if (string.Equals(stream.ConversationId, conversationId, StringComparison.Ordinal))
            {
                (found ??= []).Add(stream);
            }
        }

        return (IReadOnlyList<LiveStream>?)found ?? [];
    }

    /// <summary>Mirrors a delta of another engine's stream, seen on the bus.</summary>
    public void Observe(MessageDeltaEvent delta)
    {
        if (_streams.TryGetValue(delta.MessageId, out var stream))
        {
            if (!stream.IsLocal && !stream.TryMirror(delta.Index, delta.Delta))
            {
                // A delta was missed: the mirror can no longer give an exact snapshot.
                _streams.TryRemove(new KeyValuePair<string, LiveStream>(delta.MessageId, stream));
            }

            return;
        }

        if (delta.Index == 0 && delta.ConversationId is { } conversationId && !_ended.ContainsKey(delta.MessageId))
        {
            var mirror = new LiveStream(conversationId, delta.MessageId, delta.MessageSequence, delta.ActorId, isLocal: false);
            mirror.TryMirror(0, delta.Delta);
            _streams.TryAdd(delta.MessageId, mirror);
        }
    }

    /// <summary>Forgets every mirrored stream: deltas may have been dropped.</summary>
    public void DropMirrors()
    {
        foreach (var (id, stream) in _streams)
        {
            if (!stream.IsLocal)
            {
                _streams.TryRemove(new KeyValuePair<string, LiveStream>(id, stream));
            }
        }
    }

    /// <summary>A stream's text so far.</summary>
    internal sealed class LiveStream(string conversationId, string messageId, long messageSequence, string actorId, bool isLocal)
    {
        private readonly Lock _gate = new();
        private readonly StringBuilder _text = new();
        private int _count;

        public string ConversationId { get; } = conversationId;

        public string MessageId { get; } = messageId;

        public long MessageSequence { get; } = messageSequence;

        public string ActorId { get; } = actorId;

        public bool IsLocal { get; } = isLocal;

        public int Length
        {
            get
            {
                lock (_gate)
                {
                    return _text.Length;
                }
            }
        }

        /// <summary>Appends a delta of a local stream; returns its index.</summary>
        public int Append(string delta)
        {
            lock (_gate)
            {
                _text.Append(delta);
                return _count++;
            }
        }

        public (string Text, int DeltaCount) Snapshot()
        {
            lock (_gate)
            {
                return (_text.ToString(), _count);
            }
        }

        /// <summary>Applies a mirrored delta: ignores repeats, refuses a gap.</summary>
        public bool TryMirror(int index, string delta)
        {
            lock (_gate)
            {
                if (index < _count)
                {
                    return true;
                }

                if (index > _count)
                {
                    return false;
                }

                _text.Append(delta);
                _count++;
                return true;
            }
        }
    }
}
