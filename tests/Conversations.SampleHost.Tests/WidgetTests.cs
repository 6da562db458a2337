using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Conversations.SampleHost.Tests;

/// <summary>
/// The embeddable widget (<c>/widget.js</c>) on another site: a page served by a second Kestrel (another origin) embeds it
/// with a script tag, in real headless Chromium, against the real sample host.
/// </summary>
public sealed class WidgetTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 15_000;

    [RequiresServerFact(TestServers.ChromiumVariable)]
    public async Task A_visitor_on_an_allowed_site_chats_with_the_agent_and_sees_the_reply_stream()
    {
        await using var site = await EmbeddingSite.StartAsync();
        await using var server = await SampleHostServer.StartAsync("--WebClients:AllowedOrigins", site.Origin);
        site.Page = ShopPage(server.BaseUrl);
        var page = await OpenAsync(site.Origin);
        var widget = page.Locator("[data-conversations-widget]");

        await widget.Locator(".launcher").ClickAsync();
        await page.Locator("[data-conversations-widget][data-state=open][data-conversation-id]").WaitForAsync();
        await Assertions.Expect(widget.Locator(".msg.greeting .body")).ToHaveTextAsync("Hi! How can we help?", new() { Timeout = Timeout });
        await SendAsync(widget, "hello from the shop");

        var reply = widget.Locator(".msg.agent").First;
        await widget.Locator(".msg.agent[data-status=streaming]").WaitForAsync();
        var partial = await reply.Locator(".body").InnerTextAsync();
        await ScreenshotAsync(page, "widget-streaming");
        await widget.Locator(".msg.agent[data-status=complete]").WaitForAsync();
        var complete = await reply.Locator(".body").InnerTextAsync();
        complete.Should().StartWith("Hello, Guest!");
        complete.Length.Should().BeGreaterThan(partial.Length, "the reply grew in place while it streamed");
        complete.Should().StartWith(partial.TrimEnd());

        // The site's own styles (which hide every li and .body on the page) do not reach into the widget.
        (await widget.Locator(".msg.agent .body").First.IsVisibleAsync()).Should().BeTrue();
        (await page.Locator("h1").EvaluateAsync<string>("h => getComputedStyle(h).color")).Should().Be("rgb(255, 0, 0)", "the site keeps its styles");
        await ScreenshotAsync(page, "widget-complete");

        // Message text is text: markup typed by a visitor is shown, never run.
        await SendAsync(widget, "<img src=x onerror=\"window.__owned = 1\">");
        await Assertions.Expect(widget.Locator(".msg.agent[data-status=complete]")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        (await widget.Locator("img").CountAsync()).Should().Be(0);
        (await page.EvaluateAsync<bool>("() => window.__owned === undefined")).Should().BeTrue();

        // The host issued the identity: the visitor is a guest account it made, and comes back to the same conversation.
        var conversationId = await widget.GetAttributeAsync("data-conversation-id");
        await page.ReloadAsync();
        await page.Locator("[data-conversations-widget] .launcher").ClickAsync();
        await page.Locator($"[data-conversations-widget][data-conversation-id='{conversationId}']").WaitForAsync();
        await Assertions.Expect(widget.Locator(".msg:not(.greeting)")).ToHaveCountAsync(4, new() { Timeout = Timeout });
        var history = await server.Services.GetRequiredService<IMessageService>().GetHistoryAsync(Account.System, conversationId!, HistoryQuery.Latest(10));
        history.Messages.Select(m => m.SenderId).Should().Equal(history.Messages[0].SenderId, "assistant", history.Messages[0].SenderId, "assistant");
        history.Messages[0].SenderId.Should().StartWith("guest-");
    }

    [RequiresServerFact(TestServers.ChromiumVariable)]
    public async Task A_site_that_is_not_allowed_is_refused()
    {
        await using var allowed = await EmbeddingSite.StartAsync();
        await using var other = await EmbeddingSite.StartAsync();
        await using var server = await SampleHostServer.StartAsync("--WebClients:AllowedOrigins", allowed.Origin);
        other.Page = ShopPage(server.BaseUrl);

        var page = await OpenAsync(other.Origin);
        var widget = page.Locator("[data-conversations-widget]");
        await widget.Locator(".launcher").ClickAsync();
        await page.Locator("[data-conversations-widget][data-state=error]").WaitForAsync();
        await Assertions.Expect(widget.Locator(".problem")).ToContainTextAsync("refused this site", new() { Timeout = Timeout });
        (await widget.Locator(".msg:not(.greeting)").CountAsync()).Should().Be(0);
        await ScreenshotAsync(page, "widget-refused");

        // Even with a valid token, the WebSocket refuses the other origin and accepts the allowed one; HTTP is refused by CORS.
        using var http = new HttpClient();
        using var tokenResponse = await http.PostAsync(new Uri(server.BaseUrl + "/demo/guest-token"), null);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var socketUrl = server.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/conversations?access_token=" + Uri.EscapeDataString(token!);
        const string TryWebSocket = """
            url => new Promise(resolve => {
              const ws = new WebSocket(url, "conversations.v1.json");
              ws.onopen = () => { ws.close(); resolve("open"); };
              ws.onclose = e => resolve("closed " + e.code);
            })
            """;
        (await page.EvaluateAsync<string>(TryWebSocket, socketUrl)).Should().Be("closed 1006");
        (await page.EvaluateAsync<string>("url => fetch(url, { method: 'POST' }).then(() => 'answered', () => 'blocked')", server.BaseUrl + "/demo/guest-token")).Should().Be("blocked");

        var control = await OpenAsync(allowed.Origin);
        (await control.EvaluateAsync<string>(TryWebSocket, socketUrl)).Should().Be("open");
        (await control.EvaluateAsync<string>("url => fetch(url, { method: 'POST' }).then(r => String(r.status), () => 'blocked')", server.BaseUrl + "/demo/guest-token")).Should().Be("200");
    }

    private static string ShopPage(string chatHost) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Acme shop</title>
          <style>
            body { font: 18px Georgia, serif; margin: 40px; }
            h1 { color: rgb(255, 0, 0); }
            li, .body, .msg, textarea { display: none !important; }
          </style>
        </head>
        <body>
          <h1>Acme shop</h1>
          <p>Everything a coyote needs.</p>
          <script src="{{chatHost}}/widget.js" async
                  data-agent-id="assistant" data-agent-name="Assistant" data-title="Ask Acme"
                  data-greeting="Hi! How can we help?" data-token-url="/demo/guest-token"
                  data-accent-color="#0f766e"></script>
        </body>
        </html>
        """;

    private async Task<IPage> OpenAsync(string origin)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = origin, ViewportSize = new() { Width = 1000, Height = 760 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync("/");
        return page;
    }

    private static async Task SendAsync(ILocator widget, string text)
    {
        await widget.Locator("textarea").FillAsync(text);
        await widget.Locator("textarea").PressAsync("Enter");
        await widget.Locator(".msg.mine[data-status=complete] .body", new() { HasText = text }).WaitForAsync();
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png") });
}
