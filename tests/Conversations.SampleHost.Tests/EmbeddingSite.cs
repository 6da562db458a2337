using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conversations.SampleHost.Tests;

/// <summary>
/// Somebody else's web site on its own Kestrel (127.0.0.1, its own port, so its own origin) whose page embeds the chat
/// widget with a script tag. The page is built per request, so it can name the chat host started after this site.
/// </summary>
internal sealed class EmbeddingSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddingSite(WebApplication app) => _app = app;

    /// <summary>Gets the site's origin, such as <c>http://127.0.0.1:40123</c>.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>Gets or sets the HTML of <c>/</c>.</summary>
    public string Page { get; set; } = "<!doctype html><title>empty</title>";

    public static async Task<EmbeddingSite> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new EmbeddingSite(app);
        app.MapGet("/", () => Results.Content(site.Page, "text/html; charset=utf-8"));
        await app.StartAsync();
        site.Origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
