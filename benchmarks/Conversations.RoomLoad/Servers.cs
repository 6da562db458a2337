using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Conversations.RoomLoad;

/// <summary>The two servers under test, each run alone in its own process: ours, and what a developer would build by hand.</summary>
internal static class Servers
{
    /// <summary>The environment variable that carries <c>--batch-window</c> to our server's process.</summary>
    public const string BatchWindowVariable = "ROOMLOAD_BATCH_WINDOW_MS";

    public static async Task RunAsync(string kind, int port, string folder)
    {
        // No watcher for configuration files: it watches the working directory and everything below it, and spent a few
        // per cent of the server's CPU on the database's own writes when the benchmark ran from a folder above them.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication("Bench").AddScheme<AuthenticationSchemeOptions, UserFromQuery>("Bench", null);
        var database = Path.Combine(folder, "chat.db");
        if (kind == "conversations")
        {
            builder.Services.AddConversations(o => o.MaxParticipantsPerRoom = 10_000).UseSqlite($"Data Source={database}");
        }
        else
        {
            // JSON by default; a client that asks for MessagePack (--hub-messagepack) gets it.
            builder.Services.AddSignalR().AddMessagePackProtocol();
            builder.Services.AddSingleton(new HandBuiltStore(database));
        }

        var app = builder.Build();
        app.UseAuthentication();
        app.UseWebSockets();
        if (kind == "conversations")
        {
            var window = Environment.GetEnvironmentVariable(BatchWindowVariable);
            app.MapConversations("/conversations", o =>
            {
                if (window is not null)
                {
                    o.WebSockets.EventBatchWindow = TimeSpan.FromMilliseconds(double.Parse(window, System.Globalization.CultureInfo.InvariantCulture));
                }
            });
        }
        else
        {
            app.MapHub<HandBuiltHub>("/hub");
        }

        // How many writes our store committed together (commits and writes so far, from its batch histogram), how many
        // WebSocket messages our server wrote, and the server's garbage collections.
        using var counter = new ServerCounter();
        app.MapGet("/bench/counts", () => Results.Text(counter.ToString()));

        // Lets the runner measure resident memory without garbage the collector has not come for yet.
        app.MapPost("/bench/gc", () =>
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Results.Ok();
        });
        // With --allocations the runner samples what the server allocates while it measures.
        AllocationSampler? sampler = null;
        app.MapPost("/bench/allocations/start", () =>
        {
            (sampler ??= new AllocationSampler()).Start();
            return Results.Ok();
        });
        app.MapPost("/bench/allocations/stop", () => Results.Text(sampler?.Stop() ?? ""));
        await app.StartAsync();
        Console.Out.WriteLine("READY");
        await app.WaitForShutdownAsync(CancellationToken.None);
    }

    /// <summary>
    /// Counts our store's commits and the writes they carried (<see cref="ConversationsDiagnostics.StoreBatchWrites"/>) and
    /// the WebSocket messages written (<see cref="ConversationsDiagnostics.WebSocketMessages"/>), and reads the process's
    /// garbage collections.
    /// </summary>
    private sealed class ServerCounter : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private long _commits;
        private long _writes;
        private long _messages;

        public ServerCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ConversationsDiagnostics.MeterName && instrument.Name is ConversationsDiagnostics.StoreBatchWrites or ConversationsDiagnostics.WebSocketMessages)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, writes, _, _) =>
            {
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _writes, writes);
            });
            _listener.SetMeasurementEventCallback<long>((_, messages, _, _) => Interlocked.Add(ref _messages, messages));
            _listener.Start();
        }

        /// <summary>"commits writes messages gcPauseMs gen0 gen1 gen2", as the runner reads it.</summary>
        public override string ToString() => string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{Interlocked.Read(ref _commits)} {Interlocked.Read(ref _writes)} {Interlocked.Read(ref _messages)} {GC.GetTotalPauseDuration().TotalMilliseconds} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}");

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Every connection says who it is in the query string (benchmark only).</summary>
    private sealed class UserFromQuery(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var user = Request.Query["user"].ToString();
            if (user.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], "Bench");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Bench")));
        }
    }
}

/// <summary>
/// The hand-built baseline's storage: a message table in SQLite with WAL and synchronous=FULL, one transaction per
/// message on a pooled connection — durable before the broadcast, as a careful developer would write it.
/// </summary>
internal sealed class HandBuiltStore
{
    private readonly string _connectionString;

    public HandBuiltStore(string path)
    {
        _connectionString = $"Data Source={path};Pooling=True";
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, room TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT NULL);";
        command.ExecuteNonQuery();
    }

    public async Task<long> InsertAsync(string room, string sender, string text)
    {
        await using var connection = Open();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = "INSERT INTO messages (room, sender, text, sent_at) VALUES ($r, $s, $t, $at) RETURNING id";
        command.Parameters.AddWithValue("$r", room);
        command.Parameters.AddWithValue("$s", sender);
        command.Parameters.AddWithValue("$t", text);
        command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var id = (long)(await command.ExecuteScalarAsync())!;
        await transaction.CommitAsync();
        return id;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}

/// <summary>The hand-built baseline's hub: join a room's group; post = insert, commit, broadcast to the group.</summary>
internal sealed class HandBuiltHub(HandBuiltStore store) : Hub
{
    public Task Join(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

    public async Task<long> Post(string room, string text)
    {
        var sender = Context.UserIdentifier ?? "?";
        var id = await store.InsertAsync(room, sender, text);
        await Clients.Group(room).SendAsync("message", id, sender, text);
        return id;
    }
}
