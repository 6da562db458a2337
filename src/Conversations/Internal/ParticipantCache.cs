using System.Collections.Concurrent;

namespace Conversations.Internal;

/// <summary>
/// The participants this engine authorized recently, so that a busy sender's posts are not each preceded by a store read.
/// Only participations are kept (never "not a participant"), each for at most
/// <see cref="ConversationsOptions.AuthorizationCacheDuration"/>; a change made here is forgotten at once, and a change
/// made by another engine as soon as its event arrives on the bus (everything is forgotten when the bus may have lost events).
/// </summary>
/// <remarks>Thread-safe. Bounded: past <see cref="MaxEntries"/> entries it starts over.</remarks>
internal sealed class ParticipantCache(TimeProvider time, TimeSpan duration)
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string Room, string Account), Entry> _entries = new();
    private long _generation;

    public bool Enabled => duration > TimeSpan.Zero;

    /// <summary>Gets the cached participation, if still fresh.</summary>
    public bool TryGet(string roomId, string accountId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Participant? participant)
    {
        if (Enabled && _entries.TryGetValue((roomId, accountId), out var entry) && entry.Expires > time.GetTimestamp())
        {
            participant = entry.Participant;
            return true;
        }

        participant = null;
        return false;
    }

    /// <summary>The generation to pass to <see cref="Add"/>: a read that started before an invalidation is not cached.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Caches a participation read from the store, unless something was invalidated since the read began.</summary>
    public void Add(Participant participant, long generation)
    {
        if (!Enabled)
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            Clear();
            return;
        }

        var expires = time.GetTimestamp() + (long)(duration.TotalSeconds * time.TimestampFrequency);
        _entries[(participant.RoomId, participant.AccountId)] = new Entry(participant, expires);
        if (Generation != generation)
        {
            // An invalidation raced the read: the value may be stale.
            _entries.TryRemove((participant.RoomId, participant.AccountId), out _);
        }
    }

    /// <summary>Forgets one participation (it changed).</summary>
    public void Invalidate(string roomId, string accountId)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove((roomId, accountId), out _);
    }

    /// <summary>Forgets everything (events may have been lost).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    private sealed record Entry(Participant Participant, long Expires);
}
