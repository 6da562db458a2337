namespace Conversations;

/// <summary>
/// The host's agent runtime. The engine hands it a trigger for each auto-respond agent participant when a
/// conversation is created and when someone else posts; the flow answers through its <see cref="FlowContext"/>.
/// </summary>
/// <remarks>
/// Triggers for one (conversation, agent) pair run one at a time, in sequence order; different pairs run in
/// parallel, so implementations must be thread-safe. An exception thrown by a flow is logged and published
/// as a <c>conversation.flow_failed</c> event; it never stops other triggers. Register a default engine with
/// <c>AddFlowEngine</c>, or an engine for one agent account with <c>AddAgentFlowEngine</c> (a keyed service).
/// </remarks>
public interface IFlowEngine
{
    /// <summary>Runs the agent's flow for one trigger.</summary>
    /// <param name="context">The trigger, and the agent's means to answer.</param>
    /// <param name="cancellationToken">Cancelled when the flow times out or the host stops.</param>
    /// <returns>A task that completes when the flow has handled the trigger.</returns>
    ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken);
}
