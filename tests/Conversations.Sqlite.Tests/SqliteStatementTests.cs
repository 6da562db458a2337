using Conversations.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Conversations.Sqlite.Tests;

/// <summary>The raw statements of the hot write path store what <see cref="SqliteCommand"/> stores and fail as it fails.</summary>
public sealed class SqliteStatementTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly SqliteSession _session;

    public SqliteStatementTests()
    {
        _session = SqliteSession.Open(_database.ConnectionString, TimeSpan.FromSeconds(5));
        _session.Execute("CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT, n INTEGER, u TEXT NOT NULL)");
    }

    public void Dispose()
    {
        _session.Dispose();
        _database.Dispose();
    }

    [Fact]
    public void Text_empty_text_null_and_numbers_are_stored_as_given_and_rows_are_read_back()
    {
        var insert = _session.Statement("INSERT INTO t (k, s, n, u) VALUES ($k, $s, $n, $u) RETURNING k * 10");
        (long K, string? S, long? N, string U)[] rows = [(1, "héllo ✓", 7, "x"), (2, "", null, ""), (3, null, long.MinValue, "y")];
        foreach (var (k, text, n, u) in rows)
        {
            try
            {
                insert.Bind("$k", k);
                insert.Bind("$s", text);
                insert.Bind("$n", n);
                insert.Bind("$u", u);
                insert.Step().Should().BeTrue("RETURNING gives a row");
                insert.GetInt64(0).Should().Be(k * 10);
            }
            finally
            {
                insert.Reset();
            }
        }

        using var reader = _session.Command("SELECT k, s, n, u, typeof(s) FROM t ORDER BY k").ExecuteReader();
        var read = new List<(long, string?, long?, string, string)>();
        while (reader.Read())
        {
            read.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetString(3), reader.GetString(4)));
        }

        read.Should().Equal((1L, "héllo ✓", 7L, "x", "text"), (2L, "", null, "", "text"), (3L, null, long.MinValue, "y", "null"));
    }

    [Fact]
    public void A_failing_statement_throws_what_SqliteCommand_throws_and_runs_again_after_reset()
    {
        var insert = _session.Statement("INSERT INTO t (k, u) VALUES ($k, $u)");
        void Insert(long k)
        {
            try
            {
                insert.Bind("$k", k);
                insert.Bind("$u", "v");
                insert.Run().Should().Be(1);
            }
            finally
            {
                insert.Reset();
            }
        }

        Insert(1);
        FluentActions.Invoking(() => Insert(1)).Should().Throw<SqliteException>().Which.SqliteErrorCode.Should().Be(19, "a constraint failed");
        Insert(2);
        _session.Command("SELECT count(*) FROM t").ExecuteScalar().Should().Be(2L);

        FluentActions.Invoking(() => insert.Bind("$nope", 1)).Should().Throw<ArgumentException>().WithMessage("*$nope*");
        FluentActions.Invoking(() => _session.Statement("INSERT INTO missing VALUES (1)")).Should().Throw<SqliteException>().Which.SqliteErrorCode.Should().Be(1);
    }
}
