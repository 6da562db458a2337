using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Conversations.Client.Internal;
using Conversations.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conversations.Client;

/// <summary>
/// A connection to a Conversations server over one WebSocket (<c>conversations.v1.json</c>, with message events as compact
/// binary records when the server has them: <see cref="ConversationsClientOptions.CompactEvents"/>): typed commands,
/// subscriptions that resume from their last sequence after a reconnect, idempotent posts, and streamed replies.
/// </summary>
/// <remarks>
/// Thread-safe: commands may be issued concurrently. While the client reconnects, commands wait (up to
/// <see cref="ConversationsClientOptions.RequestTimeout"/>). Commands that are safe to repeat (reads, posts with their client
/// message id, subscribe, typing, read markers) are sent again after a reconnect; others whose answer was lost fail with
/// <see cref="UnavailableException"/> because their outcome is unknown.
/// </remarks>
public sealed partial class ConversationsClient : IAsyncDisposable
{
    private static readonly ProtocolJson Json = ProtocolJson.Default;

    private readonly ConversationsClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _url;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, PendingRequest> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ClientSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _stateLock = new();
    private volatile ClientWebSocket? _socket;
    private Task? _run;
    private long _nextId;
    private int _disposed;
    private ConversationsClientState _state;

    /// <summary>Initializes a new instance of the <see cref="ConversationsClient"/> class. Call <see cref="ConnectAsync"/> next.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are not valid.</exception>
    public ConversationsClient(ConversationsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConversationsClientOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _time = options.TimeProvider;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ConversationsClient>();
        var builder = new UriBuilder(options.Url!);
        builder.Scheme = builder.Scheme switch { "http" => "ws", "https" => "wss", _ => builder.Scheme };
        _url = builder.Uri;
    }

    /// <summary>Gets the connection state.</summary>
    public ConversationsClientState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>Gets the account the server identified this client as, once connected.</summary>
    public string? AccountId { get; private set; }

    /// <summary>Opens the connection. Reconnects after that are automatic, as the reconnect policy allows.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the server has welcomed the client.</returns>
    /// <exception cref="InvalidOperationException">The client was already connected.</exception>
    /// <exception cref="UnauthenticatedException">The server refused the credentials (HTTP 401).</exception>
    /// <exception cref="ForbiddenException">The server refused the connection (HTTP 403, such as a disallowed origin).</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_stateLock)
        {
            if (_state != ConversationsClientState.Disconnected)
            {
                throw new InvalidOperationException("The client is already connected or connecting; a client connects once.");
            }

            _state = ConversationsClientState.Connecting;
        }

        ClientWebSocket socket;
        try
        {
            socket = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            SetState(ConversationsClientState.Disconnected);
            throw;
        }

        _socket = socket;
        SetState(ConversationsClientState.Connected);
        _run = Task.Run(() => RunAsync(socket), CancellationToken.None);
    }

    /// <summary>Closes the connection. Open subscriptions end; waiting commands fail.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        var socket = _socket;
        if (socket is { State: WebSocketState.Open })
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
            await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionError(e))
            {
                socket.Abort();
            }
            finally
            {
                _sendLock.Release();
            }
        }

        if (_run is { } run)
        {
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(5), _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                socket?.Abort();
                await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        CloseForGood(null, new ObjectDisposedException(nameof(ConversationsClient)));
        socket?.Dispose();
        _disposing.Dispose();
    }

    private void SetState(ConversationsClientState state)
    {
        lock (_stateLock)
        {
            _state = state;
        }
    }

    private async Task<ClientWebSocket> OpenAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        using var timer = _time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), timeout, _options.ConnectTimeout, Timeout.InfiniteTimeSpan);
        var socket = new ClientWebSocket();
        try
        {
            if (_options.CompactEvents)
            {
                socket.Options.AddSubProtocol(ProtocolConstants.SubprotocolV1Compact);
            }

            socket.Options.AddSubProtocol(ProtocolConstants.SubprotocolV1);
            socket.Options.CollectHttpResponseDetails = true;
            if (_options.AccessTokenProvider is { } tokens && await tokens(timeout.Token).ConfigureAwait(false) is { Length: > 0 } token)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            }

            _options.ConfigureWebSocket?.Invoke(socket.Options);
            try
            {
                await socket.ConnectAsync(_url, timeout.Token).ConfigureAwait(false);
            }
            catch (WebSocketException e) when (socket.HttpStatusCode is HttpStatusCode.Unauthorized)
            {
                throw new UnauthenticatedException("The server refused the credentials.", e);
            }
            catch (WebSocketException e) when (socket.HttpStatusCode is HttpStatusCode.Forbidden)
            {
                throw new ForbiddenException("The server refused the connection.", e);
            }

            var welcome = await ReadFirstFrameAsync(socket, timeout.Token).ConfigureAwait(false);
            if (welcome?.Type != ServerFrameTypes.Welcome)
            {
                throw new UnavailableException("The server did not welcome the client.");
            }

            AccountId = welcome.AccountId;
            Log.Connected(_logger, _url, welcome.AccountId ?? "?");
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Receives one whole WebSocket message into <paramref name="buffer"/>: JSON frames, or with compact events binary records.
    /// Returns <see langword="null"/> when the server closed the connection. Pooled: the receive loop calls this once per
    /// message and allocates nothing for it.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<WebSocketMessageType?> ReceiveMessageAsync(ClientWebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        ValueWebSocketReceiveResult result;
        do
        {
            if (buffer.WrittenCount >= _options.MaxReceiveMessageBytes)
            {
                throw new LimitExceededException($"The server sent a message larger than {_options.MaxReceiveMessageBytes} bytes.");
            }

            result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            buffer.Advance(result.Count);
        }
        while (!result.EndOfMessage);

        return result.MessageType == WebSocketMessageType.Close ? null : result.MessageType;
    }

    /// <summary>Reads the next frame of a message (frames are separated by line feeds); an unreadable one is logged and skipped.</summary>
    private bool TryReadNextFrame(ref ReadOnlySpan<byte> rest, RecentStrings? recent, ServerFrame? into, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ServerFrame? frame)
    {
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            try
            {
                frame = ServerFrameReader.Read(line, recent, into);
                return true;
            }
            catch (JsonException e)
            {
                // A frame from a newer server (say, an event type this client does not know) is skipped, not fatal.
                Log.UnreadableFrame(_logger, e);
            }
        }

        frame = null;
        return false;
    }

    /// <summary>
    /// Reads the next record of a binary message (compact events) into <paramref name="into"/>; a record of a kind this
    /// client does not know is skipped, an unreadable one logged and skipped.
    /// </summary>
    private bool TryReadNextRecord(ref ReadOnlySpan<byte> rest, RecentStrings recent, ServerFrame into)
    {
        while (!rest.IsEmpty)
        {
            try
            {
                if (CompactEvents.TryRead(ref rest, recent, into))
                {
                    return true;
                }
            }
            catch (JsonException e)
            {
                Log.UnreadableFrame(_logger, e);
            }
        }

        return false;
    }

    /// <summary>Reads the server's first frame; <see langword="null"/> when the server closed the connection first.</summary>
    private async Task<ServerFrame?> ReadFirstFrameAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (await ReceiveMessageAsync(socket, buffer, cancellationToken).ConfigureAwait(false) is { } type)
        {
            if (type == WebSocketMessageType.Binary)
            {
                continue;
            }

            var rest = buffer.WrittenSpan;
            if (TryReadNextFrame(ref rest, null, null, out var frame))
            {
                return frame;
            }
        }

        return null;
    }

    private async Task RunAsync(ClientWebSocket socket)
    {
        var resumed = false;
        while (true)
        {
            var receive = ReceiveLoopAsync(socket);
            if (resumed)
            {
                Resume(socket);
            }

            var reason = await receive.ConfigureAwait(false);
            if (_disposed != 0)
            {
                return;
            }

            await OnDisconnectedAsync(socket).ConfigureAwait(false);
            if (_options.ReconnectPolicy is null)
            {
                CloseForGood(reason, new UnavailableException("The connection was lost.", reason));
                return;
            }

            SetState(ConversationsClientState.Reconnecting);
            Log.ConnectionLost(_logger, reason);
            await InvokeAsync(_options.OnReconnecting, reason).ConfigureAwait(false);
            var next = await ReconnectAsync(reason).ConfigureAwait(false);
            socket.Dispose();
            if (next is null)
            {
                if (_disposed == 0)
                {
                    Log.GaveUp(_logger);
                    CloseForGood(reason, new UnavailableException("The connection was lost and the reconnect policy gave up.", reason));
                }

                return;
            }

            socket = next;
            _socket = next;
            SetState(ConversationsClientState.Connected);
            resumed = true;
        }
    }

    private async Task<Exception?> ReceiveLoopAsync(ClientWebSocket socket)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var recent = new RecentStrings();
        var reused = new ServerFrame();
        try
        {
            while (await ReceiveMessageAsync(socket, buffer, CancellationToken.None).ConfigureAwait(false) is { } type)
            {
                // Each frame is handled as it is read, on this loop, before the next one is read into the same instance.
                var rest = buffer.WrittenSpan;
                if (type == WebSocketMessageType.Binary)
                {
                    while (TryReadNextRecord(ref rest, recent, reused))
                    {
                        Dispatch(reused);
                    }

                    continue;
                }

                while (TryReadNextFrame(ref rest, recent, reused, out var frame))
                {
                    Dispatch(frame);
                }
            }

            return socket.CloseStatus is { } status
                ? new UnavailableException($"The server closed the connection ({(int)status} {socket.CloseStatusDescription}).")
                : null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private void Dispatch(ServerFrame frame)
    {
        switch (frame.Type)
        {
            case ServerFrameTypes.Event:
                DispatchEvent(frame);
                break;

            case ServerFrameTypes.Ack:
                if (frame.Id is { } ackId && _pending.TryGetValue(ackId, out var acked))
                {
                    acked.OnAcknowledged?.Invoke();
                    acked.Completion.TrySetResult(frame.Result);
                }

                break;

            case ServerFrameTypes.Error:
                if (frame.Id is { } errorId && _pending.TryGetValue(errorId, out var failed))
                {
                    failed.Completion.TrySetException(ErrorCodes.ToException(frame.Code, frame.Message, frame.RetryAfterMs));
                }
                else
                {
                    Log.UnsolicitedError(_logger, frame.Code, frame.Message);
                }

                break;

            case ServerFrameTypes.SubscriptionEnded when EndInbox(frame):
                break;

            case ServerFrameTypes.SubscriptionEnded:
                var endedKey = frame.ConversationId is { } c ? ConversationKey(c) : RoomKey(frame.RoomId ?? string.Empty);
                if (_subscriptions.TryRemove(endedKey, out var ended))
                {
                    ended.Complete(frame.Code is null ? null : ErrorCodes.ToException(frame.Code, frame.Message));
                }

                break;
        }
    }

    private async Task OnDisconnectedAsync(ClientWebSocket socket)
    {
        // Commands that reached the old connection and are not safe to repeat have an unknown outcome: fail them.
        await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var pending in _pending.Values)
            {
                if (!pending.Retryable && ReferenceEquals(pending.SentOn, socket))
                {
                    pending.Completion.TrySetException(new UnavailableException("The connection was lost before the answer arrived; the command may or may not have taken effect."));
                }
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task<ClientWebSocket?> ReconnectAsync(Exception? reason)
    {
        var started = _time.GetTimestamp();
        long attempts = 0;
        while (_disposed == 0)
        {
            var delay = _options.ReconnectPolicy!.NextRetryDelay(new RetryContext
            {
                PreviousRetryCount = attempts,
                ElapsedTime = _time.GetElapsedTime(started),
                RetryReason = reason,
            });
            if (delay is null)
            {
                return null;
            }

            try
            {
                if (delay.Value > TimeSpan.Zero)
                {
                    await Task.Delay(delay.Value, _time, _disposing.Token).ConfigureAwait(false);
                }

                var socket = await OpenAsync(_disposing.Token).ConfigureAwait(false);
                Log.Reconnected(_logger, attempts + 1, _subscriptions.Count);
                return socket;
            }
            catch (OperationCanceledException) when (_disposed != 0)
            {
                return null;
            }
            catch (Exception e)
            {
                attempts++;
                reason = e;
                Log.ReconnectAttemptFailed(_logger, attempts, e);
            }
        }

        return null;
    }

    /// <summary>After a reconnect: resubscribe from each subscription's last sequence, then resend what is waiting.</summary>
    private void Resume(ClientWebSocket socket)
    {
        _ = Task.Run(async () =>
        {
            foreach (var subscription in _subscriptions.Values)
            {
                if (subscription.Acknowledged)
                {
                    _ = ResubscribeAsync(subscription);
                }
            }

            ResumeInbox();

            foreach (var pending in _pending.Values)
            {
                await TrySendAsync(pending, socket).ConfigureAwait(false);
            }

            await InvokeAsync(_options.OnReconnected).ConfigureAwait(false);
        });
    }

    private async Task ResubscribeAsync(ClientSubscription subscription, CancellationToken cancellationToken = default)
    {
        var frame = subscription.ConversationId is { } conversationId
            ? new ClientFrame { Type = CommandTypes.Subscribe, ConversationId = conversationId, AfterSequence = subscription.LastSequence }
            : new ClientFrame { Type = CommandTypes.RoomsSubscribe, RoomId = subscription.RoomId };
        try
        {
            await RequestAsync(frame, retryable: true, cancellationToken, subscription.Resubscribed).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (_subscriptions.TryRemove(new KeyValuePair<string, ClientSubscription>(subscription.Key, subscription)))
            {
                subscription.Complete(e);
            }
        }
    }

    private void CloseForGood(Exception? reason, Exception failure)
    {
        SetState(ConversationsClientState.Closed);
        foreach (var pending in _pending.Values)
        {
            pending.Completion.TrySetException(failure);
        }

        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Complete(_disposed != 0 ? null : failure);
        }

        _subscriptions.Clear();
        CloseInbox(_disposed != 0 ? null : failure);
        _ = InvokeAsync(_options.OnClosed, reason);
    }

    private async Task<JsonElement?> RequestAsync(ClientFrame frame, bool retryable, CancellationToken cancellationToken, Action? onAcknowledged = null)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        switch (State)
        {
            case ConversationsClientState.Disconnected or ConversationsClientState.Connecting:
                throw new InvalidOperationException("Call ConnectAsync before sending commands.");
            case ConversationsClientState.Closed:
                throw new UnavailableException("The client is closed: the connection was lost and the reconnect policy gave up.");
        }

        var id = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        frame.Id = id;
        // The caller's trace continues on the server (the command's span is its child).
        if (System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } current)
        {
            frame.TraceParent = current.Id;
        }

        var pending = new PendingRequest(JsonSerializer.SerializeToUtf8Bytes(frame, Json.ClientFrame), retryable) { OnAcknowledged = onAcknowledged };
        _pending[id] = pending;
        try
        {
            if (State == ConversationsClientState.Connected && _socket is { } socket)
            {
                await TrySendAsync(pending, socket).ConfigureAwait(false);
            }

            return await pending.Completion.Task.WaitAsync(_options.RequestTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task<T> RequestAsync<T>(ClientFrame frame, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, bool retryable, CancellationToken cancellationToken)
    {
        var result = await RequestAsync(frame, retryable, cancellationToken).ConfigureAwait(false);
        return result is { } element && element.Deserialize(typeInfo) is { } value
            ? value
            : throw new UnavailableException($"The server answered \"{frame.Type}\" without a result.");
    }

    private async Task TrySendAsync(PendingRequest pending, WebSocket socket)
    {
        await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (pending.Completion.Task.IsCompleted || ReferenceEquals(pending.SentOn, socket) || socket.State != WebSocketState.Open)
            {
                return;
            }

            pending.SentOn = socket;
            await socket.SendAsync(pending.Payload, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionError(e))
        {
            // The receive loop notices the lost connection; the command is resent or failed from there.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static bool IsConnectionError(Exception e) =>
        e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException or InvalidOperationException;

    private static string ConversationKey(string conversationId) => SubscriptionNames.Conversation(conversationId);

    private static string RoomKey(string roomId) => SubscriptionNames.Room(roomId);

    private static string NewClientMessageId() => Guid.NewGuid().ToString("N");

    private static async Task InvokeAsync<TArg>(Func<TArg, ValueTask>? callback, TArg argument)
    {
        if (callback is not null)
        {
            try
            {
                await callback(argument).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failing callback must not break the connection.
            }
        }
    }

    private static async Task InvokeAsync(Func<ValueTask>? callback)
    {
        if (callback is not null)
        {
            try
            {
                await callback().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failing callback must not break the connection.
            }
        }
    }
}
