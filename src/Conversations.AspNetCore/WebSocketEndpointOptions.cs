using System.ComponentModel.DataAnnotations;

namespace Conversations;

/// <summary>Limits and timings of the Conversations WebSocket endpoint.</summary>
public sealed class WebSocketEndpointOptions
{
    /// <summary>
    /// Gets or sets the largest message, in bytes, a client may send (and an HTTP request body may have). A larger WebSocket
    /// message is discarded and answered with a <c>limit_exceeded</c> error frame; a larger HTTP body gets 413.
    /// </summary>
    /// <value>The default value is 262,144 (256 KiB).</value>
    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Gets or sets how many frames may wait to be sent to one client. A client whose queue stays full for
    /// <see cref="SlowClientTimeout"/> is disconnected with close status 4002 (client too slow); it can reconnect and resume
    /// from its last sequence.
    /// </summary>
    /// <value>The default value is 4,096.</value>
    [Range(1, 1_000_000)]
    public int SendQueueCapacity { get; set; } = 4_096;

    /// <summary>
    /// Gets or sets how long a client's send queue may stay full before the client is disconnected with close status 4002
    /// (client too slow). While it is full only that connection waits: the engine buffers and, past its buffer, re-reads
    /// the log for it later, so nobody else is slowed (more than zero, at most an hour).
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan SlowClientTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often the server pings an idle client (more than zero, at most an hour).</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long the server waits for a pong before it drops a silent client (more than zero, at most an hour).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a close handshake may take before the connection is aborted (more than zero, at most ten minutes).</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long a busy connection holds further events after a send, so that events arriving close together
    /// go out in one WebSocket message rather than one message each. A connection is busy while each send follows the one
    /// before within this window (or releases held events); one that sends now and then sends every event at once, so a
    /// quiet room gains no delay. Command answers are never held, and take any held events with them, in order.
    /// <see cref="TimeSpan.Zero"/> sends every event as soon as it is ready (at most a minute).
    /// </summary>
    /// <remarks>
    /// When events come one or two to a message, most of what one costs the server and each client is the socket send and
    /// receive around it, not the event itself; holding them for a few milliseconds lets several share one send (in a busy
    /// 10-client room the server's sends per post fell from about 2.6 to 1.5). The window is measured on the system clock,
    /// not on the host's <see cref="TimeProvider"/>: it is a batching interval, never a deadline, and a stopped test clock
    /// must not stop deliveries.
    /// </remarks>
    /// <value>The default value is 5 milliseconds.</value>
    public TimeSpan EventBatchWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Gets or sets the clock of <see cref="EventBatchWindow"/> (tests only; the system clock otherwise).</summary>
    internal TimeProvider BatchClock { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets how many conversation and room subscriptions one connection may hold.</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 100_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 256;

    /// <summary>
    /// Gets or sets how many posts one connection may have in flight. Posts sent back to back are not run one after another:
    /// each is checked as it arrives and handed to the store in the order sent, so they are numbered in that order and
    /// share a commit, and their acks follow in the same order. Past this many unanswered posts the connection reads no
    /// further frame until they are answered. Any other command waits for the posts sent before it.
    /// </summary>
    /// <value>The default value is 64.</value>
    [Range(1, 4_096)]
    public int MaxPipelinedPosts { get; set; } = 64;

    /// <summary>Gets or sets how many streamed messages one connection may have open at once.</summary>
    /// <value>The default value is 16.</value>
    [Range(1, 10_000)]
    public int MaxOpenStreamsPerConnection { get; set; } = 16;

    /// <summary>
    /// Gets or sets how many invalid frames (malformed, oversized, unknown, binary) a connection may send before it is closed
    /// with status 1008 (policy violation).
    /// </summary>
    /// <value>The default value is 100.</value>
    [Range(1, int.MaxValue)]
    public int MaxInvalidFrames { get; set; } = 100;
}
