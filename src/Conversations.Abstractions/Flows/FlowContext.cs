namespace Conversations;

/// <summary>
/// A flow's view of the conversation it was triggered in. Everything posted through it is sent as the
/// agent, and counts one step deeper in the agent chain than the trigger.
/// </summary>
/// <remarks>A context belongs to one trigger; use it only while <see cref="IFlowEngine.RunAsync"/> runs.</remarks>
public abstract class FlowContext
{
    /// <summary>Gets the trigger.</summary>
    public abstract FlowTrigger Trigger { get; }

    /// <summary>Gets the agent's account.</summary>
    public abstract Account Agent { get; }

    /// <summary>Gets the host's services, to resolve what the flow needs.</summary>
    public abstract IServiceProvider Services { get; }

    /// <summary>Posts a message as the agent.</summary>
    /// <param name="request">The message.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The stored message.</returns>
    public abstract Task<Message> PostAsync(PostMessageRequest request, CancellationToken cancellationToken = default);

    /// <summary>Starts a streamed message as the agent.</summary>
    /// <param name="request">The message's format, data and reply-to; <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The open stream.</returns>
    public abstract Task<MessageStream> BeginStreamAsync(StreamMessageRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>Announces that the agent started or stopped typing.</summary>
    /// <param name="isTyping">Whether the agent is working on a reply.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the event is published.</returns>
    public abstract Task SetTypingAsync(bool isTyping, CancellationToken cancellationToken = default);

    /// <summary>Reads a page of the conversation's history.</summary>
    /// <param name="query">The page; <see langword="null"/> for the latest messages.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The page, in ascending sequence order.</returns>
    public abstract Task<MessagePage> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the room's participants.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The participants.</returns>
    public abstract Task<IReadOnlyList<Participant>> GetParticipantsAsync(CancellationToken cancellationToken = default);
}
