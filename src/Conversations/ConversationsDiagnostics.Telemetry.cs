namespace Conversations;

/// <content>
/// Span, instrument and attribute names beyond the first ones: the trigger backlog, the transport (connections, send
/// queues, deliveries, commands), and the attributes spans carry. docs/telemetry.md describes each.
/// </content>
public static partial class ConversationsDiagnostics
{
    /// <summary>The span of one store append (a post, a stream start), a child of the command or flow that made it.</summary>
    public const string AppendSpanName = "conversations.append";

    /// <summary>The span of one flow run, a child of the append that recorded its trigger when that ran in this process.</summary>
    public const string FlowSpanName = "conversations.flow";

    /// <summary>Observable gauge of agent triggers not yet done (waiting, leased or waiting for a retry), sampled from the store.</summary>
    public const string TriggersPending = "conversations.triggers.pending";

    /// <summary>Observable gauge of how long the oldest pending trigger has waited, in seconds (0 when none is pending).</summary>
    public const string TriggersOldestAge = "conversations.triggers.oldest_age";

    /// <summary>Up-down counter of open WebSocket connections, tagged <see cref="TransportTag"/>.</summary>
    public const string ConnectionsOpen = "conversations.connections.open";

    /// <summary>Observable gauge of frames waiting in the send queues of all open connections.</summary>
    public const string SendQueueDepth = "conversations.connections.send_queue.depth";

    /// <summary>Observable gauge of the deepest single send queue among the open connections.</summary>
    public const string SendQueueMaxDepth = "conversations.connections.send_queue.max_depth";

    /// <summary>Counter of events written to WebSocket connections, tagged <see cref="EventTypeTag"/>.</summary>
    public const string Deliveries = "conversations.deliveries";

    /// <summary>
    /// Counter of WebSocket messages written to clients, answers included. One message may carry several frames (events
    /// ready together, or held by the endpoint's batch window, with an answer), so in a busy room <see cref="Deliveries"/>
    /// divided by this shows how well events are batched.
    /// </summary>
    public const string WebSocketMessages = "conversations.websocket.messages";

    /// <summary>
    /// Histogram of the delay from an event's commit (its timestamp) to the socket write that delivered it, in seconds,
    /// tagged <see cref="EventTypeTag"/>. History a subscriber asked to replay is not counted.
    /// </summary>
    public const string DeliveryLag = "conversations.delivery.lag";

    /// <summary>
    /// Histogram of how many writes each store transaction committed together, tagged <see cref="DbSystemTag"/>. The stores
    /// gather writes that wait for each other into one transaction (one <c>fsync</c>, one round trip): a busy room's posts
    /// should show here as batches of several. SQLite counts every write; PostgreSQL the message appends it gathers.
    /// </summary>
    public const string StoreBatchWrites = "conversations.store.batch.writes";

    /// <summary>
    /// Histogram of how long each store transaction took, from its start to its durable commit, in seconds, tagged
    /// <see cref="DbSystemTag"/> (the batches of <see cref="StoreBatchWrites"/>). Long batches with few writes point at the disk.
    /// </summary>
    public const string StoreBatchDuration = "conversations.store.batch.duration";

    /// <summary>Histogram of command durations over the wire, in seconds, tagged <see cref="CommandTag"/>, <see cref="TransportTag"/> and, on failure, <see cref="ErrorTypeTag"/>.</summary>
    public const string CommandDuration = "conversations.commands.duration";

    /// <summary>The attribute naming a wire command (<c>messages.post</c>, <c>subscribe</c> …); also the command span's name.</summary>
    public const string CommandTag = "conversations.command";

    /// <summary>The attribute naming the transport: <c>websocket</c> or <c>http</c>.</summary>
    public const string TransportTag = "conversations.transport";

    /// <summary>The attribute naming an event (<c>conversation.message_posted</c> …).</summary>
    public const string EventTypeTag = "conversations.event.type";

    /// <summary>The attribute holding a failed call's stable error code (OpenTelemetry's <c>error.type</c>).</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The attribute holding a conversation id.</summary>
    public const string ConversationIdTag = "conversations.conversation_id";

    /// <summary>The attribute holding a message id (also set as OpenTelemetry's <c>messaging.message.id</c>).</summary>
    public const string MessageIdTag = "conversations.message_id";

    /// <summary>The attribute holding a message's sequence in its conversation.</summary>
    public const string SequenceTag = "conversations.sequence";

    /// <summary>The attribute naming the database a store writes to: <c>sqlite</c> or <c>postgresql</c> (OpenTelemetry's <c>db.system.name</c>).</summary>
    public const string DbSystemTag = "db.system.name";

    /// <summary>The attribute holding a WebSocket connection's id.</summary>
    public const string ConnectionIdTag = "conversations.connection.id";
}
