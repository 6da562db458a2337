namespace Conversations;

/// <summary>The lifecycle state of a message.</summary>
public enum MessageStatus
{
    /// <summary>The message is whole.</summary>
    Complete = 0,

    /// <summary>The message is being streamed; its text grows until it completes or fails.</summary>
    Streaming = 1,

    /// <summary>The stream that produced the message failed or was cancelled; the text is what arrived.</summary>
    Failed = 2,

    /// <summary>
    /// A participant stopped the stream before it finished (<see cref="IMessageService.StopAsync"/>): the message is final with
    /// the text that arrived until then, like <see cref="Complete"/>, and marked as stopped.
    /// </summary>
    Stopped = 3,
}
