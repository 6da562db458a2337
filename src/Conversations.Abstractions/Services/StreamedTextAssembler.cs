using System.Text;

namespace Conversations;

/// <summary>
/// Assembles the text of streamed messages from a conversation's events: the posted message, then
/// <see cref="MessageSnapshotEvent"/>s and <see cref="MessageDeltaEvent"/>s, until the stream's final
/// <c>conversation.message_updated</c>. Feed it every event of a subscription, in order.
/// </summary>
/// <remarks>
/// A snapshot replaces the text and says which delta comes next; deltas below that are repeats and are ignored. The
/// engine sends a snapshot whenever a subscriber could have missed deltas (joining or resuming mid-stream, after falling
/// behind), so the text is exact. Not thread-safe: use one instance per subscription.
/// </remarks>
public sealed class StreamedTextAssembler
{
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);

    /// <summary>Gets the ids of the messages still streaming.</summary>
    public IReadOnlyCollection<string> Streaming => _streams.Keys;

    /// <summary>Applies an event.</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <returns>The streamed text of the message the event changed, or <see langword="null"/> when it changed no streamed text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationEvent"/> is <see langword="null"/>.</exception>
    public string? Apply(ConversationEvent conversationEvent)
    {
        ArgumentNullException.ThrowIfNull(conversationEvent);
        switch (conversationEvent)
        {
            case MessageLogEvent { Message: { Status: MessageStatus.Streaming } message }:
                if (!_streams.TryGetValue(message.Id, out var started))
                {
                    // The stored text (a checkpoint) covers an unknown number of deltas until a snapshot says.
                    started = new Stream(message.Text, next: message.Text.Length == 0 ? 0 : null);
                    _streams[message.Id] = started;
                }

                return started.Text.ToString();

            case MessageLogEvent logged:
                _streams.Remove(logged.Message.Id);
                return null;

            case MessageSnapshotEvent snapshot:
                _streams[snapshot.MessageId] = new Stream(snapshot.Text, snapshot.DeltaCount);
                return snapshot.Text;

            case MessageDeltaEvent delta:
                if (!_streams.TryGetValue(delta.MessageId, out var stream))
                {
                    stream = new Stream(string.Empty, next: 0);
                    _streams[delta.MessageId] = stream;
                }

                if (stream.Next is { } next && delta.Index < next)
                {
                    return null;
                }

                stream.Text.Append(delta.Delta);
                stream.Next = delta.Index + 1;
                return stream.Text.ToString();

            default:
                return null;
        }
    }

    /// <summary>Gets the text streamed so far of a message that is still streaming.</summary>
    /// <param name="messageId">The message.</param>
    /// <returns>The text, or <see langword="null"/> when the message is not streaming (as far as the events applied tell).</returns>
    public string? GetText(string messageId) => _streams.TryGetValue(messageId, out var stream) ? stream.Text.ToString() : null;

    private sealed class Stream(string text, int? next)
    {
        public StringBuilder Text { get; } = new(text);

        public int? Next { get; set; } = next;
    }
}
