using Conversations.Storage;

namespace Conversations.Sqlite;

/// <content>The health probe.</content>
public sealed partial class SqliteConversationStore
{
    /// <summary>
    /// Opens (or reuses) a connection, checks the file is not read-only, and takes and releases the write lock
    /// (<c>BEGIN IMMEDIATE; ROLLBACK</c>), waiting at most <see cref="SqliteStoreOptions.BusyTimeout"/>. Nothing is written.
    /// </summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see cref="StoreProbeResult.Writable"/>.</returns>
    /// <exception cref="UnavailableException">The file cannot be opened, is read-only, or its write lock stayed taken.</exception>
    public override ValueTask<StoreProbeResult> ProbeAsync(CancellationToken cancellationToken) => Read(
        session =>
        {
            RequireWritable(session);
            session.Execute("BEGIN IMMEDIATE");
            session.Execute("ROLLBACK");
            return StoreProbeResult.Writable;
        },
        cancellationToken);
}
