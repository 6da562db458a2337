namespace Conversations.Storage;

/// <summary>What <see cref="ConversationStore.AppendMessageAsync"/> records in the same atomic write as the message.</summary>
public sealed class AppendOptions
{
    /// <summary>Gets options that record nothing beside the message.</summary>
    public static AppendOptions None { get; } = new();

    /// <summary>
    /// Gets a value indicating whether to record a <see cref="FlowTriggerRecord"/> for each auto-respond agent participant
    /// of the room (other than the sender), as the participants are at the moment of the write.
    /// </summary>
    public bool CreateTriggers { get; init; }

    /// <summary>
    /// Gets the owner of a message appended with <see cref="MessageStatus.Streaming"/>, and until when its lease holds.
    /// Required for streaming messages; ignored otherwise.
    /// </summary>
    public StreamLease? StreamLease { get; init; }
}
