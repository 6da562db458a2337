using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Conversations.SampleHost.Tests;

/// <summary>The sample's chat page in a real headless Chromium against the real host on Kestrel.</summary>
public sealed class ChatPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 15_000;

    [RequiresServerFact(TestServers.ChromiumVariable)]
    public async Task Two_people_exchange_messages_live()
    {
        await using var server = await SampleHostServer.StartAsync();
        var alice = await SignInAsync(server, "Alice");
        var bob = await SignInAsync(server, "Bob");

        await alice.ClickAsync("#new-room");
        await alice.FillAsync("#dialog-name", "Team");
        await alice.CheckAsync("#dialog-people input[value=bob]");
        await alice.ClickAsync("#dialog-ok");
        await alice.Locator("#room-name").Filter(new() { HasText = "Team" }).WaitForAsync(new() { Timeout = Timeout });
        await alice.Locator("#room[data-conversation-id]").WaitForAsync(new() { Timeout = Timeout });

        // Bob's room list refreshes on its own; open the room when it appears.
        await bob.Locator(".room-item", new() { HasText = "Team" }).ClickAsync(new() { Timeout = Timeout });
        await bob.Locator("#room[data-conversation-id]").WaitForAsync(new() { Timeout = Timeout });

        await SendAsync(alice, "Hi Bob, can you see this?");
        await Assertions.Expect(bob.Locator(".msg .body", new() { HasText = "Hi Bob, can you see this?" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        await SendAsync(bob, "Loud and clear, Alice.");
        await Assertions.Expect(alice.Locator(".msg .body", new() { HasText = "Loud and clear, Alice." })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // Read markers: Alice sees that Bob has read up to her message or beyond.
        await Assertions.Expect(alice.Locator(".msg .seen", new() { HasText = "Seen by Bob" })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        (await alice.Locator(".msg").CountAsync()).Should().Be(2);
        (await bob.Locator(".msg").CountAsync()).Should().Be(2);

        await ScreenshotAsync(alice, "two-people-alice");
        await ScreenshotAsync(bob, "two-people-bob");
    }

    [RequiresServerFact(TestServers.ChromiumVariable)]
    public async Task A_direct_room_with_the_agent_streams_its_reply_and_history_survives_a_reload()
    {
        await using var server = await SampleHostServer.StartAsync();
        var alice = await SignInAsync(server, "Alice");

        await OpenDirectWithAssistantAsync(alice);
        await SendAsync(alice, "hello there");

        var reply = alice.Locator(".msg.agent");
        await alice.Locator(".msg.agent[data-status=streaming]").WaitForAsync(new() { Timeout = Timeout });
        var partial = await reply.Locator(".body").InnerTextAsync();
        await ScreenshotAsync(alice, "agent-streaming");
        await alice.Locator(".msg.agent[data-status=complete]").WaitForAsync(new() { Timeout = Timeout });
        var complete = await reply.Locator(".body").InnerTextAsync();

        complete.Should().StartWith("Hello, Alice!");
        complete.Length.Should().BeGreaterThan(partial.Length, "the reply grew in place while it streamed");
        complete.Should().StartWith(partial.TrimEnd());
        await ScreenshotAsync(alice, "agent-complete");

        // The direct room is the same every time.
        await OpenDirectWithAssistantAsync(alice);
        (await alice.Locator(".room-item").CountAsync()).Should().Be(1);

        await alice.ReloadAsync();
        await alice.Locator(".room-item", new() { HasText = "Assistant" }).ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(alice.Locator(".msg")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        (await alice.Locator(".msg.agent .body").InnerTextAsync()).Should().Be(complete);
        await ScreenshotAsync(alice, "after-reload");

        // Phone width.
        await alice.SetViewportSizeAsync(390, 780);
        await ScreenshotAsync(alice, "phone");
    }

    [RequiresServerFact(TestServers.ChromiumVariable)]
    public async Task A_dropped_socket_reconnects_and_catches_up_without_repeats()
    {
        await using var server = await SampleHostServer.StartAsync();
        var alice = await SignInAsync(server, "Alice");
        await OpenDirectWithAssistantAsync(alice);
        await SendAsync(alice, "summary please");
        await alice.Locator(".msg.agent[data-status=complete]").WaitForAsync(new() { Timeout = Timeout });
        var conversationId = await alice.Locator("#room").GetAttributeAsync("data-conversation-id");

        await server.StopAsync();
        await alice.Locator("body[data-connection='reconnecting…']").WaitForAsync(new() { Timeout = Timeout });
        await ScreenshotAsync(alice, "reconnecting");

        await server.RestartAsync();
        // A message the page never saw live: it arrives by catch-up or live, exactly once.
        var messages = server.Services.GetRequiredService<IMessageService>();
        await messages.PostTextAsync(Account.Agent("assistant"), conversationId!, "Posted while you were away.");

        await alice.Locator("body[data-connection=online]").WaitForAsync(new() { Timeout = Timeout });
        await Assertions.Expect(alice.Locator(".msg .body", new() { HasText = "Posted while you were away." })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await SendAsync(alice, "back again");
        await Assertions.Expect(alice.Locator(".msg.agent[data-status=complete]")).ToHaveCountAsync(3, new() { Timeout = Timeout });
        (await alice.Locator(".msg").CountAsync()).Should().Be(5);
    }

    [RequiresServerFact(TestServers.ChromiumVariable)]
    public async Task A_message_sent_while_the_server_is_down_is_delivered_exactly_once_after_reconnect()
    {
        await using var server = await SampleHostServer.StartAsync();
        var alice = await SignInAsync(server, "Alice");
        await OpenDirectWithAssistantAsync(alice);
        var conversationId = await alice.Locator("#room").GetAttributeAsync("data-conversation-id");

        await server.StopAsync();
        await alice.Locator("body[data-connection='reconnecting…']").WaitForAsync(new() { Timeout = Timeout });
        await alice.FillAsync("#text", "typed while offline");
        await alice.PressAsync("#text", "Enter");
        var pending = alice.Locator(".msg.mine.pending", new() { HasText = "typed while offline" });
        await Assertions.Expect(pending.Locator(".status")).ToHaveTextAsync("waiting for connection…", new() { Timeout = Timeout });
        await ScreenshotAsync(alice, "offline-pending");

        await server.RestartAsync();
        await alice.Locator("body[data-connection=online]").WaitForAsync(new() { Timeout = Timeout });
        await alice.Locator(".msg.mine:not(.pending) .body", new() { HasText = "typed while offline" }).WaitForAsync(new() { Timeout = Timeout });
        await alice.Locator(".msg.agent[data-status=complete]").WaitForAsync(new() { Timeout = Timeout });

        (await alice.Locator(".msg.mine", new() { HasText = "typed while offline" }).CountAsync()).Should().Be(1);
        (await alice.Locator(".msg").CountAsync()).Should().Be(2, "the message and the agent's one answer to it");
        var history = await server.Services.GetRequiredService<IMessageService>().GetHistoryAsync(Account.User("alice"), conversationId!, HistoryQuery.Latest(10));
        history.Messages.Where(m => m.Text == "typed while offline").Should().ContainSingle("the post was resent after the reconnect and stored once");
        history.Messages.Should().HaveCount(2);
    }

    [RequiresServerFact(TestServers.ChromiumVariable)]
    public async Task Older_history_loads_when_scrolling_up()
    {
        // The history is seeded as Alice far faster than a person types: lift the sample's per-account post limit.
        await using var server = await SampleHostServer.StartAsync("--Conversations:RateLimits:PerAccount:Posts:PermitLimit", "100");
        var alice = Account.User("alice");
        var room = await server.Services.GetRequiredService<IRoomService>().CreateRoomAsync(alice, new CreateRoomRequest { Name = "Archive" });
        var conversation = await server.Services.GetRequiredService<IConversationService>().CreateAsync(alice, room.Id, new CreateConversationRequest { Title = "Old" });
        var messages = server.Services.GetRequiredService<IMessageService>();
        for (var i = 1; i <= 45; i++)
        {
            await messages.PostTextAsync(alice, conversation.Id, $"Old message {i}");
        }

        var page = await SignInAsync(server, "Alice");
        await page.Locator(".room-item", new() { HasText = "Archive" }).ClickAsync();
        await Assertions.Expect(page.Locator(".msg")).ToHaveCountAsync(30);
        (await page.Locator(".msg .body", new() { HasText = "Old message 15" }).CountAsync()).Should().Be(0, "only the latest 30 (16 to 45) load first");

        await page.Locator("#messages").EvaluateAsync("el => el.scrollTop = 0");
        await Assertions.Expect(page.Locator(".msg")).ToHaveCountAsync(45);
        (await page.Locator(".msg .body").First.InnerTextAsync()).Should().Be("Old message 1");
    }

    [RequiresServerFact(TestServers.ChromiumVariable)]
    public async Task A_reload_while_the_agent_streams_shows_the_text_so_far_then_the_rest()
    {
        // Slow words, so the reply (about 45 words) still streams when the page comes back, even on a loaded machine: at
        // 200 ms a word a full test run once took longer to reload the page than the rest of the reply took to stream.
        await using var server = await SampleHostServer.StartAsync("--DemoAgent:WordDelay", "00:00:00.500");
        var alice = await SignInAsync(server, "Alice");
        await OpenDirectWithAssistantAsync(alice);
        await SendAsync(alice, "help");
        await alice.Locator(".msg.agent[data-status=streaming] .body").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex(@"\S+\s+\S+\s+\S+") }).WaitForAsync();

        await alice.ReloadAsync();
        await alice.Locator(".room-item", new() { HasText = "Assistant" }).ClickAsync();
        var streaming = alice.Locator(".msg.agent[data-status=streaming] .body");
        await streaming.Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex(@"\S") }).WaitForAsync();
        var soFar = await streaming.InnerTextAsync();
        await ScreenshotAsync(alice, "reload-mid-stream");

        await alice.Locator(".msg.agent[data-status=complete]").WaitForAsync(new() { Timeout = 60_000 });
        var complete = await alice.Locator(".msg.agent .body").InnerTextAsync();
        soFar.Should().NotBeNullOrWhiteSpace("the reloaded page shows the text streamed before the reload at once");
        complete.Should().StartWith(soFar.TrimEnd(), "the text so far and the deltas after it add up to the stored reply, with nothing missed or repeated");
        complete.Length.Should().BeGreaterThan(soFar.Length);
        (await alice.Locator(".msg.agent").CountAsync()).Should().Be(1);
    }

    private async Task<IPage> SignInAsync(SampleHostServer server, string name)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 1200, Height = 760 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync("/");
        await page.FillAsync("#name", name);
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.Locator("body[data-connection=online]").WaitForAsync();
        return page;
    }

    private static async Task OpenDirectWithAssistantAsync(IPage page)
    {
        await page.ClickAsync("#new-direct");
        await page.CheckAsync("#dialog-people input[value=assistant]");
        await page.ClickAsync("#dialog-ok");
        await page.Locator("#room-name").Filter(new() { HasText = "Assistant" }).WaitForAsync();
        await page.Locator("#room[data-conversation-id]").WaitForAsync();
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.FillAsync("#text", text);
        await page.PressAsync("#text", "Enter");
        await page.Locator(".msg.mine:not(.pending) .body", new() { HasText = text }).WaitForAsync();
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png") });
}
