namespace Conversations;

/// <summary>A page of an account's inbox, newest activity first.</summary>
public sealed class InboxPage
{
    /// <summary>Gets the entries, ordered by <see cref="InboxEntry.LastActivityAt"/> (newest first), then room id.</summary>
    public required IReadOnlyList<InboxEntry> Entries { get; init; }

    /// <summary>Gets a value indicating whether more entries follow.</summary>
    public required bool HasMore { get; init; }

    /// <summary>Gets the cursor of the next page, or <see langword="null"/> when this is the last. Opaque: pass it back as <see cref="InboxQuery.Cursor"/>.</summary>
    public string? NextCursor { get; init; }
}
