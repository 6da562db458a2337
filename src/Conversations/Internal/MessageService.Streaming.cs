using System.Text.Json;
using Conversations.Storage;

namespace Conversations.Internal;

internal sealed partial class MessageService
{
    public Task<MessageStream> BeginStreamAsync(Account caller, string conversationId, StreamMessageRequest? request = null, CancellationToken cancellationToken = default) =>
        BeginStreamAsync(caller, conversationId, request, chainDepth: 0, cancellationToken);

    public async Task<MessageStream> BeginStreamAsync(Account caller, string conversationId, StreamMessageRequest? request, int chainDepth, CancellationToken cancellationToken, Action? onStopped = null)
    {
        var (stream, existing) = await TryBeginStreamAsync(caller, conversationId, request, chainDepth, cancellationToken, onStopped).ConfigureAwait(false);
        return stream ?? throw new ConflictException($"'{caller.Id}' already used client message id '{request?.ClientMessageId}' in this conversation (message '{existing!.Id}').");
    }

    /// <summary>Starts a stream, or returns the message already stored under the request's client message id.</summary>
    private async Task<(MessageStream? Stream, Message? Existing)> TryBeginStreamAsync(Account caller, string conversationId, StreamMessageRequest? request, int chainDepth, CancellationToken cancellationToken, Action? onStopped = null)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        request ??= new StreamMessageRequest();
        using var turn = _order.Take(caller.Id, conversationId);
        var conversation = await PrepareNewMessageAsync(caller, conversationId, request.Format, request.Data, request.ClientMessageId, request.ReplyToId, cancellationToken).ConfigureAwait(false);

        var draft = NewMessage(caller, conversation, string.Empty, request.Format, [], request.Data, request.ReplyToId, request.ClientMessageId, MessageStatus.Streaming, chainDepth);
        var lease = new StreamLease(core.OwnerId, core.Now + core.Options.StreamLeaseDuration);
        var result = await AppendAsync(caller, draft, lease, turn, cancellationToken).ConfigureAwait(false);
        return result.Created
            ? (new EngineMessageStream(this, caller, result.Message, streams.AddLocal(result.Message), onStopped), null)
            : (null, result.Message);
    }

    /// <summary>
    /// A stream this engine writes: deltas are published live and tracked for mid-stream snapshots, the text is
    /// checkpointed to the store in the background (renewing the owner's lease), and the end is stored once, only if the
    /// stream is still this engine's.
    /// </summary>
    private sealed class EngineMessageStream : MessageStream, IStoppableStream
    {
        private readonly Action? _onStopped;
        private readonly MessageService _owner;
        private readonly Account _caller;
        private readonly Message _started;
        private readonly StreamRegistry.LiveStream _live;
        private readonly Lock _gate = new();
        private readonly ITimer _renewal;
        private long _lastCheckpoint;
        private int _charsSinceCheckpoint;
        private Task _checkpoint = Task.CompletedTask;
        private volatile bool _lost;
        private bool _closed;
        private TaskCompletionSource<Message>? _end;

        public EngineMessageStream(MessageService owner, Account caller, Message started, StreamRegistry.LiveStream live, Action? onStopped = null)
        {
            _onStopped = onStopped;
            owner.Controls.Register(started.Id, this);
            _owner = owner;
            _caller = caller;
            _started = started;
            _live = live;
            var core = owner.Core;
            _lastCheckpoint = core.Time.GetTimestamp();

            // Renews the lease while no text flows (a model thinking), so recovery never takes a live stream.
            var every = core.Options.StreamLeaseDuration / 3;
            _renewal = core.Time.CreateTimer(static s => ((EngineMessageStream)s!).Checkpoint(force: true), this, every, every);
        }

        public override Message Message => _started;

        public override string Text => _live.Snapshot().Text;

        public override bool IsClosed => _closed;

        public override Task AppendAsync(string delta, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(delta);
            try
            {
                Append(delta);
                return Task.CompletedTask;
            }
            catch (ConversationsException e)
            {
                return Task.FromException(e);
            }
        }

        public override Task<Message> CompleteAsync(CancellationToken cancellationToken = default) => CloseAsync(MessageStatus.Complete, _started.Data);

        public override Task<Message> CompleteAsync(JsonElement data, CancellationToken cancellationToken = default)
        {
            ThrowIfClosed();
            _owner.Core.ValidateData(data);
            return CloseAsync(MessageStatus.Complete, data.Clone());
        }

        public override Task<Message> FailAsync(CancellationToken cancellationToken = default) => CloseAsync(MessageStatus.Failed, _started.Data);

        /// <summary>
        /// Stops the stream for a participant: marks it closed at once (so the writer's own complete or fail loses the race),
        /// cancels the flow writing it, and stores the text so far as <see cref="MessageStatus.Stopped"/>.
        /// </summary>
        public Task<Message> StopAsync(Account by)
        {
            var closing = CloseAsync(MessageStatus.Stopped, _started.Data, by);
            if (!closing.IsFaulted)
            {
                _onStopped?.Invoke();
            }

            return closing;
        }

        private void Append(string delta)
        {
            ThrowIfClosed();
            if (_lost)
            {
                throw new ConflictException($"The stream of message '{_started.Id}' was ended elsewhere: its lease ran out and it was recovered as failed.");
            }

            if (delta.Length == 0)
            {
                return;
            }

            var core = _owner.Core;
            if (_live.Length + delta.Length > core.Options.MaxTextLength)
            {
                throw new LimitExceededException($"The streamed text would exceed {core.Options.MaxTextLength} characters.");
            }

            var index = _live.Append(delta);
            _owner.Publisher.Publish(new MessageDeltaEvent
            {
                RoomId = _started.RoomId,
                ConversationId = _started.ConversationId,
                ActorId = _caller.Id,
                Timestamp = core.Now,
                MessageId = _started.Id,
                MessageSequence = _started.Sequence,
                Index = index,
                Delta = delta,
            });

            lock (_gate)
            {
                _charsSinceCheckpoint += delta.Length;
            }

            Checkpoint(force: false);
        }

        /// <summary>Starts a background checkpoint when one is due (or forced), unless one is already on its way.</summary>
        private void Checkpoint(bool force)
        {
            var core = _owner.Core;
            lock (_gate)
            {
                if (_closed || !_checkpoint.IsCompleted)
                {
                    return;
                }

                if (!force
                    && _charsSinceCheckpoint < core.Options.StreamCheckpointCharacters
                    && core.Time.GetElapsedTime(_lastCheckpoint) < core.Options.StreamCheckpointInterval)
                {
                    return;
                }

                _lastCheckpoint = core.Time.GetTimestamp();
                _charsSinceCheckpoint = 0;
                var (text, count) = _live.Snapshot();
                _checkpoint = WriteCheckpointAsync(text, count);
            }
        }

        private async Task WriteCheckpointAsync(string text, int deltaCount)
        {
            var core = _owner.Core;
            try
            {
                var checkpoint = new StreamCheckpoint
                {
                    ConversationId = _started.ConversationId,
                    MessageId = _started.Id,
                    Owner = core.OwnerId,
                    Text = text,
                    DeltaCount = deltaCount,
                    LeaseExpiresAt = core.Now + core.Options.StreamLeaseDuration,
                };
                if (!await core.Store.CheckpointStreamAsync(checkpoint, CancellationToken.None).ConfigureAwait(false) && !_closed)
                {
                    _lost = true;
                    Log.StreamLost(_owner.Logger, _started.Id, _started.ConversationId);
                }
            }
#pragma warning disable CA1031 // A failed checkpoint is retried by the next one; the lease outlasts a few misses.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.CheckpointFailed(_owner.Logger, ex, _started.Id, _started.ConversationId);
            }
        }

        /// <summary>
        /// Ends the stream as <see cref="MessageStatus.Failed"/> with its text so far, for a later attempt of the same flow
        /// that now holds the trigger: the earlier attempt lost its lease but still runs here, and must not complete a
        /// second reply. If the stream is already ending, waits for that end instead.
        /// </summary>
        /// <returns>The stored end, or <see langword="null"/> when it could not be stored (ended elsewhere).</returns>
        public async Task<Message?> AbandonAsync()
        {
            try
            {
                return await CloseAsync(MessageStatus.Failed, _started.Data, join: true).ConfigureAwait(false);
            }
            catch (ConflictException)
            {
                return null;
            }
        }

        private Task<Message> CloseAsync(MessageStatus status, JsonElement? data, Account? actor = null, bool join = false)
        {
            TaskCompletionSource<Message> end;
            Task pending;
            lock (_gate)
            {
                if (join && _end is not null)
                {
                    return _end.Task;
                }

                ThrowIfClosed();
                _closed = true;
                end = _end = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
                pending = _checkpoint;
            }

            _ = FinishAsync(end, pending, status, data, actor);
            return end.Task;
        }

        private async Task FinishAsync(TaskCompletionSource<Message> end, Task pending, MessageStatus status, JsonElement? data, Account? actor)
        {
            try
            {
                await _renewal.DisposeAsync().ConfigureAwait(false);
                await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

                // The end is stored whatever the caller's token says (a stream is never left open), and only if the
                // message is still as it started: recovery may have failed it after this engine lost its lease.
                var final = _started.With(text: _live.Snapshot().Text, status: status, data: data);
                var stored = await _owner.TryStoreChangeAsync(actor ?? _caller, final, CancellationToken.None).ConfigureAwait(false);
                if (stored is null)
                {
                    end.TrySetException(new ConflictException($"The stream of message '{_started.Id}' was ended elsewhere: its lease ran out and it was recovered as failed."));
                }
                else
                {
                    end.TrySetResult(stored);
                }
            }
#pragma warning disable CA1031 // Whatever failed is the close's outcome, handed to whoever awaits it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                end.TrySetException(ex);
            }
            finally
            {
                _owner.Streams.Remove(_started.Id);
                _owner.Controls.Unregister(_started.Id, this);
            }
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new ConflictException($"The stream of message '{_started.Id}' is already closed.");
            }
        }
    }
}
