using System.Globalization;

namespace Conversations.Internal;

/// <summary>
/// A flow's view of its trigger. Replies without a client message id get one derived from the trigger and the reply's
/// place in the run (<c>flow:{sequence}:{index}</c>, the sequence being the trigger's key: the triggering message's, or for a
/// regeneration the sequence of the delete that replaced the earlier reply), so a retried run posts each reply once.
/// Streams it begins can be stopped by a participant, which cancels the run through <paramref name="onStopped"/>.
/// </summary>
internal sealed class EngineFlowContext(FlowTrigger trigger, long replyBase, Action onStopped, IServiceProvider services, MessageService messages, EngineCore core) : FlowContext
{
    private readonly Account _agent = trigger.Agent.ToAccount();
    private int _replies;

    public override FlowTrigger Trigger => trigger;

    public override Account Agent => _agent;

    public override IServiceProvider Services => services;

    private int ReplyDepth => trigger.ChainDepth + 1;

    public override Task<Message> PostAsync(PostMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ClientMessageId is null
            ? messages.PostReplyAsync(_agent, trigger.Conversation.Id, request, ReplyDepth, NextReplyId(), cancellationToken)
            : messages.PostAsync(_agent, trigger.Conversation.Id, request, ReplyDepth, cancellationToken);
    }

    public override Task<MessageStream> BeginStreamAsync(StreamMessageRequest? request = null, CancellationToken cancellationToken = default) =>
        request?.ClientMessageId is null
            ? messages.BeginReplyStreamAsync(_agent, trigger.Conversation.Id, request, ReplyDepth, NextReplyId(), cancellationToken, onStopped)
            : messages.BeginStreamAsync(_agent, trigger.Conversation.Id, request, ReplyDepth, cancellationToken, onStopped);

    public override Task SetTypingAsync(bool isTyping, CancellationToken cancellationToken = default) =>
        messages.SetTypingAsync(_agent, trigger.Conversation.Id, isTyping, cancellationToken);

    public override Task<MessagePage> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        messages.GetHistoryAsync(_agent, trigger.Conversation.Id, query, cancellationToken);

    public override async Task<IReadOnlyList<Participant>> GetParticipantsAsync(CancellationToken cancellationToken = default) =>
        await core.Store.GetParticipantsAsync(trigger.RoomId, cancellationToken).ConfigureAwait(false);

    private string NextReplyId() =>
        string.Create(CultureInfo.InvariantCulture, $"flow:{replyBase}:{Interlocked.Increment(ref _replies) - 1}");
}
