using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.AspNetCore.Tests;

/// <summary>
/// With <c>.RequireAuthorization()</c> (or a fallback policy) the endpoints answer a caller the policy refuses the way the
/// protocol documents — 401 <c>unauthenticated</c> or 403 <c>forbidden</c> with a problem body — on real Kestrel, for the
/// WebSocket handshake and HTTP alike, instead of an empty challenge or a redirect to a login page.
/// </summary>
public sealed class AuthorizationAnswerTests
{
    [Fact]
    public async Task RequireAuthorization_UnauthenticatedHttpCall_Gets401ProblemInsteadOfTheCookieLoginRedirect()
    {
        await using var host = await AuthHost.StartAsync(CookieAuthenticationDefaults.AuthenticationScheme, group => group.RequireAuthorization());

        using var response = await host.Http.GetAsync("/conversations/rooms");

        await ExpectProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        response.Headers.Location.Should().BeNull("a login page means nothing to an API or WebSocket client");
    }

    [Fact]
    public async Task RequireAuthorization_UnauthenticatedWebSocketHandshake_Gets401Problem()
    {
        await using var host = await AuthHost.StartAsync(CookieAuthenticationDefaults.AuthenticationScheme, group => group.RequireAuthorization());

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await FluentActions.Awaiting(() => socket.ConnectAsync(host.SocketUri, CancellationToken.None)).Should().ThrowAsync<WebSocketException>();
        socket.HttpStatusCode.Should().Be(HttpStatusCode.Unauthorized);

        // The same handshake by hand, to read the body the WebSocket client does not expose.
        using var response = await host.Http.SendAsync(AuthHost.Handshake(user: null));
        await ExpectProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task RequireAuthorization_SchemeWithAChallengeHeader_KeepsTheHeaderAndAddsTheProblemBody()
    {
        await using var host = await AuthHost.StartAsync(HeaderAuthHandler.SchemeName, group => group.RequireAuthorization());

        using var http = await host.Http.GetAsync("/conversations/rooms");
        using var socket = await host.Http.SendAsync(AuthHost.Handshake(user: null));

        foreach (var response in new[] { http, socket })
        {
            await ExpectProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
            response.Headers.WwwAuthenticate.ToString().Should().Be(HeaderAuthHandler.Challenge);
        }
    }

    [Fact]
    public async Task RequireAuthorization_AuthenticatedCallerFailingThePolicy_Gets403ForbiddenProblem()
    {
        await using var host = await AuthHost.StartAsync(HeaderAuthHandler.SchemeName, group => group.RequireAuthorization(p => p.RequireRole("chat")));

        using var http = await host.Http.SendAsync(AuthHost.Get("/conversations/rooms", "alice"));
        using var socket = await host.Http.SendAsync(AuthHost.Handshake("alice"));

        await ExpectProblemAsync(http, HttpStatusCode.Forbidden, "forbidden");
        await ExpectProblemAsync(socket, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task RequireAuthorization_CallerMeetingThePolicy_IsServedOverHttpAndWebSocket()
    {
        await using var host = await AuthHost.StartAsync(HeaderAuthHandler.SchemeName, group => group.RequireAuthorization(p => p.RequireRole("chat")));

        using var http = await host.Http.SendAsync(AuthHost.Get("/conversations/rooms", "alice", role: "chat"));
        http.StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.Content.ReadFromJsonAsync<JsonElement>()).ValueKind.Should().Be(JsonValueKind.Array);

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(TestServer.Subprotocol);
        socket.Options.SetRequestHeader(HeaderAuthHandler.UserHeader, "alice");
        socket.Options.SetRequestHeader(HeaderAuthHandler.RoleHeader, "chat");
        await socket.ConnectAsync(host.SocketUri, CancellationToken.None);
        socket.State.Should().Be(WebSocketState.Open);
        socket.SubProtocol.Should().Be(TestServer.Subprotocol);
    }

    [Fact]
    public async Task FallbackPolicy_WithoutRequireAuthorization_UnauthenticatedCallerGets401Problem()
    {
        await using var host = await AuthHost.StartAsync(
            HeaderAuthHandler.SchemeName,
            group => { },
            authorization: o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        using var response = await host.Http.GetAsync("/conversations/rooms");

        await ExpectProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        response.Headers.WwwAuthenticate.ToString().Should().Be(HeaderAuthHandler.Challenge);
    }

    [Fact]
    public async Task AllowAnonymousOnTheEndpoints_IsLeftToTheEndpointOptions()
    {
        await using var host = await AuthHost.StartAsync(
            HeaderAuthHandler.SchemeName,
            group => group.AllowAnonymous(),
            authorization: o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build(),
            endpoint: o => o.AllowAnonymous = true);

        using var response = await host.Http.GetAsync("/conversations/rooms");

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the host opted these endpoints out of its policy and allows anonymous callers");
    }

    private static async Task ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be(code);
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
    }

    /// <summary>Kestrel on 127.0.0.1 with cookie and header authentication, and the endpoints under the given conventions.</summary>
    private sealed class AuthHost : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private AuthHost(WebApplication app, Uri baseUri)
        {
            _app = app;
            // No redirects followed: the test must see exactly what the server answered.
            Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = baseUri };
            SocketUri = new Uri($"ws://{baseUri.Authority}/conversations");
        }

        public HttpClient Http { get; }

        public Uri SocketUri { get; }

        public static async Task<AuthHost> StartAsync(
            string defaultScheme,
            Action<IEndpointConventionBuilder> conventions,
            Action<AuthorizationOptions>? authorization = null,
            Action<ConversationsEndpointOptions>? endpoint = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddConversations();
            builder.Services.AddAuthentication(defaultScheme)
                .AddCookie()
                .AddScheme<AuthenticationSchemeOptions, HeaderAuthHandler>(HeaderAuthHandler.SchemeName, null);
            builder.Services.AddAuthorization(o => authorization?.Invoke(o));
            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            conventions(app.MapConversations("/conversations", o => endpoint?.Invoke(o)));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new AuthHost(app, new Uri(address));
        }

        public static HttpRequestMessage Get(string path, string user, string? role = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(HeaderAuthHandler.UserHeader, user);
            if (role is not null)
            {
                request.Headers.Add(HeaderAuthHandler.RoleHeader, role);
            }

            return request;
        }

        /// <summary>A WebSocket opening handshake as a plain HTTP/1.1 request, so the refusal's body can be read.</summary>
        public static HttpRequestMessage Handshake(string? user)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/conversations") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            request.Headers.Connection.Add("Upgrade");
            request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
            request.Headers.Add("Sec-WebSocket-Version", "13");
            request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
            request.Headers.Add("Sec-WebSocket-Protocol", TestServer.Subprotocol);
            if (user is not null)
            {
                request.Headers.Add(HeaderAuthHandler.UserHeader, user);
            }

            return request;
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Authenticates the <c>X-Test-User</c> header (roles from <c>X-Test-Role</c>); its challenge names itself in WWW-Authenticate.</summary>
    private sealed class HeaderAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Header";
        public const string UserHeader = "X-Test-User";
        public const string RoleHeader = "X-Test-Role";
        public const string Challenge = "Header realm=\"conversations\"";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var user = Request.Headers[UserHeader].ToString();
            if (user.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user) };
            claims.AddRange(Request.Headers[RoleHeader].Where(r => !string.IsNullOrEmpty(r)).Select(r => new Claim(ClaimTypes.Role, r!)));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = Challenge;
            return Task.CompletedTask;
        }
    }
}
