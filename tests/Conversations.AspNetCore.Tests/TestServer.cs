using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Conversations.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.AspNetCore.Tests;

/// <summary>A real Kestrel host on 127.0.0.1 with a random port, the in-memory engine, and a header/query test identity.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string Subprotocol = "conversations.v1.json";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<HttpContext, string> _contexts = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _ended = new();
    private readonly ConcurrentDictionary<string, string[]> _offered = new();

    private TestServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
        Http = new HttpClient { BaseAddress = baseUri };
    }

    public Uri BaseUri { get; }

    public Uri SocketUri => new($"ws://{BaseUri.Authority}/conversations");

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public IRoomService Rooms => Services.GetRequiredService<IRoomService>();

    public IConversationService Conversations => Services.GetRequiredService<IConversationService>();

    public IMessageService Messages => Services.GetRequiredService<IMessageService>();

    public static async Task<TestServer> StartAsync(Action<ConversationsEndpointOptions>? configure = null, Action<IConversationsBuilder>? engine = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("CONV_TEST_LOG") == "1")
        {
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Debug);
        }
        var conversations = builder.Services.AddConversations();
        engine?.Invoke(conversations);
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
        var app = builder.Build();
        var server = default(TestServer);
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            var user = context.User.Identity?.Name ?? "?";
            server!._contexts[context] = user;
            if (context.Request.Headers.Upgrade == "websocket")
            {
                server._offered[user] = [.. context.Request.Headers.SecWebSocketProtocol.SelectMany(v => v!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
            }

            try
            {
                await next(context);
            }
            finally
            {
                server._contexts.TryRemove(context, out _);
                if (context.WebSockets.IsWebSocketRequest && server._ended.TryRemove(user, out var ended))
                {
                    ended.TrySetResult();
                }
            }
        });
        app.MapConversations("/conversations", o =>
        {
            o.AllowedOrigins.Add("https://allowed.example");
            configure?.Invoke(o);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new TestServer(app, new Uri(address));
        return server;
    }

    /// <summary>The WebSocket subprotocols a user's latest handshake offered, in the order offered.</summary>
    public IReadOnlyList<string> OfferedSubprotocols(string user) => _offered.TryGetValue(user, out var offered) ? offered : [];

    /// <summary>Cuts every open connection of a user on the server side, as a network failure would.</summary>
    public int Abort(string user)
    {
        var count = 0;
        foreach (var (context, name) in _contexts)
        {
            if (name == user)
            {
                context.Abort();
                count++;
            }
        }

        return count;
    }

    public Task StopAsync() => _app.StopAsync();

    /// <summary>Completes when the server has finished the next WebSocket connection of a user to end.</summary>
    public Task WhenConnectionEnds(string user) => _ended.GetOrAdd(user, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public ConversationsClient CreateClient(string user, Action<ConversationsClientOptions>? configure = null)
    {
        var options = new ConversationsClientOptions
        {
            Url = SocketUri,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(user),
            ReconnectPolicy = new ImmediateReconnectPolicy(),
            RequestTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        return new ConversationsClient(options);
    }

    public async Task<ConversationsClient> ConnectClientAsync(string user, Action<ConversationsClientOptions>? configure = null)
    {
        var client = CreateClient(user, configure);
        await client.ConnectAsync();
        return client;
    }

    public async Task<ClientWebSocket> ConnectRawAsync(string? user, string? origin = null, string? subprotocol = Subprotocol, HttpMessageInvoker? invoker = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (subprotocol is not null)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        if (user is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + user);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(SocketUri, invoker, timeout.Token);
        return socket;
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? user, object? body = null)
    {
        var request = new HttpRequestMessage(method, "/conversations" + path);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>Creates a room with the given members (first one owner) and a conversation in it, acting as the system.</summary>
    public async Task<(Room Room, Conversation Conversation)> CreateRoomAsync(params string[] users)
    {
        var room = await Rooms.CreateRoomAsync(Account.System, new CreateRoomRequest
        {
            Name = "test",
            Participants = [.. users.Select((u, i) => ParticipantSpec.User(u, i == 0 ? ParticipantRole.Owner : ParticipantRole.Member))],
        });
        var conversation = await Conversations.CreateAsync(Account.System, room.Id, new CreateConversationRequest { Title = "t" });
        return (room, conversation);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class ImmediateReconnectPolicy : IReconnectPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => retryContext.PreviousRetryCount < 50 ? TimeSpan.Zero : null;
    }
}

/// <summary>Authenticates "Authorization: Bearer {user}" or "?access_token={user}" as that user.</summary>
internal sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var user = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : Request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user), new(ClaimTypes.Name, user) };
        if (user.StartsWith("agent-", StringComparison.Ordinal))
        {
            claims.Add(new Claim("conversations_account_kind", "agent"));
        }

        if (user.StartsWith("system", StringComparison.Ordinal))
        {
            claims.Add(new Claim("conversations_account_kind", "system"));
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
