namespace Conversations.Internal;

internal sealed class EngineFlowContext(FlowTrigger trigger, IServiceProvider services, MessageService messages, EngineCore core) : FlowContext
{
    private readonly Account _agent = trigger.Agent.ToAccount();

    public override FlowTrigger Trigger => trigger;

    public override Account Agent => _agent;

    public override IServiceProvider Services => services;

    private int ReplyDepth => trigger.ChainDepth + 1;

    public override Task<Message> PostAsync(PostMessageRequest request, CancellationToken cancellationToken = default) =>
        messages.PostAsync(_agent, trigger.Conversation.Id, request, ReplyDepth, cancellationToken);

    public override Task<MessageStream> BeginStreamAsync(StreamMessageRequest? request = null, CancellationToken cancellationToken = default) =>
        messages.BeginStreamAsync(_agent, trigger.Conversation.Id, request, ReplyDepth, cancellationToken);

    public override Task SetTypingAsync(bool isTyping, CancellationToken cancellationToken = default) =>
        messages.SetTypingAsync(_agent, trigger.Conversation.Id, isTyping, cancellationToken);

    public override Task<MessagePage> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        messages.GetHistoryAsync(_agent, trigger.Conversation.Id, query, cancellationToken);

    public override async Task<IReadOnlyList<Participant>> GetParticipantsAsync(CancellationToken cancellationToken = default) =>
        await core.Store.GetParticipantsAsync(trigger.RoomId, cancellationToken).ConfigureAwait(false);
}
