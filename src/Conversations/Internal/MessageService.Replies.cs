using System.Text.Json;

namespace Conversations.Internal;

internal sealed partial class MessageService
{
    private const int MaxReplyRetries = 100;

    /// <summary>
    /// Posts a flow's reply exactly once per (trigger, reply index): under <paramref name="replyId"/>, or — when an earlier
    /// attempt left a failed or orphaned reply there — under the next free suffix. A reply an earlier attempt completed is
    /// returned as it is.
    /// </summary>
    public async Task<Message> PostReplyAsync(Account agent, string conversationId, PostMessageRequest request, int chainDepth, string replyId, CancellationToken cancellationToken)
    {
        for (var n = 1; n <= MaxReplyRetries; n++)
        {
            var attempt = new PostMessageRequest
            {
                Text = request.Text,
                Format = request.Format,
                Attachments = request.Attachments,
                Data = request.Data,
                ReplyToId = request.ReplyToId,
                ClientMessageId = ReplyId(replyId, n),
            };
            var message = await PostAsync(agent, conversationId, attempt, chainDepth, cancellationToken).ConfigureAwait(false);
            if (await IsSettledReplyAsync(agent, message, cancellationToken).ConfigureAwait(false))
            {
                return message;
            }
        }

        throw new ConflictException($"Reply '{replyId}' was attempted {MaxReplyRetries} times; giving up.");
    }

    /// <summary>Starts a flow's streamed reply exactly once per (trigger, reply index); see <see cref="PostReplyAsync"/>.</summary>
    public async Task<MessageStream> BeginReplyStreamAsync(Account agent, string conversationId, StreamMessageRequest? request, int chainDepth, string replyId, CancellationToken cancellationToken, Action? onStopped = null)
    {
        request ??= new StreamMessageRequest();
        for (var n = 1; n <= MaxReplyRetries; n++)
        {
            var attempt = new StreamMessageRequest { Format = request.Format, Data = request.Data, ReplyToId = request.ReplyToId, ClientMessageId = ReplyId(replyId, n) };
            var (stream, existing) = await TryBeginStreamAsync(agent, conversationId, attempt, chainDepth, cancellationToken, onStopped).ConfigureAwait(false);
            if (stream is not null)
            {
                return stream;
            }

            if (await IsSettledReplyAsync(agent, existing!, cancellationToken).ConfigureAwait(false))
            {
                return new SettledStream(existing!);
            }
        }

        throw new ConflictException($"Reply '{replyId}' was attempted {MaxReplyRetries} times; giving up.");
    }

    private static string ReplyId(string replyId, int n) => n == 1 ? replyId : replyId + "." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Tells whether a reply found under a derived id stands (complete or deleted), or belongs to an earlier attempt that
    /// broke off (failed, or still streaming with its writer gone — the caller holds the trigger's lease, so no earlier
    /// attempt is still entitled to it). An orphaned stream is failed with its text so far, and kept.
    /// </summary>
    private async Task<bool> IsSettledReplyAsync(Account agent, Message message, CancellationToken cancellationToken)
    {
        switch (message.Status)
        {
            case MessageStatus.Complete or MessageStatus.Stopped:
                return true;
            case MessageStatus.Streaming:
                // The caller holds the trigger's lease, so no earlier attempt is entitled to this reply any more. One
                // still writing it in this engine (it lost the lease but runs on) is ended as failed, or its end under
                // way is awaited; an orphan of another engine is failed in the store. Whichever end won decides.
                var ended = Controls.TryGet(message.Id, out var earlier)
                    ? await earlier.AbandonAsync().ConfigureAwait(false)
                    : await TryStoreChangeAsync(agent, message.With(status: MessageStatus.Failed), cancellationToken).ConfigureAwait(false);
                ended ??= await core.Store.GetMessageAsync(message.ConversationId, message.Id, cancellationToken).ConfigureAwait(false);
                return ended is not null && (ended.IsDeleted || ended.Status is MessageStatus.Complete or MessageStatus.Stopped);
            default:
                return message.IsDeleted;
        }
    }

    /// <summary>The stream of a reply an earlier attempt already completed: closed, and its message is the stored one.</summary>
    private sealed class SettledStream(Message message) : MessageStream
    {
        public override Message Message => message;

        public override string Text => message.Text;

        public override bool IsClosed => true;

        public override Task AppendAsync(string delta, CancellationToken cancellationToken = default) =>
            Task.FromException(new ConflictException($"Message '{message.Id}' was already completed by an earlier attempt of this flow."));

        public override Task<Message> CompleteAsync(CancellationToken cancellationToken = default) => Task.FromResult(message);

        public override Task<Message> CompleteAsync(JsonElement data, CancellationToken cancellationToken = default) => Task.FromResult(message);

        public override Task<Message> FailAsync(CancellationToken cancellationToken = default) => Task.FromResult(message);
    }
}
