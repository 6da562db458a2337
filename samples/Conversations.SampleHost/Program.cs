using Microsoft.Extensions.AI;
using System.Security.Claims;
using System.Text;
using Conversations;
using Conversations.SampleHost;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

await using var app = SampleApp.Create(args);
await app.RunAsync();

namespace Conversations.SampleHost
{
    /// <summary>Builds the sample host; the browser tests start it the same way on a free port.</summary>
    public static class SampleApp
    {
        /// <summary>Creates the web application from command-line arguments (<c>--urls</c>, <c>--DataFolder</c>, <c>--DemoAgent:WordDelay</c> …).</summary>
        public static WebApplication Create(string[] args)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
            var config = builder.Configuration;

            // Structured logs: one JSON object per line on the console.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
            builder.AddSampleTelemetry();   // --Telemetry:Exporter console | otlp (--Telemetry:OtlpEndpoint http://collector:4317)

            var dataFolder = Path.GetFullPath(config["DataFolder"] ?? Path.Combine(SourceFolder(), "data"));
            Directory.CreateDirectory(dataFolder);

            builder.Services.Configure<DemoAgentOptions>(config.GetSection("DemoAgent"));
            builder.Services.AddSingleton(new PeopleDirectory(Path.Combine(dataFolder, "people.json")));
            builder.Services.AddHealthChecks().AddConversationsHealthChecks();   // store, bus and agent backlog at /health
            builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataFolder, "keys")));

            // DEVELOPMENT ONLY: a sign-in that trusts any display name. Use your real identity provider in production.
            builder.Services.AddAuthentication(WebClientAccess.Scheme)
                .AddCookie(o =>
                {
                    o.Cookie.Name = "conversations-demo";
                    o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                });
            builder.Services.AddAuthorization();
            var webOrigins = builder.AddWebClientAccess(); // tokens and origins for the SDK and the widget on other sites

            // Rate limits per account and per connection, with the defaults; bind "Conversations:RateLimits" to tune them.
            var conversations = builder.Services.AddConversations().AddRateLimiting(o => config.GetSection("Conversations:RateLimits").Bind(o));
            var store = config["Conversations:Store"] ?? "sqlite";
            if (string.Equals(store, "memory", StringComparison.OrdinalIgnoreCase))
            {
                conversations.UseInMemoryStore();
            }
            else if (string.Equals(store, "postgresql", StringComparison.OrdinalIgnoreCase))
            {
                // Several hosts: one PostgreSQL for the store (README: "Several hosts: PostgreSQL and Redis").
                var connectionString = config["Conversations:PostgreSql"] ?? throw new InvalidOperationException("Conversations:PostgreSql (an Npgsql connection string) is required when Conversations:Store is \"postgresql\".");
                conversations.UsePostgreSql(connectionString, o => o.Schema = config["Conversations:Schema"] ?? o.Schema);
            }
            else
            {
                conversations.UseSqlite($"Data Source={Path.Combine(dataFolder, "conversations.db")}");
            }

            if (config["Conversations:Redis"] is { Length: > 0 } redis)
            {
                // Live events between hosts; without it each host's subscribers see other hosts' posts only when they read the store.
                conversations.UseRedisEventBus(redis);
            }

            // Files: bytes beside the database, served by MapConversations through signed URLs.
            conversations.UseFileSystemAssets(Path.Combine(dataFolder, "assets"))
                .ConfigureAssets(o => o.MaxAssetBytes = 25L * 1024 * 1024);

            var agent = config.GetSection("DemoAgent").Get<DemoAgentOptions>() ?? new DemoAgentOptions();
            if (string.Equals(agent.Mode, "offline", StringComparison.OrdinalIgnoreCase))
            {
                conversations.AddAgentFlowEngine<DemoAgent>(agent.AccountId);
            }
            else if (string.Equals(agent.Mode, "chat-client", StringComparison.OrdinalIgnoreCase))
            {
                // Any OpenAI-compatible endpoint: OpenAI itself, Azure OpenAI, or Ollama's /v1 API.
                var endpoint = config["DemoAgent:Endpoint"] ?? "http://localhost:11434/v1";
                var model = config["DemoAgent:Model"] ?? throw new InvalidOperationException("DemoAgent:Model is required when DemoAgent:Mode is \"chat-client\".");
                var apiKey = config["DemoAgent:ApiKey"] ?? "not-needed-for-ollama";
                conversations.AddChatClientAgent(
                    agent.AccountId,
                    _ => new OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential(apiKey), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(endpoint) })
                        .GetChatClient(model)
                        .AsIChatClient(),
                    o => o.Instructions = config["DemoAgent:Instructions"] ?? "You are the Assistant in a group chat. Answer briefly and helpfully.");
            }
            else
            {
                throw new InvalidOperationException($"DemoAgent:Mode must be \"offline\" or \"chat-client\"; it is \"{agent.Mode}\".");
            }

            var app = builder.Build();
            app.UseDefaultFiles();
            app.UseWebClientAccess();
            app.UseStaticFiles();
            app.UseAuthentication();
            app.UseAuthorization();

            app.MapHealthChecks("/health");
            app.MapConversations("/conversations", o => WebClientAccess.AllowOrigins(o, webOrigins)).RequireAuthorization().RequireCors(WebClientAccess.CorsPolicy);
            MapDemoEndpoints(app, agent);

            // The page has a URL per room and conversation (/rooms/{roomId}/conversations/{conversationId}); a reload there gets the page.
            app.MapFallbackToFile("/rooms/{**path}", "index.html");
            app.MapGuestTokens();
            Log.Started(app.Logger, dataFolder, store, agent.Mode);
            return app;
        }

        private static void MapDemoEndpoints(WebApplication app, DemoAgentOptions agent)
        {
            var demo = app.MapGroup("/demo");

            // DEVELOPMENT ONLY: signs in whoever types a name.
            demo.MapPost("/signin", async (HttpContext context, PeopleDirectory people) =>
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                var name = form["name"].ToString().Trim();
                var id = PeopleDirectory.ToAccountId(name);
                if (name.Length is 0 or > 40 || id.Length == 0 || id == agent.AccountId)
                {
                    return Results.Problem(statusCode: 400, title: "Bad name", detail: "Pick a display name of 1 to 40 letters or digits (not the agent's).");
                }

                people.Add(id, name);
                var identity = new ClaimsIdentity(
                    [new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, name)],
                    CookieAuthenticationDefaults.AuthenticationScheme);
                await context.SignInAsync(new ClaimsPrincipal(identity));
                Log.SignedIn(app.Logger, id);
                return Results.Redirect("/");
            }).DisableAntiforgery();

            demo.MapPost("/signout", async (HttpContext context) =>
            {
                await context.SignOutAsync();
                return Results.Redirect("/");
            });

            demo.MapGet("/me", (ClaimsPrincipal user, PeopleDirectory people) =>
            {
                var id = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
                var name = user.FindFirstValue(ClaimTypes.Name) ?? id;
                people.Add(id, name);
                return Results.Ok(new { id, displayName = name, agent = new { id = agent.AccountId, displayName = agent.DisplayName } });
            }).RequireAuthorization();

            // The people picker: signed-in accounts (stored) and everyone in the caller's rooms, searchable by name or id.
            demo.MapGet("/people", async (ClaimsPrincipal user, string? q, PeopleDirectory people, IRoomService rooms, IParticipantService participants, CancellationToken ct) =>
            {
                var caller = Account.User(user.FindFirstValue(ClaimTypes.NameIdentifier)!);
                var found = new Dictionary<string, Person>(StringComparer.Ordinal) { [agent.AccountId] = new Person(agent.AccountId, agent.DisplayName, "agent") };
                foreach (var person in people.List())
                {
                    found.TryAdd(person.Id, person);
                }

                foreach (var room in await rooms.ListRoomsAsync(caller, ct))
                {
                    foreach (var p in await participants.ListAsync(caller, room.Id, ct))
                    {
                        found.TryAdd(p.AccountId, new Person(p.AccountId, p.DisplayName ?? people.NameOf(p.AccountId) ?? p.AccountId, p.Kind == AccountKind.Agent ? "agent" : "user"));
                    }
                }

                var query = q?.Trim() ?? string.Empty;
                return Results.Ok(found.Values
                    .Where(p => query.Length == 0 || p.DisplayName.Contains(query, StringComparison.OrdinalIgnoreCase) || p.Id.Contains(query, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(p => p.Kind == "agent" ? 0 : 1).ThenBy(p => p.DisplayName, StringComparer.OrdinalIgnoreCase)
                    .Take(50)
                    .ToList());
            }).RequireAuthorization();
        }

        private static string SourceFolder()
        {
            // bin/<config>/net10.0 → the project folder, so `dotnet run` keeps its data beside the sources.
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            for (var d = dir; d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Conversations.SampleHost.csproj")))
                {
                    return d.FullName;
                }
            }

            return dir.FullName;
        }
    }
}
