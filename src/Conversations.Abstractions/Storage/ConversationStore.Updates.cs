namespace Conversations.Storage;

public abstract partial class ConversationStore
{
    /// <summary>
    /// Stores a change to a message exactly as <see cref="UpdateMessageAsync(Message, CancellationToken)"/> does (compare and
    /// swap on <see cref="Message.LastSequence"/>, a deleted message never changes) and, in the same atomic write, a pending
    /// <see cref="FlowTriggerRecord"/> for <see cref="TriggerSpec.AgentId"/> keyed by the change's sequence (above every
    /// trigger of the agent's lane, so it runs after them), due at once. Nothing is recorded when the change is refused.
    /// </summary>
    /// <remarks>
    /// Used to regenerate an agent's reply: the reply is deleted and the agent owes a run, atomically, so the run happens
    /// exactly when the delete does. The default implementation throws <see cref="NotSupportedException"/>; providers that
    /// support regeneration override it.
    /// </remarks>
    /// <param name="message">The message as it should be, carrying the <see cref="Message.LastSequence"/> the caller read.</param>
    /// <param name="trigger">The trigger the change owes.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>As <see cref="UpdateMessageAsync(Message, CancellationToken)"/>.</returns>
    /// <exception cref="NotSupportedException">The store cannot record a trigger with a change.</exception>
    public virtual ValueTask<UpdateResult> UpdateMessageWithTriggerAsync(Message message, TriggerSpec trigger, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot record a flow trigger with a message change; override UpdateMessageWithTriggerAsync.");
}
