using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Conversations.Sqlite.Internal;

/// <summary>
/// A statement prepared once on a session and run many times on SQLite's C API: parameters are found by name once, when
/// it is prepared, and text is encoded into a buffer on the stack (pooled when long; SQLite copies it). For the statements
/// every post runs on the writer thread, where <see cref="SqliteCommand"/> cost a binder object and a new UTF-8 array per
/// parameter per run and an iterator and a reader per run; everything else uses <see cref="SqliteCommand"/>.
/// </summary>
/// <remarks>
/// Use: bind every parameter, <see cref="Step"/> (and read columns) or <see cref="Run"/>, and always <see cref="Reset"/>
/// (a statement left running keeps its transaction from committing). Errors are thrown as <see cref="SqliteException"/>,
/// as <see cref="SqliteCommand"/> throws them, so the store maps them the same way.
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private const uint PreparePersistent = 0x01;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<string, int> _parameters = new(StringComparer.Ordinal);

    public SqliteStatement(sqlite3 db, string sql)
    {
        _db = db;
        var rc = raw.sqlite3_prepare_v3(db, sql, PreparePersistent, out _statement);
        if (rc != raw.SQLITE_OK)
        {
            _statement?.Dispose();
            throw Error(rc, db);
        }

        for (var i = 1; i <= raw.sqlite3_bind_parameter_count(_statement); i++)
        {
            _parameters.Add(raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string(), i);
        }
    }

    /// <summary>
    /// Binds text as UTF-8, encoded here as <see cref="SqliteCommand"/> encodes it: a lone surrogate becomes U+FFFD.
    /// (SQLite's own UTF-16 conversion would pair it with the next character and lose that one.)
    /// </summary>
    public void Bind(string name, string? value)
    {
        var index = Index(name);
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        const int OnStack = 512;
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = most <= OnStack ? stackalloc byte[OnStack] : (rented = ArrayPool<byte>.Shared.Rent(most));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, buffer);
            Check(raw.sqlite3_bind_text(_statement, index, buffer[..length]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Bind(string name, long value) => Check(raw.sqlite3_bind_int64(_statement, Index(name), value));

    public void Bind(string name, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, Index(name), v) : raw.sqlite3_bind_null(_statement, Index(name)));

    /// <summary>Runs the statement to its next row: <see langword="true"/> with a row to read, <see langword="false"/> when done.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            throw Error(rc, _db);
        }

        return false;
    }

    /// <summary>Runs a statement that returns no rows; returns how many rows it changed.</summary>
    public int Run()
    {
        Step();
        return raw.sqlite3_changes(_db);
    }

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>Makes the statement ready to run again (its bindings stay until bound anew).</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    public void Dispose() => _statement.Dispose();

    private int Index(string name) =>
        _parameters.TryGetValue(name, out var index) ? index : throw new ArgumentException($"The statement has no parameter '{name}'.", nameof(name));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc, _db);
        }
    }

    /// <summary>The exception <see cref="SqliteCommand"/> would throw: SQLite's message and both error codes.</summary>
    private static SqliteException Error(int rc, sqlite3 db) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));
}
