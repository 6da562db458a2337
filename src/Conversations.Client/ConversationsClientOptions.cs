using System.ComponentModel.DataAnnotations;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Conversations.Client;

/// <summary>Options of a <see cref="ConversationsClient"/>.</summary>
public sealed class ConversationsClientOptions
{
    /// <summary>Gets or sets the endpoint mapped by <c>MapConversations</c>, as <c>ws://</c>, <c>wss://</c>, <c>http://</c> or <c>https://</c>.</summary>
    [Required]
    public Uri? Url { get; set; }

    /// <summary>
    /// Gets or sets a callback that returns the bearer token sent in the <c>Authorization</c> header of every (re)connect,
    /// or <see langword="null"/> for none.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>Gets or sets a hook that adjusts each WebSocket before it connects (headers, cookies, certificates, proxy).</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    /// <summary>Gets or sets the reconnect policy; <see langword="null"/> disables automatic reconnects.</summary>
    /// <value>The default value is an <see cref="ExponentialBackoffReconnectPolicy"/>.</value>
    public IReconnectPolicy? ReconnectPolicy { get; set; } = new ExponentialBackoffReconnectPolicy();

    /// <summary>Gets or sets how long a command waits for its answer, reconnects included.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long one connection attempt (handshake and welcome) may take.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets whether the client asks for compact events (<c>conversations.v1.compact</c>): message events arrive as
    /// binary records, which are read about three times faster than JSON and are about half the size. A server that
    /// predates them sends JSON; events reach the subscriptions the same either way.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CompactEvents { get; set; } = true;

    /// <summary>Gets or sets the largest frame, in bytes, the client accepts from the server.</summary>
    /// <value>The default value is 16 MiB.</value>
    [Range(1_024, int.MaxValue)]
    public int MaxReceiveMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets how many received events each subscription buffers for its reader. When a reader falls this far
    /// behind, the subscription stops buffering (the socket keeps being read, so other subscriptions and commands are not
    /// held up); once the reader has taken what is buffered, the client subscribes again from the last sequence it
    /// delivered and the server replays the gap from its store, with snapshots of replies still streaming.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(16, 10_000_000)]
    public int SubscriptionBufferCapacity { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the HTTP client that sends asset bytes to, and reads them from, the presigned URLs the server hands
    /// out; <see langword="null"/> for a shared one. The client is not disposed by <see cref="ConversationsClient"/>.
    /// </summary>
    public HttpClient? AssetHttpClient { get; set; }

    /// <summary>Gets or sets the clock used for backoff delays and timeouts.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    [Required]
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the logger factory; <see langword="null"/> for no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets a callback run when the connection is lost and the client starts reconnecting.</summary>
    public Func<Exception?, ValueTask>? OnReconnecting { get; set; }

    /// <summary>Gets or sets a callback run after the client reconnected and resubscribed.</summary>
    public Func<ValueTask>? OnReconnected { get; set; }

    /// <summary>Gets or sets a callback run when the client closes for good (disposed, or the reconnect policy gave up).</summary>
    public Func<Exception?, ValueTask>? OnClosed { get; set; }
}
