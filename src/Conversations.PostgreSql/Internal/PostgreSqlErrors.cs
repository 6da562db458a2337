using System.Net.Sockets;
using Npgsql;

namespace Conversations.PostgreSql.Internal;

/// <summary>Turns Npgsql and PostgreSQL failures into the typed errors of the contract, and tells which are safe to retry.</summary>
internal static class PostgreSqlErrors
{
    /// <summary>
    /// Tells whether a failure left the transaction rolled back for a reason that a new attempt may not meet: a
    /// serialization failure, a deadlock, a server shutting down or restarting, or a broken connection.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException e => e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections
            || e.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException e => e.IsTransient || e.InnerException is SocketException or IOException or EndOfStreamException,
        _ => false,
    };

    /// <summary>Tells whether the failure means the connection is gone, so the pool's other idle connections are suspect too.</summary>
    public static bool IsBrokenConnection(Exception exception) => exception switch
    {
        PostgresException e => e.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown || e.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException e => e.InnerException is SocketException or IOException or EndOfStreamException,
        _ => false,
    };

    public static Exception Map(Exception exception, string server, bool outcomeUnknown = false) => exception switch
    {
        ConversationsException or OperationCanceledException or ObjectDisposedException or ArgumentException => exception,
        PostgresException e => MapServer(e, server),
        _ when outcomeUnknown => new UnavailableException($"The connection to PostgreSQL at {server} broke while a commit was in flight; the write may or may not have been stored. Retry it (a post with the same client message id is stored once).", exception),
        NpgsqlException { InnerException: TimeoutException } e => new UnavailableException($"PostgreSQL at {server} did not answer in time: {e.Message}", e),
        NpgsqlException { InnerException: SocketException socket } e => new UnavailableException($"PostgreSQL at {server} is unreachable: {socket.Message}", e),
        NpgsqlException e => new UnavailableException($"PostgreSQL at {server} failed: {e.Message}", e),
        TimeoutException e => new UnavailableException($"PostgreSQL at {server} did not answer in time (command timeout or an exhausted connection pool).", e),
        _ => exception,
    };

    private static Exception MapServer(PostgresException e, string server) => e.SqlState switch
    {
        PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
            new UnavailableException($"PostgreSQL at {server} refused the credentials ({e.SqlState}: {e.MessageText}). Check the user name and password of the connection string.", e),
        PostgresErrorCodes.InsufficientPrivilege =>
            new UnavailableException($"The PostgreSQL user lacks a privilege the store needs ({e.MessageText}). Nothing was changed.", e),
        PostgresErrorCodes.ReadOnlySqlTransaction =>
            new UnavailableException($"PostgreSQL at {server} is read-only (a standby, or default_transaction_read_only is on). The store needs the primary; nothing was changed.", e),
        PostgresErrorCodes.InvalidCatalogName =>
            new UnavailableException($"The PostgreSQL database does not exist at {server} ({e.MessageText}). Create it first; the store creates only its schema.", e),
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
            new UnavailableException($"PostgreSQL at {server} kept aborting the write as a conflict with concurrent writes ({e.SqlState}); nothing was changed. Retry later.", e),
        PostgresErrorCodes.QueryCanceled =>
            new UnavailableException($"A statement on PostgreSQL at {server} ran past the command timeout and was cancelled; nothing was changed.", e),
        PostgresErrorCodes.DiskFull or PostgresErrorCodes.OutOfMemory or PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow =>
            new UnavailableException($"PostgreSQL at {server} cannot take the write now ({e.SqlState}: {e.MessageText}). Nothing was changed; retry later.", e),
        PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter =>
            new InvalidArgumentException("PostgreSQL cannot store this text: it holds a NUL character (U+0000). Nothing was changed.", e),
        PostgresErrorCodes.UniqueViolation =>
            new ConflictException($"The write conflicts with stored data ({e.ConstraintName}).", e),
        PostgresErrorCodes.ForeignKeyViolation =>
            new NotFoundException($"The write refers to something that does not exist ({e.ConstraintName}).", e),
        _ when e.SqlState.StartsWith("08", StringComparison.Ordinal) =>
            new UnavailableException($"The connection to PostgreSQL at {server} failed ({e.SqlState}: {e.MessageText}).", e),
        _ => new UnavailableException($"PostgreSQL at {server} failed ({e.SqlState}: {e.MessageText}).", e),
    };
}
