namespace Conversations;

/// <summary>
/// Selects a page of a conversation's history. With neither bound, the latest messages; with
/// <see cref="Before"/>, the latest messages posted before that sequence; with <see cref="After"/>, the
/// earliest messages posted after it. Pages are always returned in ascending sequence order.
/// </summary>
public sealed class HistoryQuery
{
    /// <summary>Gets the exclusive upper bound on <see cref="Message.Sequence"/>.</summary>
    public long? Before { get; set; }

    /// <summary>Gets the exclusive lower bound on <see cref="Message.Sequence"/>.</summary>
    public long? After { get; set; }

    /// <summary>Gets the page size.</summary>
    /// <value>The default value is 50.</value>
    public int Limit { get; set; } = 50;

    /// <summary>Gets the latest messages.</summary>
    /// <param name="limit">The page size.</param>
    /// <returns>The query.</returns>
    public static HistoryQuery Latest(int limit = 50) => new() { Limit = limit };
}
