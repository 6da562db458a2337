using System.Collections.Concurrent;

namespace Conversations.Internal;

/// <summary>A stream this engine writes that a participant may stop.</summary>
internal interface IStoppableStream
{
    /// <summary>Stores the text so far with status <see cref="MessageStatus.Stopped"/> and cancels the flow writing it.</summary>
    /// <exception cref="ConflictException">The stream already ended.</exception>
    Task<Message> StopAsync(Account by);

    /// <summary>
    /// Ends the stream as <see cref="MessageStatus.Failed"/> for a later attempt of its flow (or waits for an end already
    /// under way); returns the stored end, or <see langword="null"/> when none could be stored.
    /// </summary>
    Task<Message?> AbandonAsync();
}

/// <summary>The streams this engine writes, by message id, so that a stop request (from a caller or from the bus) finds its writer. Thread-safe.</summary>
internal sealed class StreamControls
{
    private readonly ConcurrentDictionary<string, IStoppableStream> _streams = new(StringComparer.Ordinal);

    public void Register(string messageId, IStoppableStream stream) => _streams[messageId] = stream;

    public void Unregister(string messageId, IStoppableStream stream) => _streams.TryRemove(KeyValuePair.Create(messageId, stream));

    public bool TryGet(string messageId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IStoppableStream stream) => _streams.TryGetValue(messageId, out stream);
}
