using Conversations.PostgreSql.Internal;
using Npgsql;

namespace Conversations.PostgreSql;

public sealed partial class PostgreSqlConversationStore
{
    /// <summary>Gets the options.</summary>
    internal PostgreSqlStoreOptions Options => _options;

    /// <summary>Gets the schema name, for building statements.</summary>
    internal string S => _s;

    /// <summary>Gets the clock.</summary>
    internal TimeProvider Time => _timeProvider;

    /// <summary>Gets the logger.</summary>
    internal Microsoft.Extensions.Logging.ILogger Logger => _logger;

    /// <summary>Gets where the server is, for error messages.</summary>
    internal string Server => _server;

    /// <summary>Gets the statement timeout in seconds.</summary>
    internal int CommandTimeoutSeconds => _commandTimeout;

    internal NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = _commandTimeout };
        command.Parameters.AddRange(parameters);
        return command;
    }

    internal static NpgsqlBatchCommand BatchCommand(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Opens a pooled connection, after preparing the schema on first use.</summary>
    internal async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a broken connection the pool's idle connections are likely dead too (a server restart): drop them.</summary>
    internal void ForgetIfBroken(Exception exception)
    {
        if (PostgreSqlErrors.IsBrokenConnection(exception))
        {
            _dataSource.Clear();
        }
    }

    /// <summary>Runs a read on a pooled connection; retried on a transient failure (a read changes nothing).</summary>
    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                return await body(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < _options.MaxRetries && PostgreSqlErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                Log.Retrying(_logger, e, attempt + 1);
                ForgetIfBroken(e);
            }
            catch (Exception e)
            {
                throw PostgreSqlErrors.Map(e, _server);
            }
        }
    }

    private ValueTask<IReadOnlyList<T>> ReadListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        new(ReadAsync<IReadOnlyList<T>>(async (c, ct) =>
        {
            // Parameters belong to one command; a retry builds new ones.
            using var command = Command(c, sql, parameters.Select(p => p.Clone()).ToArray());
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var list = new List<T>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(read(reader));
            }

            return list;
        }, cancellationToken));

    /// <summary>
    /// Runs a write in one transaction: the body returns its result and whether to commit (otherwise the transaction is
    /// rolled back). Retried when a transient failure hit before the commit was sent; a failure during the commit is
    /// reported with its outcome unknown.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<(T Result, bool Commit)>> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        for (var attempt = 0; ; attempt++)
        {
            var committing = false;
            try
            {
                var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var transactionScope = transaction.ConfigureAwait(false);
                var (result, commit) = await body(connection, cancellationToken).ConfigureAwait(false);
                if (commit)
                {
                    committing = true;
                    await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                }

                return result;
            }
            catch (Exception e) when (!committing && attempt < _options.MaxRetries && PostgreSqlErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                Log.Retrying(_logger, e, attempt + 1);
                ForgetIfBroken(e);
            }
            catch (Exception e)
            {
                ForgetIfBroken(e);
                throw PostgreSqlErrors.Map(e, _server, outcomeUnknown: committing && e is not PostgresException);
            }
        }
    }
}
