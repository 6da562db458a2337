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

    /// <summary>Gets or sets how many triggers may wait for one (conversation, agent) pair before new ones are dropped and reported.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 1_000_000)]
    public int MaxPendingTriggersPerAgent { get; set; } = 1_000;

    /// <summary>Gets or sets how many flows may run at once across all conversations.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 10_000)]
    public int MaxConcurrentFlows { get; set; } = 64;

    /// <summary>Gets or sets how long one flow run may take before it is cancelled and reported as failed; <see langword="null"/> for no limit.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan? FlowTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many events may wait for the registered event handlers before new ones are dropped and logged.</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 10_000_000)]
    public int EventHandlerQueueCapacity { get; set; } = 10_000;
}
