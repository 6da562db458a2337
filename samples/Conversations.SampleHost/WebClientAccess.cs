using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Conversations.SampleHost;

/// <summary>
/// How browsers on other sites reach the sample: bearer tokens beside the demo cookie, guest tokens for the web widget
/// (DEVELOPMENT ONLY, like the demo sign-in), the origins allowed to connect (WebSocket <c>AllowedOrigins</c> and CORS for
/// HTTP), and the SDK and widget scripts served so any page may load them.
/// </summary>
/// <remarks>
/// Configuration: <c>WebClients:AllowedOrigins</c>, a list (<c>--WebClients:AllowedOrigins:0 https://shop.example</c>) or
/// one comma-separated value (<c>--WebClients:AllowedOrigins "https://a.example,https://b.example"</c>); each an origin
/// such as <c>https://shop.example</c> or <c>http://127.0.0.1:8080</c>, or <c>*</c> for any. Empty by default: only pages
/// served by this host may connect.
/// </remarks>
public static class WebClientAccess
{
    /// <summary>The default authentication scheme: a token when the request carries one, else the demo cookie.</summary>
    public const string Scheme = "cookie-or-token";

    /// <summary>The bearer token scheme of guest (widget visitor) tokens.</summary>
    public const string TokenScheme = "guest-token";

    /// <summary>The CORS policy of the HTTP endpoints other origins may call.</summary>
    public const string CorsPolicy = "web-clients";

    /// <summary>The configuration section.</summary>
    public const string Section = "WebClients";

    /// <summary>
    /// Whether a request may carry its token in the query: a WebSocket handshake (HTTP/1.1 upgrade or HTTP/2 extended
    /// CONNECT; read from the request, since authentication runs before the WebSocket middleware) on the Conversations path.
    /// </summary>
    private static bool IsTokenInQuery(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/conversations", StringComparison.OrdinalIgnoreCase)
        && (context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase)
            || (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
                && string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Registers the token scheme, the scheme that picks cookie or token, and the CORS policy.</summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The allowed origins, validated.</returns>
    /// <exception cref="InvalidOperationException">An allowed origin is not <c>*</c> or an http(s) origin.</exception>
    public static IReadOnlyList<string> AddWebClientAccess(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var origins = ReadOrigins(builder.Configuration.GetSection(Section).GetSection("AllowedOrigins"));

        builder.Services.AddAuthentication()
            .AddBearerToken(TokenScheme, o =>
            {
                o.BearerTokenExpiration = TimeSpan.FromHours(1);
                o.RefreshTokenExpiration = TimeSpan.FromDays(14);
                o.Events = new BearerTokenEvents
                {
                    // Browsers cannot set headers on a WebSocket: accept the token as ?access_token= on the Conversations
                    // WebSocket only. Other requests send it as a header, so it stays out of URLs (and of logs, histories).
                    OnMessageReceived = context =>
                    {
                        if (IsTokenInQuery(context.HttpContext) && context.Request.Query["access_token"] is { Count: > 0 } token)
                        {
                            context.Token = token.ToString();
                        }

                        return Task.CompletedTask;
                    },
                };
            })
            .AddPolicyScheme(Scheme, "Demo cookie or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                || (IsTokenInQuery(context) && context.Request.Query.ContainsKey("access_token"))
                    ? TokenScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme);

        builder.Services.AddCors(o => o.AddPolicy(CorsPolicy, policy =>
        {
            if (origins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins([.. origins]);
            }

            // Tokens, not cookies, cross origins: no credentials.
            policy.AllowAnyHeader().AllowAnyMethod();
        }));
        return origins;
    }

    /// <summary>Lets the configured origins open the WebSocket (the HTTP endpoints get the CORS policy separately).</summary>
    /// <param name="options">The endpoint options.</param>
    /// <param name="origins">The origins from <see cref="AddWebClientAccess"/>.</param>
    public static void AllowOrigins(ConversationsEndpointOptions options, IReadOnlyList<string> origins)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(origins);
        foreach (var origin in origins)
        {
            options.AllowedOrigins.Add(origin);
        }
    }

    /// <summary>
    /// Serves the SDK (<c>/sdk/…</c>) and the widget loader (<c>/widget.js</c>) to any origin — they are public scripts, and
    /// module scripts from another origin need CORS — and adds the CORS middleware for the endpoints that opt in.
    /// Call it before <c>UseStaticFiles</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    public static void UseWebClientAccess(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                if (path.StartsWithSegments("/sdk", StringComparison.OrdinalIgnoreCase) || path.Equals("/widget.js", StringComparison.Ordinal))
                {
                    context.Response.Headers.AccessControlAllowOrigin = "*";
                    context.Response.Headers.CacheControl = "no-cache";
                }
            }

            return next(context);
        });
        app.UseCors();
    }

    /// <summary>
    /// Maps <c>POST /demo/guest-token</c> — DEVELOPMENT ONLY: anyone may ask, and gets a new guest account. With a JSON body
    /// <c>{"refreshToken": …}</c> it renews the token of the same guest instead. The answer is
    /// <c>{"tokenType": "Bearer", "accessToken": …, "expiresIn": seconds, "refreshToken": …}</c>. A real host issues tokens
    /// for the people it knows, from its own sign-in.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapGuestTokens(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapPost("/demo/guest-token", async (HttpContext context, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider time) =>
        {
            GuestTokenRequest? request = null;
            if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                try
                {
                    request = await context.Request.ReadFromJsonAsync<GuestTokenRequest>(context.RequestAborted);
                }
                catch (System.Text.Json.JsonException)
                {
                    return Results.Problem(statusCode: 400, title: "Bad request", detail: "The body must be JSON: {} or {\"refreshToken\": \"…\"}.", extensions: new Dictionary<string, object?> { ["code"] = "invalid_argument" });
                }
            }

            if (request?.RefreshToken is { Length: > 0 } refreshToken)
            {
                var ticket = bearer.Get(TokenScheme).RefreshTokenProtector.Unprotect(refreshToken);
                if (ticket?.Properties.ExpiresUtc is not { } expires || time.GetUtcNow() >= expires || ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) is null)
                {
                    return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "The refresh token is not valid or has expired; ask for a new guest token.", extensions: new Dictionary<string, object?> { ["code"] = "unauthenticated" });
                }

                return Results.SignIn(ticket.Principal, authenticationScheme: TokenScheme);
            }

            var id = "guest-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, "Guest")], TokenScheme);
            Log.GuestTokenIssued(app.Logger, id);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: TokenScheme);
        }).DisableAntiforgery().RequireCors(CorsPolicy);
    }

    private static List<string> ReadOrigins(IConfigurationSection section)
    {
        var values = new List<string>();
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            values.AddRange(section.Value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        values.AddRange(section.GetChildren().Select(c => c.Value).OfType<string>().Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()));

        var origins = new List<string>();
        foreach (var value in values)
        {
            if (value == "*")
            {
                origins.Add(value);
                continue;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.PathAndQuery is not ("/" or "") || !string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new InvalidOperationException($"{Section}:AllowedOrigins: \"{value}\" is not an origin; use scheme://host[:port] (for example https://shop.example) or *.");
            }

            origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }

        return origins.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private sealed record GuestTokenRequest(string? RefreshToken);
}
