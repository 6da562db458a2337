using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Conversations.Protocol;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// One client's WebSocket: a receive loop that runs commands one at a time, a pump per subscription, and a bounded queue
/// of outgoing frames that whoever queues drains (one at a time). A full queue closes the connection (4002) instead of
/// slowing anyone else.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The lifetime source is disposed when RunAsync ends (the connection lives exactly as long as that call); the send gate never creates its wait handle, so it holds nothing to dispose.")]
internal sealed partial class ConversationsConnection
{
    private const int MaxBatchBytes = 64 * 1024;
    private static long s_nextId;

    private readonly WebSocket _socket;
    private readonly Account _account;
    private readonly ServiceSet _services;
    private readonly WebSocketEndpointOptions _options;
    private readonly ConnectionRegistry _registry;
    private readonly ILogger _logger;
    private readonly SendQueue _sendQueue;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly TaskCompletionSource _sendFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<OutboundFrame> _batched = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource<(int Status, string Description)> _closeRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _id;
    private volatile bool _closing;
    private long _lastSend;
    private volatile bool _busy;
    private volatile bool _releasing;
    private ITimer? _heldEvents;
    private int _holding;
    private int _invalidFrames;
    private ActivityContext _handshake;

    // conversations.v1.compact: message events go out as binary records (set before the first frame is queued).
    private bool _compact;

    // The answers of pipelined posts, in the order the posts arrived (receive loop only).
    private Task _answered = Task.CompletedTask;
    private int _postsInFlight;

    public ConversationsConnection(WebSocket socket, Account account, ServiceSet services, WebSocketEndpointOptions options, ConnectionRegistry registry, ILogger logger)
    {
        _socket = socket;
        _account = account;
        _services = services;
        _options = options;
        _registry = registry;
        _logger = logger;
        _id = Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _sendQueue = new SendQueue(options.SendQueueCapacity);
    }

    public string Id => _id;

    /// <summary>Gets how many frames wait in the send queue.</summary>
    public int QueuedFrames => _sendQueue.Count;

    /// <summary>Asks the connection to close with a status; safe to call from any thread, more than once.</summary>
    public void RequestClose(int status, string description) => _closeRequested.TrySetResult((status, description));

    public async Task RunAsync(string subprotocol)
    {
        _compact = subprotocol == ProtocolConstants.SubprotocolV1Compact;
        _registry.Add(this);
        Log.ConnectionOpened(_logger, _id, _account.Id, subprotocol);
        TransportTelemetry.ConnectionsOpen.Add(1, new KeyValuePair<string, object?>(ConversationsDiagnostics.TransportTag, TransportTelemetry.WebSocket));
        // Commands start traces of their own, linked to the handshake's (which lasts as long as the connection).
        _handshake = Activity.Current?.Context ?? default;
        var reason = "closed";
        try
        {
            _sendQueue.TryEnqueue(new OutboundFrame(FrameWriter.Welcome(subprotocol, _account, _options.MaxMessageBytes)));
            Drain();
            var receiveTask = ReceiveLoopAsync();
            var first = await Task.WhenAny(receiveTask, _sendFailed.Task, _closeRequested.Task).ConfigureAwait(false);
            _closing = true;
            await _lifetime.CancelAsync().ConfigureAwait(false);
            _sendQueue.Complete();

            if (first == _closeRequested.Task)
            {
                var (status, description) = _closeRequested.Task.Result;
                reason = $"{status} {description}";
                await WaitOrAbortAsync(_sending.WaitAsync()).ConfigureAwait(false);
                await CloseOutputAsync((WebSocketCloseStatus)status, description).ConfigureAwait(false);
                await WaitOrAbortAsync(receiveTask).ConfigureAwait(false);
            }
            else if (first == receiveTask)
            {
                _ = receiveTask.Exception;
                reason = _socket.CloseStatus is { } status ? $"client closed {(int)status}" : "client went away";
                await WaitOrAbortAsync(_sending.WaitAsync()).ConfigureAwait(false);
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye").ConfigureAwait(false);
                }
            }
            else
            {
                reason = "send failed";
                _socket.Abort();
                await WaitOrAbortAsync(receiveTask).ConfigureAwait(false);
            }
        }
        finally
        {
            await DisposeStreamsAsync().ConfigureAwait(false);
            await StopSubscriptionsAsync().ConfigureAwait(false);
            _registry.Remove(this);
            _heldEvents?.Dispose();
            TransportTelemetry.ConnectionsOpen.Add(-1, new KeyValuePair<string, object?>(ConversationsDiagnostics.TransportTag, TransportTelemetry.WebSocket));
            _lifetime.Dispose();
            Log.ConnectionClosed(_logger, _id, reason);
        }
    }

    /// <summary>
    /// Queues a frame. A full queue makes only this connection's producers wait; if it stays full for
    /// <see cref="WebSocketEndpointOptions.SlowClientTimeout"/> the client is too slow and the connection is closed (4002).
    /// </summary>
    private ValueTask<bool> EnqueueAsync(byte[] frame, CancellationToken cancellationToken = default) => EnqueueAsync(new OutboundFrame(frame), cancellationToken);

    /// <param name="frame">The frame.</param>
    /// <param name="cancellationToken">Stops waiting for room.</param>
    /// <param name="drain">
    /// Whether to send what is queued now; a pump passes <see langword="false"/> while more of its events are ready, so a
    /// burst goes out in one message.
    /// </param>
    private ValueTask<bool> EnqueueAsync(OutboundFrame frame, CancellationToken cancellationToken, bool drain = true)
    {
        if (!_sendQueue.TryEnqueue(frame))
        {
            return WaitToEnqueueAsync(frame, cancellationToken);
        }

        if (drain)
        {
            Drain();
        }

        return ValueTask.FromResult(true);
    }

    private async ValueTask<bool> WaitToEnqueueAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        if (_closing)
        {
            return false;
        }

        // The queue is full: make sure it is being sent (a pump may have queued a burst without sending it yet).
        Drain();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, cancellationToken);
        using var timer = _services.TimeProvider.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), timeout, _options.SlowClientTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            if (!await _sendQueue.EnqueueAsync(frame, timeout.Token).ConfigureAwait(false))
            {
                return false;
            }

            Drain();
            return true;
        }
        catch (OperationCanceledException) when (!_lifetime.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (_closeRequested.TrySetResult((ProtocolConstants.CloseStatusClientTooSlow, "client too slow: send queue full")))
            {
                Log.ClientTooSlow(_logger, _id);
            }

            return false;
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends what is queued, on the caller's thread, unless a send is under way (then that one sends it: it looks at the
    /// queue again before it lets go). There is no send loop to wake, so a frame costs no hand-off to another thread; a
    /// send that has to wait for the socket continues on its own while the caller goes on.
    /// </summary>
    private void Drain()
    {
        if (!_closing && _sending.Wait(0))
        {
            _ = DrainAsync();
        }
    }

    /// <summary>
    /// Sends queued events now or, if this connection is busy (its last send came less than
    /// <see cref="WebSocketEndpointOptions.EventBatchWindow"/> after the one before, or released held events) and was
    /// less than that window ago, when the window ends: the events arriving meanwhile go out in the same message. A
    /// connection that sends now and then never waits. Nothing waits on this; an answer queued meanwhile sends at once
    /// and takes the held events with it.
    /// </summary>
    private void DrainEvents()
    {
        var window = _options.EventBatchWindow;
        var since = _busy ? _options.BatchClock.GetElapsedTime(Volatile.Read(ref _lastSend)) : window;
        if (since >= window || _closing)
        {
            Drain();
            return;
        }

        // One timer per connection, made when it is first needed (an idle connection never holds one) and armed by whoever
        // finds it unarmed; it disarms itself before it sends, so events queued after that arm it again.
        if (Interlocked.Exchange(ref _holding, 1) == 0)
        {
            try
            {
                var timer = _heldEvents ??= _options.BatchClock.CreateTimer(static state => ((ConversationsConnection)state!).SendHeldEvents(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                timer.Change(window - since, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The connection closed meanwhile: nothing more is sent.
            }
        }
    }

    private void SendHeldEvents()
    {
        _releasing = true;
        Volatile.Write(ref _holding, 0);
        Drain();
    }

    private async Task DrainAsync()
    {
        do
        {
            try
            {
                await SendQueuedAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Whatever failed the send, the connection ends: RunAsync sees it and aborts the socket.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (e is not (WebSocketException or IOException or ObjectDisposedException or OperationCanceledException))
                {
                    Log.SendFailed(_logger, _id, e);
                }

                _sendFailed.TrySetResult();
                return;
            }
            finally
            {
                _sending.Release();
            }
        }
        while (!_closing && _sendQueue.TryPeek(out _) && _sending.Wait(0));
    }

    /// <summary>
    /// Sends every queued frame. Frames that are already waiting go out together in one WebSocket message, separated by a
    /// line feed (JSON text never contains a raw one): under load that saves a send per frame; when idle each frame goes
    /// alone. The batch buffer is rented only while a batch is sent, so an idle connection holds none.
    /// </summary>
    private async Task SendQueuedAsync()
    {
        var queue = _sendQueue;
        // Busy: this send follows the last within the window, or it releases events held for being busy (the window's
        // end, so it stays busy while events keep coming).
        var now = _options.BatchClock.GetTimestamp();
        _busy = _releasing || _options.BatchClock.GetElapsedTime(_lastSend, now) < _options.EventBatchWindow;
        _releasing = false;
        Volatile.Write(ref _lastSend, now);
        while (!_closing && queue.TryRead(out var frame))
        {
            // JSON frames are separated by a line feed; binary records carry their length.
            var type = frame.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
            var separator = frame.Binary ? 0 : 1;
            if (!queue.TryPeek(out var second) || second.Binary != frame.Binary || frame.Bytes.Length + separator + second.Bytes.Length > MaxBatchBytes)
            {
                await _socket.SendAsync(frame.Bytes, type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                TransportTelemetry.WebSocketMessages.Add(1);
                RecordDelivery(frame);
                continue;
            }

            var batch = ArrayPool<byte>.Shared.Rent(MaxBatchBytes);
            try
            {
                frame.Bytes.CopyTo(batch, 0);
                var length = frame.Bytes.Length;
                _batched.Add(frame);
                while (queue.TryPeek(out var next) && next.Binary == frame.Binary && length + separator + next.Bytes.Length <= MaxBatchBytes && queue.TryRead(out next))
                {
                    if (!frame.Binary)
                    {
                        batch[length++] = (byte)'\n';
                    }

                    next.Bytes.CopyTo(batch, length);
                    length += next.Bytes.Length;
                    _batched.Add(next);
                }

                await _socket.SendAsync(batch.AsMemory(0, length), type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                TransportTelemetry.WebSocketMessages.Add(1);
                foreach (var sent in _batched)
                {
                    RecordDelivery(sent);
                }
            }
            finally
            {
                _batched.Clear();
                ArrayPool<byte>.Shared.Return(batch);
            }
        }
    }

    /// <summary>Counts an event just written, and how long after its commit it went out.</summary>
    private void RecordDelivery(OutboundFrame frame)
    {
        if (frame.Event is not { } sent || !(TransportTelemetry.Deliveries.Enabled || TransportTelemetry.DeliveryLag.Enabled))
        {
            return;
        }

        var type = new KeyValuePair<string, object?>(ConversationsDiagnostics.EventTypeTag, sent.Type.Value);
        TransportTelemetry.Deliveries.Add(1, type);
        if (frame.Live)
        {
            TransportTelemetry.DeliveryLag.Record(Math.Max(0, (_services.TimeProvider.GetUtcNow() - sent.Timestamp).TotalSeconds), type);
        }
    }

    /// <summary>
    /// Reads frames. Each read first waits for data without a buffer (a zero-byte read), so an idle connection holds no
    /// receive buffer; one is rented per message and returned once the message is handled.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        var max = _options.MaxMessageBytes;
        while (true)
        {
            var waiting = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            if (waiting.MessageType == WebSocketMessageType.Close)
            {
                await DrainPostsAsync().ConfigureAwait(false);
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, 16 * 1024));
            try
            {
                var count = 0;
                var oversized = false;
                var result = waiting;
                while (!result.EndOfMessage)
                {
                    if (!oversized && count == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, buffer.Length * 2));
                        buffer.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var target = oversized ? buffer.AsMemory() : buffer.AsMemory(count);
                    result = await _socket.ReceiveAsync(target, CancellationToken.None).ConfigureAwait(false);
                    if (!oversized)
                    {
                        count += result.Count;
                        oversized = count > max;
                    }
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await DrainPostsAsync().ConfigureAwait(false);
                    return;
                }

                if (_closing)
                {
                    continue;
                }

                if (oversized)
                {
                    await InvalidAsync(null, ConversationsErrorCode.LimitExceeded.Value, $"The message exceeds {max} bytes and was discarded.").ConfigureAwait(false);
                }
                else if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await InvalidAsync(null, ConversationsErrorCode.InvalidArgument.Value, "Binary messages are not part of the protocol; send JSON text.").ConfigureAwait(false);
                }
                else
                {
                    await ProcessAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>The client is closing: answer the posts it sent before it closed.</summary>
    private async Task DrainPostsAsync()
    {
        try
        {
            await _answered.WaitAsync(_options.CloseTimeout, _services.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private async ValueTask InvalidAsync(string? id, string code, string message)
    {
        Log.InvalidFrame(_logger, _id, message);
        await EnqueueAsync(FrameWriter.Error(id, code, message)).ConfigureAwait(false);
        if (Interlocked.Increment(ref _invalidFrames) >= _options.MaxInvalidFrames && _closeRequested.TrySetResult((ProtocolConstants.CloseStatusPolicyViolation, "too many invalid frames")))
        {
            Log.PolicyClose(_logger, _id);
        }
    }

    private async Task ProcessAsync(ReadOnlyMemory<byte> json)
    {
        ClientFrame? frame;
        try
        {
            frame = JsonSerializer.Deserialize(json.Span, ProtocolJson.Default.ClientFrame);
        }
        catch (JsonException e)
        {
            await InvalidAsync(TryReadId(json.Span), ConversationsErrorCode.InvalidArgument.Value, "Malformed frame: " + e.Message).ConfigureAwait(false);
            return;
        }

        if (frame is null || string.IsNullOrEmpty(frame.Type))
        {
            await InvalidAsync(frame?.Id, ConversationsErrorCode.InvalidArgument.Value, "A frame is a JSON object with a \"type\".").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(frame.Id))
        {
            await InvalidAsync(null, ConversationsErrorCode.InvalidArgument.Value, "A command needs a non-empty \"id\".").ConfigureAwait(false);
            return;
        }

        if (frame.Type == CommandTypes.MessagesPost)
        {
            // Pipelined: the post is checked and handed to the store now, in arrival order (the engine numbers a caller's
            // posts in call order), and answered in that order once stored; the next frame is read meanwhile.
            if (_postsInFlight >= _options.MaxPipelinedPosts)
            {
                await _answered.ConfigureAwait(false);
            }

            Interlocked.Increment(ref _postsInFlight);
            var (post, postSpan) = Start(frame);
            _answered = AnswerInOrderAsync(frame, post, postSpan, _answered);
            return;
        }

        // Any other command runs after the posts sent before it were answered.
        await _answered.ConfigureAwait(false);
        var (execution, span) = Start(frame);
        var answer = await AnswerAsync(frame, execution, span).ConfigureAwait(false);
        if (answer is not null)
        {
            await EnqueueAsync(answer).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts a command inside its span: a trace of its own (or the client's, from <c>traceparent</c>) linked to the
    /// handshake. The span ends when the command is answered (<see cref="AnswerAsync"/>).
    /// </summary>
    private (Task<byte[]?> Execution, CommandSpan Span) Start(ClientFrame frame)
    {
        var command = TransportTelemetry.CommandName(frame.Type);
        var parent = ActivityContext.TryParse(frame.TraceParent, null, out var client) ? client : default;
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = TransportTelemetry.StartCommand(command, TransportTelemetry.WebSocket, ActivityKind.Server, parent, _handshake);
        activity?.SetTag(ConversationsDiagnostics.ConnectionIdTag, _id);
        activity?.SetTag(ConversationsDiagnostics.ConversationIdTag, frame.ConversationId);
        try
        {
            return (ExecuteAsync(frame, _lifetime.Token), new CommandSpan(command, activity, _services.TimeProvider.GetTimestamp()));
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private async Task AnswerInOrderAsync(ClientFrame frame, Task<byte[]?> execution, CommandSpan span, Task previous)
    {
        var answer = await AnswerAsync(frame, execution, span).ConfigureAwait(false);
        await previous.ConfigureAwait(false);
        Interlocked.Decrement(ref _postsInFlight);
        if (answer is not null)
        {
            await EnqueueAsync(answer).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a command and returns its answer: its ack, its error frame, or <see langword="null"/> when it already queued its answer (or the connection is closing).</summary>
    private async Task<byte[]?> AnswerAsync(ClientFrame frame, Task<byte[]?> execution, CommandSpan span)
    {
        string? failure = null;
        try
        {
            return await execution.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_closing)
        {
            return null;
        }
        catch (Exception e)
        {
            var (code, message, expected) = ErrorMapping.Map(e);
            if (!expected)
            {
                Log.CommandFailed(_logger, frame.Type ?? "?", _id, e);
            }

            failure = code;
            TransportTelemetry.Failed(span.Activity, code, message);
            return FrameWriter.Error(frame.Id, code, message, ErrorMapping.RetryAfter(e));
        }
        finally
        {
            TransportTelemetry.RecordCommand(span.Command, TransportTelemetry.WebSocket, failure, _services.TimeProvider.GetElapsedTime(span.Started));
            span.Activity?.Dispose();
        }
    }

    /// <summary>The span and start time of a command that is running.</summary>
    private readonly record struct CommandSpan(string Command, Activity? Activity, long Started);

    /// <summary>Finds the request id of a frame that failed to bind, so the error can name it.</summary>
    private static string? TryReadId(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isId)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>Waits up to CloseTimeout for a loop of this connection to end, then aborts the socket.</summary>
    private async Task WaitOrAbortAsync(Task loop)
    {
        try
        {
            await loop.WaitAsync(_options.CloseTimeout, _services.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.CloseTimedOut(_logger, _id);
            _socket.Abort();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }

    private async Task CloseOutputAsync(WebSocketCloseStatus status, string description)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_options.CloseTimeout, _services.TimeProvider);
        try
        {
            await _socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            _socket.Abort();
        }
    }
}
