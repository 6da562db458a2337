using System.Text;
using System.Text.Json;

namespace Conversations.Internal;

internal sealed partial class MessageService
{
    public Task<MessageStream> BeginStreamAsync(Account caller, string conversationId, StreamMessageRequest? request = null, CancellationToken cancellationToken = default) =>
        BeginStreamAsync(caller, conversationId, request, chainDepth: 0, cancellationToken);

    public async Task<MessageStream> BeginStreamAsync(Account caller, string conversationId, StreamMessageRequest? request, int chainDepth, CancellationToken cancellationToken)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        request ??= new StreamMessageRequest();
        var conversation = await PrepareNewMessageAsync(caller, conversationId, request.Format, request.Data, request.ClientMessageId, request.ReplyToId, cancellationToken).ConfigureAwait(false);

        var draft = NewMessage(caller, conversation, string.Empty, request.Format, [], request.Data, request.ReplyToId, request.ClientMessageId, MessageStatus.Streaming);
        var started = await AppendAsync(caller, draft, chainDepth, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(started.Id, draft.Id, StringComparison.Ordinal))
        {
            throw new ConflictException($"'{caller.Id}' already used client message id '{request.ClientMessageId}' in this conversation (message '{started.Id}').");
        }

        return new EngineMessageStream(this, caller, started);
    }

    private sealed class EngineMessageStream(MessageService owner, Account caller, Message started) : MessageStream
    {
        private readonly StringBuilder _text = new();
        private int _index;
        private bool _closed;

        public override Message Message => started;

        public override string Text => _text.ToString();

        public override bool IsClosed => _closed;

        public override async Task AppendAsync(string delta, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(delta);
            ThrowIfClosed();
            if (delta.Length == 0)
            {
                return;
            }

            if (_text.Length + delta.Length > owner.Core.Options.MaxTextLength)
            {
                throw new LimitExceededException($"The streamed text would exceed {owner.Core.Options.MaxTextLength} characters.");
            }

            _text.Append(delta);
            await owner.Pipeline.PublishAsync(new MessageDeltaEvent
            {
                RoomId = started.RoomId,
                ConversationId = started.ConversationId,
                ActorId = caller.Id,
                Timestamp = owner.Core.Now,
                MessageId = started.Id,
                MessageSequence = started.Sequence,
                Index = _index++,
                Delta = delta,
            }).ConfigureAwait(false);
        }

        public override Task<Message> CompleteAsync(CancellationToken cancellationToken = default) => CloseAsync(MessageStatus.Complete, started.Data, cancellationToken);

        public override Task<Message> CompleteAsync(JsonElement data, CancellationToken cancellationToken = default)
        {
            ThrowIfClosed();
            owner.Core.ValidateData(data);
            return CloseAsync(MessageStatus.Complete, data.Clone(), cancellationToken);
        }

        public override Task<Message> FailAsync(CancellationToken cancellationToken = default) => CloseAsync(MessageStatus.Failed, started.Data, cancellationToken);

        private async Task<Message> CloseAsync(MessageStatus status, JsonElement? data, CancellationToken cancellationToken)
        {
            ThrowIfClosed();
            _closed = true;
            var final = started.With(text: _text.ToString(), status: status, data: data);

            // The stream's end is stored whatever the caller's token says: a stream is never left open.
            _ = cancellationToken;
            return await owner.StoreChangeAsync(caller, final, CancellationToken.None).ConfigureAwait(false);
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new ConflictException($"The stream of message '{started.Id}' is already closed.");
            }
        }
    }
}
