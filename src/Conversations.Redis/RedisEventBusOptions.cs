using System.ComponentModel.DataAnnotations;

namespace Conversations.Redis;

/// <summary>Options of the Redis event bus.</summary>
public sealed class RedisEventBusOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string, for example <c>redis.internal:6379,password=…</c>. Leave it
    /// unset when the bus is given an <c>IConnectionMultiplexer</c>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets the prefix of the bus's channels (<c>{prefix}:room:{roomId}</c>). Hosts that share a Redis but not a
    /// store must use different prefixes.
    /// </summary>
    /// <value>The default value is <c>conversations</c>. Letters, digits, <c>_ . : -</c>; at most 100 characters.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,100}$", ErrorMessage = "ChannelPrefix may hold letters, digits and _ . : - only, at most 100 characters.")]
    public string ChannelPrefix { get; set; } = "conversations";

    /// <summary>
    /// Gets or sets the largest event sent whole, in bytes of JSON. A larger log event travels as a bare doorbell
    /// ("conversation X reached sequence s") and subscribers read it from the store; a larger live event is dropped.
    /// </summary>
    /// <value>The default value is 65,536.</value>
    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxEventBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Gets or sets how long a log event that arrives ahead of its predecessors (hosts publish concurrently) waits for
    /// them before it is delivered anyway; subscribers then read the gap from the store.
    /// </summary>
    /// <value>The default value is 50 milliseconds; between 0 and 10 seconds.</value>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Gets or sets how often each host compares, for the rooms its subscribers follow, the store's last sequences with
    /// what it delivered, and rings a catch-up doorbell for any conversation that moved on unannounced (a message Redis
    /// lost, or a Redis outage: posts still succeed, and live delivery falls back to this poll). The same check runs at
    /// once after Redis reconnects.
    /// </summary>
    /// <value>The default value is 5 seconds; between 50 milliseconds and 1 hour.</value>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the most conversations whose delivered sequence a host remembers for its bus-wide subscribers.</summary>
    /// <value>The default value is 100,000.</value>
    [Range(100, 10_000_000)]
    public int MaxTrackedConversations { get; set; } = 100_000;
}
