namespace Conversations;

/// <summary>The name of an event. Names are part of the public contract and never change.</summary>
public readonly struct ConversationEventType : IEquatable<ConversationEventType>
{
    /// <summary><c>room.created</c>.</summary>
    public static ConversationEventType RoomCreated { get; } = new("room.created");

    /// <summary><c>room.participant_added</c>.</summary>
    public static ConversationEventType ParticipantAdded { get; } = new("room.participant_added");

    /// <summary><c>room.participant_removed</c>.</summary>
    public static ConversationEventType ParticipantRemoved { get; } = new("room.participant_removed");

    /// <summary><c>room.participant_updated</c>.</summary>
    public static ConversationEventType ParticipantUpdated { get; } = new("room.participant_updated");

    /// <summary><c>conversation.created</c>.</summary>
    public static ConversationEventType ConversationCreated { get; } = new("conversation.created");

    /// <summary><c>conversation.message_posted</c>.</summary>
    public static ConversationEventType MessagePosted { get; } = new("conversation.message_posted");

    /// <summary><c>conversation.message_updated</c>.</summary>
    public static ConversationEventType MessageUpdated { get; } = new("conversation.message_updated");

    /// <summary><c>conversation.message_deleted</c>.</summary>
    public static ConversationEventType MessageDeleted { get; } = new("conversation.message_deleted");

    /// <summary><c>conversation.message_delta</c>: a chunk of a streamed message.</summary>
    public static ConversationEventType MessageDelta { get; } = new("conversation.message_delta");

    /// <summary><c>conversation.message_snapshot</c>: the text a streamed message has reached, for a subscriber joining mid-stream.</summary>
    public static ConversationEventType MessageSnapshot { get; } = new("conversation.message_snapshot");

    /// <summary><c>conversation.typing</c>.</summary>
    public static ConversationEventType Typing { get; } = new("conversation.typing");

    /// <summary><c>conversation.read</c>.</summary>
    public static ConversationEventType Read { get; } = new("conversation.read");

    /// <summary><c>conversation.flow_failed</c>: an agent's flow threw or timed out.</summary>
    public static ConversationEventType FlowFailed { get; } = new("conversation.flow_failed");

    /// <summary><c>conversation.message_stop_requested</c>: a participant asked to stop a streaming message; its writer stops it.</summary>
    public static ConversationEventType MessageStopRequested { get; } = new("conversation.message_stop_requested");

    /// <summary>Initializes a new instance of the <see cref="ConversationEventType"/> struct.</summary>
    /// <param name="value">The event name.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null, empty or white space.</exception>
    public ConversationEventType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
    }

    /// <summary>Gets the event name.</summary>
    public string Value => field ?? string.Empty;

    /// <summary>Compares two event types.</summary>
    /// <param name="left">The first type.</param>
    /// <param name="right">The second type.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ConversationEventType left, ConversationEventType right) => left.Equals(right);

    /// <summary>Compares two event types.</summary>
    /// <param name="left">The first type.</param>
    /// <param name="right">The second type.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ConversationEventType left, ConversationEventType right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(ConversationEventType other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ConversationEventType other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
