using System.ComponentModel.DataAnnotations;

namespace Conversations;

/// <summary>Limits and tuning of the Conversations engine. Validated when the host starts.</summary>
public sealed class ConversationsOptions
{
    /// <summary>Gets or sets the longest message text, in UTF-16 code units.</summary>
    /// <value>The default value is 32,000.</value>
    [Range(1, 10_000_000)]
    public int MaxTextLength { get; set; } = 32_000;

    /// <summary>Gets or sets the most attachments one message may carry.</summary>
    /// <value>The default value is 10.</value>
    [Range(0, 1_000)]
    public int MaxAttachmentsPerMessage { get; set; } = 10;

    /// <summary>Gets or sets the largest structured data one message may carry, in bytes of UTF-8 JSON.</summary>
    /// <value>The default value is 65,536.</value>
    [Range(0, 16 * 1024 * 1024)]
    public int MaxDataBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Gets or sets the longest identifier a caller may supply (account ids, client message ids). At least 32,
    /// the length of the identifiers the engine generates.
    /// </summary>
    /// <value>The default value is 128.</value>
    [Range(32, 1_024)]
    public int MaxIdLength { get; set; } = 128;

    /// <summary>Gets or sets the longest room name, conversation title or display name.</summary>
    /// <value>The default value is 200.</value>
    [Range(1, 10_000)]
    public int MaxNameLength { get; set; } = 200;

    /// <summary>Gets or sets the most participants a room may have.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(2, 1_000_000)]
    public int MaxParticipantsPerRoom { get; set; } = 1_000;

    /// <summary>Gets or sets the largest history page a caller may ask for.</summary>
    /// <value>The default value is 200.</value>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 200;

    /// <summary>
    /// Gets or sets how long the engine may trust a participation it read (who may post, with which role) before reading it
    /// again. A change made through this engine takes effect at once; one made by another engine as soon as its event
    /// arrives on the bus, and at the latest after this long. <see cref="TimeSpan.Zero"/> reads the store for every check
    /// (at most an hour).
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan AuthorizationCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how deep a chain of agents answering agents may go. A message posted by a flow triggered
    /// by a message at this depth triggers no further flows. 0 means agents never trigger agents.
    /// </summary>
    /// <value>The default value is 4.</value>
    [Range(0, 100)]
    public int MaxAgentChainDepth { get; set; } = 4;

    /// <summary>
    /// Gets or sets how many undelivered events each subscriber may buffer. A subscriber that falls further
    /// behind stops receiving live events and re-reads what it missed from the store.
    /// </summary>
    /// <value>The default value is 1,024.</value>
    [Range(1, 1_000_000)]
    public int SubscriberBufferCapacity { get; set; } = 1_024;

    /// <summary>Gets or sets how many flows may run at once across all conversations.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 10_000)]
    public int MaxConcurrentFlows { get; set; } = 64;

    /// <summary>Gets or sets how long one flow run may take before it is cancelled and reported as failed; <see langword="null"/> for no limit.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan? FlowTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how many events may wait for the registered event handlers. Log events and live events (deltas,
    /// typing) wait in separate queues of this size, so a flood of deltas never crowds out a posted message. Log events
    /// that find their queue full are read back from the store once it empties (counted by
    /// <see cref="ConversationsDiagnostics.HandlerEventsDropped"/>); live events are dropped, oldest first.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 10_000_000)]
    public int EventHandlerQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how many attempts a trigger gets before it is given up: each failure (an exception, a timeout, a
    /// crash or a lost lease) is retried with backoff, and after the last one a <c>conversation.flow_failed</c> event
    /// reports it once and the agent's next trigger runs.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(1, 100)]
    public int MaxFlowAttempts { get; set; } = 3;

    /// <summary>Gets or sets the wait before the first retry of a failed trigger; it doubles with each further attempt.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan FlowRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest wait between attempts at a trigger.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan FlowRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a dispatcher's lease on a trigger lasts. The dispatcher renews it every third of this while
    /// the flow runs; if the process dies, another one (or the restarted one) runs the trigger once the lease ends.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan FlowLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long a stream's owner lease lasts. The writer renews it with every checkpoint and every third of
    /// this while the stream is open; a stream whose lease ended (its writer is gone) is failed by recovery with the
    /// text checkpointed so far.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan StreamLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often the text of an open stream is checkpointed to the store (without taking a sequence), so a
    /// crash keeps what was streamed. A checkpoint is also written whenever <see cref="StreamCheckpointCharacters"/> new
    /// characters arrived.
    /// </summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan StreamCheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets how many streamed characters since the last checkpoint make the next one due at once.</summary>
    /// <value>The default value is 2,048.</value>
    [Range(1, 10_000_000)]
    public int StreamCheckpointCharacters { get; set; } = 2_048;

    /// <summary>
    /// Gets or sets how often each engine looks in the store for work no doorbell announced: triggers due for a retry or
    /// whose lease ended, posts from processes that share the store without sharing a bus, and streams whose owner is gone.
    /// </summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how many bus publishes may be in flight before further events are dropped (subscribers then catch up
    /// from the store). Publishing never delays an acknowledgement; this bounds the memory a slow bus can hold.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 10_000_000)]
    public int MaxPendingPublishes { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the name of this engine instance, used in the owner ids of trigger and stream leases (each start adds
    /// a unique suffix). <see langword="null"/> for the machine name.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [StringLength(64)]
    public string? InstanceName { get; set; }

    /// <summary>Gets or sets how many characters of a message's text an inbox preview (<see cref="MessagePreview.Text"/>) keeps.</summary>
    /// <value>The default value is 200.</value>
    [Range(1, 10_000)]
    public int InboxPreviewLength { get; set; } = 200;

    /// <summary>
    /// Gets or sets how many rooms an inbox subscriber may list as known when it subscribes (its held entries' versions).
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 1_000_000)]
    public int MaxInboxKnownRooms { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how long <see cref="IMessageService.StopAsync"/> waits for another engine that writes the stream to confirm
    /// the stop, before it reports <c>unavailable</c>. A stream this engine writes stops at once.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
