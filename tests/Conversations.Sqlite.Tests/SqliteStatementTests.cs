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

    // Built in code: a lone surrogate in an attribute's string would reach the test as U+FFFD already.
    private static readonly string[] s_texts =
    [
        "a\uD800b",
        "a\uDC00b",
        "end\uD800",
        "\uD83D\uDE00 ok",
        "past the stack buffer: é✓ " + new string('x', 600) + "\uD800!",
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Text_is_stored_byte_for_byte_as_SqliteCommand_stores_it_even_with_a_lone_surrogate(int sample)
    {
        var text = s_texts[sample];
        var insert = _session.Statement("INSERT INTO t (k, s, u) VALUES ($k, $s, 'x')");
        try
        {
            insert.Bind("$k", 1);
            insert.Bind("$s", text);
            insert.Run();
        }
        finally
        {
            insert.Reset();
        }

        var command = _session.Command("INSERT INTO t (k, s, u) VALUES (2, $s, 'x')");
        SqliteSession.Set(command, "$s", text);
        command.ExecuteNonQuery();

        using var reader = _session.Command("SELECT hex(s), s FROM t ORDER BY k").ExecuteReader();
        var stored = new List<(string Hex, string Text)>();
        while (reader.Read())
        {
            stored.Add((reader.GetString(0), reader.GetString(1)));
        }

        stored.Should().HaveCount(2);
        stored[0].Should().Be(stored[1], "the statement and SqliteCommand store the same bytes");
        stored[0].Text.Length.Should().Be(text.Length, "a lone surrogate becomes one U+FFFD and takes nothing with it");
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
