// A scale-out host: Conversations over WebSockets on 127.0.0.1 (a free port), on the PostgreSQL schema and Redis channel
// prefix named on the command line, with the auto-respond agent "agent-echo". Prints "LISTENING <url>" once it serves.
//   Conversations.ScaleOut.Host <postgres connection string> <redis configuration> <schema> <instance name>
using System.Security.Claims;
using System.Text.Encodings.Web;
using Conversations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

var (postgres, redis, schema, instance) = (args[0], args[1], args[2], args[3]);
var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
builder.Services.AddConversations(o =>
    {
        o.InstanceName = instance;
        o.PollInterval = TimeSpan.FromMilliseconds(200);

        // A killed host's leases end soon, so another host takes its triggers over quickly.
        o.FlowLeaseDuration = TimeSpan.FromSeconds(2);
        o.StreamLeaseDuration = TimeSpan.FromSeconds(2);
        o.FlowRetryDelay = TimeSpan.FromMilliseconds(100);
        o.MaxFlowAttempts = 20;
    })
    .UsePostgreSql(postgres, o => o.Schema = schema)
    .UseRedisEventBus(redis, o =>
    {
        o.ChannelPrefix = schema;
        o.CatchUpInterval = TimeSpan.FromSeconds(1);
    })
    .AddAgentFlowEngine("agent-echo", new EchoAgent());
builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, BearerIsUser>("Test", null);
var app = builder.Build();
app.UseAuthentication();
app.MapConversations("/conversations");
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.Out.WriteLine($"LISTENING {address}");
await app.WaitForShutdownAsync(CancellationToken.None);

/// <summary>Answers every message with "echo: " and its text; a retried run's reply is stored once (its client message id is derived from the trigger).</summary>
internal sealed class EchoAgent : IFlowEngine
{
    public async ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken)
    {
        if (context.Trigger.Message is { } message)
        {
            await context.ReplyAsync("echo: " + message.Text, cancellationToken);
        }
    }
}

/// <summary>Test identity: "Authorization: Bearer {user}" (or ?access_token=) is that user.</summary>
internal sealed class BearerIsUser(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var user = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : Request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], "Test");
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Test")));
    }
}
