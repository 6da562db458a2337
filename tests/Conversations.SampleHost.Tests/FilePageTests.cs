using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Conversations.SampleHost.Tests;

/// <summary>Files in the sample page: paste, drag, previews, opening from another participant, the Files panel, hostile files.</summary>
public sealed class FilePageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 15_000;

    // A 2×2 red PNG.
    private const string PngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==";

    [Fact]
    public async Task Paste_an_image_and_drop_a_file_then_another_participant_sees_the_preview_and_opens_both()
    {
        await using var server = await SampleHostServer.StartAsync();
        var alice = await SignInAsync(server, "Alice");
        var bob = await SignInAsync(server, "Bob");
        await CreateRoomWithAsync(alice, "Team", "bob");
        await bob.Locator(".room-item", new() { HasText = "Team" }).ClickAsync();
        await bob.Locator("#room[data-conversation-id]").WaitForAsync();

        await alice.EvaluateAsync(
            """
            (png) => {
              const bytes = Uint8Array.from(atob(png), c => c.charCodeAt(0));
              const pasted = new DataTransfer();
              pasted.items.add(new File([bytes], "image.png", { type: "image/png" }));
              document.getElementById("text").dispatchEvent(new ClipboardEvent("paste", { clipboardData: pasted, bubbles: true, cancelable: true }));
              const dropped = new DataTransfer();
              dropped.items.add(new File(["Meeting notes: ship it."], "notes.txt", { type: "text/plain" }));
              const room = document.getElementById("room");
              room.dispatchEvent(new DragEvent("dragover", { dataTransfer: dropped, bubbles: true, cancelable: true }));
              room.dispatchEvent(new DragEvent("drop", { dataTransfer: dropped, bubbles: true, cancelable: true }));
            }
            """, PngBase64);
        await Assertions.Expect(alice.Locator(".tray-item[data-status=ready]")).ToHaveCountAsync(2);
        (await alice.Locator(".tray-item img").CountAsync()).Should().Be(1, "the pasted image shows a preview in the tray");
        await ScreenshotAsync(alice, "files-tray");

        await alice.FillAsync("#text", "Here are the files");
        await alice.PressAsync("#text", "Enter");
        await Assertions.Expect(alice.Locator(".tray-item")).ToHaveCountAsync(0);

        var preview = bob.Locator(".msg .file-preview img");
        await Assertions.Expect(preview).ToBeVisibleAsync(new() { Timeout = Timeout });
        await bob.WaitForFunctionAsync("() => { const i = document.querySelector('.msg .file-preview img'); return i && i.complete && i.naturalWidth === 2; }");
        var card = bob.Locator(".msg .file-card", new() { HasText = "notes.txt" });
        await Assertions.Expect(card).ToContainTextAsync("23 B");
        await Assertions.Expect(card).ToContainTextAsync("text/plain");
        await ScreenshotAsync(bob, "files-message");

        // Bob opens the file through the message's stable link: checked, redirected, served as a download.
        var href = await card.GetAttributeAsync("href");
        var opened = await FetchAsync(bob, href!);
        opened.GetProperty("status").GetInt32().Should().Be(200);
        opened.GetProperty("text").GetString().Should().Be("Meeting notes: ship it.");
        opened.GetProperty("disposition").GetString().Should().StartWith("attachment");
        opened.GetProperty("nosniff").GetString().Should().Be("nosniff");

        // Someone outside the room gets nothing from the same link.
        var eve = await SignInAsync(server, "Eve");
        (await FetchAsync(eve, href!)).GetProperty("status").GetInt32().Should().Be(403);

        // The room's Files panel lists both, and browses into a new folder.
        await bob.ClickAsync("#files-button");
        await Assertions.Expect(bob.Locator("#files-list .asset-row")).ToHaveCountAsync(2);
        bob.Dialog += async (_, dialog) => await dialog.AcceptAsync("Reports");
        await bob.ClickAsync("#files-new-folder");
        await bob.Locator("#files-list .folder-row button", new() { HasText = "Reports" }).ClickAsync();
        await Assertions.Expect(bob.Locator("#files-crumbs")).ToContainTextAsync("Reports");
        await Assertions.Expect(bob.Locator("#files-list")).ToContainTextAsync("No files here yet.");
        await ScreenshotAsync(bob, "files-panel");
    }

    [Fact]
    public async Task An_html_file_with_a_script_in_its_name_is_shown_as_text_and_served_as_a_sandboxed_download()
    {
        await using var server = await SampleHostServer.StartAsync();
        var alice = await SignInAsync(server, "Alice");
        var bob = await SignInAsync(server, "Bob");
        await CreateRoomWithAsync(alice, "Team", "bob");
        var roomId = (await server.Services.GetRequiredService<IRoomService>().ListRoomsAsync(Account.User("alice"))).Single().Id;
        var conversationId = await alice.Locator("#room").GetAttributeAsync("data-conversation-id");

        const string name = "<img src=x onerror=\"window.__xss=1\">.html";
        var html = "<html><body><script>window.parent.__xss = 2; document.title = 'ran';</script></body></html>"u8.ToArray();
        var assets = server.Services.GetRequiredService<IAssetService>();
        var asset = await assets.UploadAsync(Account.User("alice"), new BeginUploadRequest { Scope = AssetScope.Room(roomId), Name = name, MediaType = "text/html", Size = html.Length }, new MemoryStream(html));
        await server.Services.GetRequiredService<IMessageService>().PostAsync(Account.User("alice"), conversationId!, new PostMessageRequest { Attachments = [Attachment.ForAsset(asset.Id)] });

        await bob.Locator(".room-item", new() { HasText = "Team" }).ClickAsync();
        var card = bob.Locator(".msg .file-card");
        await Assertions.Expect(card).ToContainTextAsync(name);
        (await bob.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue("the name is text, never markup");
        (await bob.Locator(".msg .file-card img").CountAsync()).Should().Be(0);

        var served = await FetchAsync(bob, (await card.GetAttributeAsync("href"))!);
        served.GetProperty("status").GetInt32().Should().Be(200);
        served.GetProperty("disposition").GetString().Should().StartWith("attachment");
        served.GetProperty("csp").GetString().Should().Contain("sandbox").And.Contain("default-src 'none'");
        served.GetProperty("nosniff").GetString().Should().Be("nosniff");

        // Opening the file itself downloads it; it never renders in the app's origin.
        var download = await bob.RunAndWaitForDownloadAsync(() => card.ClickAsync());
        download.SuggestedFilename.Should().EndWith(".html");
        (await bob.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue();
        await ScreenshotAsync(bob, "files-hostile-name");
    }

    private static async Task<JsonElement> FetchAsync(IPage page, string href) =>
        await page.EvaluateAsync<JsonElement>(
            """
            async (href) => {
              const r = await fetch(href);
              return {
                status: r.status,
                text: r.ok ? await r.text() : "",
                disposition: r.headers.get("content-disposition") || "",
                csp: r.headers.get("content-security-policy") || "",
                nosniff: r.headers.get("x-content-type-options") || "",
              };
            }
            """, href);

    private async Task<IPage> SignInAsync(SampleHostServer server, string name)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 1200, Height = 760 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync("/");
        await page.FillAsync("#name", name);
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.Locator("body[data-connection=online]").WaitForAsync();
        return page;
    }

    private static async Task CreateRoomWithAsync(IPage page, string room, string person)
    {
        await page.ClickAsync("#new-room");
        await page.FillAsync("#dialog-name", room);
        await page.CheckAsync($"#dialog-people input[value={person}]");
        await page.ClickAsync("#dialog-ok");
        await page.Locator("#room-name").Filter(new() { HasText = room }).WaitForAsync();
        await page.Locator("#room[data-conversation-id]").WaitForAsync();
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png") });
}
