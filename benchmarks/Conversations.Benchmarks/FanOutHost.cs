using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Benchmarks;

/// <summary>One Kestrel host on 127.0.0.1 serving the Conversations endpoint, a raw broadcast endpoint and a SignalR hub.</summary>
internal sealed class FanOutHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FanOutHost(WebApplication app, Uri baseUri, RawBroadcast raw)
    {
        _app = app;
        BaseUri = baseUri;
        Raw = raw;
    }

    public Uri BaseUri { get; }

    public RawBroadcast Raw { get; }

    public IServiceProvider Services => _app.Services;

    public Uri Url(string path) => new(BaseUri, path);

    /// <summary>Starts a host; <paramref name="configure"/> runs first, so a store or bus it registers wins over the defaults.</summary>
    public static async Task<FanOutHost> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure?.Invoke(builder.Services);
        builder.Services.AddConversations();
        builder.Services.AddSignalR();
        builder.Services.AddAuthentication("Bench").AddScheme<AuthenticationSchemeOptions, BearerIsUserHandler>("Bench", null);
        var app = builder.Build();
        var raw = new RawBroadcast();
        app.UseAuthentication();
        app.UseWebSockets();
        app.MapConversations("/conversations");
        app.MapHub<FanOutHub>("/hub");
        app.Map("/raw", raw.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FanOutHost(app, new Uri(address), raw);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The raw baseline: every text message from a sender is wrapped as an event frame and sent to each receiver in turn.</summary>
internal sealed class RawBroadcast
{
    private readonly List<WebSocket> _receivers = [];
    private WebSocket[] _snapshot = [];

    public async Task WaitForReceiversAsync(int count)
    {
        while (Volatile.Read(ref _snapshot).Length < count)
        {
            await Task.Yield();
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (context.Request.Query["role"] == "receiver")
        {
            lock (_receivers)
            {
                _receivers.Add(socket);
                Volatile.Write(ref _snapshot, [.. _receivers]);
            }

            var buffer = new byte[1024];
            try
            {
                while ((await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted)).MessageType != WebSocketMessageType.Close)
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }

            return;
        }

        var incoming = new byte[64 * 1024];
        long sequence = 0;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(incoming.AsMemory(), context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var frame = Encoding.UTF8.GetBytes(Payload.Frame(Encoding.UTF8.GetString(incoming, 0, result.Count), ++sequence));
                foreach (var receiver in Volatile.Read(ref _snapshot))
                {
                    await receiver.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }
}

/// <summary>The SignalR baseline hub: receivers join one group; the sender broadcasts to it.</summary>
public sealed class FanOutHub : Hub
{
    public Task Join() => Groups.AddToGroupAsync(Context.ConnectionId, "g");

    public Task Send(string payload) => Clients.Group("g").SendAsync("m", payload);
}

/// <summary>"Authorization: Bearer {user}" authenticates as that user; benchmark only.</summary>
internal sealed class BearerIsUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, header[7..])], "Bench");
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Bench")));
    }
}
