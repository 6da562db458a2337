using Microsoft.Data.Sqlite;

namespace Conversations.Sqlite.Internal;

/// <summary>Turns SQLite failures into the typed errors of the contract.</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Constraint = 19;
    private const int NotADatabase = 26;

    public static Exception Map(Exception exception, string dataSource, TimeSpan busyTimeout) => exception switch
    {
        ConversationsException or OperationCanceledException or ObjectDisposedException => exception,
        SqliteException e => e.SqliteErrorCode switch
        {
            Busy or Locked => new UnavailableException($"The SQLite database '{dataSource}' stayed locked by another connection or process for longer than the busy timeout ({busyTimeout.TotalMilliseconds:0} ms). Nothing was changed; retry later.", e),
            ReadOnly => new UnavailableException($"The SQLite database '{dataSource}' is read-only (file permissions, a read-only mount, or Mode=ReadOnly). The store needs write access; nothing was changed.", e),
            NotADatabase => new UnavailableException($"'{dataSource}' is not a SQLite database (or is encrypted). It was not changed.", e),
            Corrupt => new UnavailableException($"The SQLite database '{dataSource}' is corrupt. Restore it from a backup.", e),
            CantOpen => new UnavailableException($"The SQLite database '{dataSource}' cannot be opened (missing directory or no permission).", e),
            Full => new UnavailableException($"The SQLite database '{dataSource}' cannot grow: the disk is full.", e),
            IoError => new UnavailableException($"The SQLite database '{dataSource}' hit an I/O error: {e.Message}", e),
            Constraint => new ConflictException($"The write conflicts with stored data: {e.Message}", e),
            _ => new UnavailableException($"The SQLite database '{dataSource}' failed: {e.Message}", e),
        },
        _ => exception,
    };
}
