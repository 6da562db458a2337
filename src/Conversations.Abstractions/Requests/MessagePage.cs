namespace Conversations;

/// <summary>A page of history, in ascending sequence order.</summary>
public sealed class MessagePage
{
    /// <summary>Gets the messages, in ascending <see cref="Message.Sequence"/> order.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }

    /// <summary>Gets a value indicating whether more messages lie beyond the page in the direction queried.</summary>
    public required bool HasMore { get; init; }
}
