namespace Conversations;

/// <summary>Selects a page of an account's inbox: rooms by last activity, newest first.</summary>
public sealed class InboxQuery
{
    /// <summary>Gets or sets the page size.</summary>
    /// <value>The default value is 50.</value>
    public int Limit { get; set; } = 50;

    /// <summary>Gets or sets where the page starts: <see cref="InboxPage.NextCursor"/> of the page before, or <see langword="null"/> for the first page.</summary>
    public string? Cursor { get; set; }
}
