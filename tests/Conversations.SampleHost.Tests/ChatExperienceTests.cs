using System.Text.Json;
using System.Text.RegularExpressions;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Conversations.SampleHost.Tests;

/// <summary>
/// The sample page as people use it (issue 12, items 3–10): safe markdown, the inbox-driven room list, URLs, message actions,
/// the composer, readable errors, the people picker and accessibility — each asserting what a person sees, with screenshots.
/// </summary>
public sealed class ChatExperienceTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 15_000;
    private static readonly Account Alice = Account.User("alice");
    private static readonly Account Bob = Account.User("bob");

    [Fact]
    public async Task Markdown_is_rendered_safely_and_the_usual_XSS_payloads_stay_text()
    {
        await using var server = await SampleHostServer.StartAsync();
        var page = await SignInAsync(server, "Alice", clipboard: true);
        var alerts = new List<string>();
        page.Dialog += async (_, dialog) => { alerts.Add(dialog.Message); await dialog.DismissAsync(); };

        var rooms = server.Services.GetRequiredService<IRoomService>();
        var room = await rooms.CreateRoomAsync(Alice, new CreateRoomRequest
        {
            Name = "<script>window.__xss = 'room'</script>",
            Participants = [ParticipantSpec.User("bob", displayName: "<img src=x onerror=\"window.__xss='name'\">")],
        });
        var conversation = await server.Services.GetRequiredService<IConversationService>().CreateAsync(Alice, room.Id, new CreateConversationRequest { Title = "\"><svg onload=\"window.__xss='title'\">" });
        var messages = server.Services.GetRequiredService<IMessageService>();
        await messages.PostAsync(Bob, conversation.Id, new PostMessageRequest { Format = MessageFormat.Markdown, Text = "# Plan\n**bold** and *soft* and `code` and [a link](https://example.com/docs) and <b>raw html</b>" });
        await messages.PostAsync(Bob, conversation.Id, new PostMessageRequest { Format = MessageFormat.Markdown, Text = "```\nconsole.log(\"copied\");\n```" });
        foreach (var payload in new[]
        {
            "<script>window.__xss='script'</script>",
            "<img src=x onerror=\"window.__xss='img'\">",
            "<svg/onload=\"window.__xss='svg'\">",
            "[click](javascript:window.__xss='link')",
            "[click](JaVaScRiPt:window.__xss='case')",
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "![image](https://example.com/tracker.png)",
            "<a href=\"javascript:window.__xss='anchor'\">anchor</a>",
            "<iframe src=\"javascript:window.__xss='frame'\"></iframe>",
        })
        {
            await messages.PostAsync(Bob, conversation.Id, new PostMessageRequest { Format = MessageFormat.Markdown, Text = payload });
        }

        await messages.PostAsync(Bob, conversation.Id, new PostMessageRequest { Text = "<b>plain text stays plain</b>" });
        var bytes = "notes"u8.ToArray();
        var asset = await server.Services.GetRequiredService<IAssetService>().UploadAsync(Bob, new BeginUploadRequest
        {
            Scope = AssetScope.Room(room.Id), Name = "<img src=x onerror=\"window.__xss='file'\">.txt", MediaType = "text/plain", Size = bytes.Length,
        }, new MemoryStream(bytes));
        await messages.PostAsync(Bob, conversation.Id, new PostMessageRequest { Text = "see attached", Attachments = [Attachment.ForAsset(asset.Id)] });

        await page.Locator(".room-item").First.ClickAsync();
        var list = page.Locator("#message-list");
        await Assertions.Expect(page.Locator(".msg")).ToHaveCountAsync(13, new() { Timeout = Timeout });

        // Markdown renders: heading, bold, emphasis, code, a safe link that opens in a new tab without an opener.
        await Assertions.Expect(list.Locator("h1", new() { HasText = "Plan" })).ToBeVisibleAsync();
        await Assertions.Expect(list.Locator("strong", new() { HasText = "bold" })).ToBeVisibleAsync();
        await Assertions.Expect(list.Locator("em", new() { HasText = "soft" })).ToBeVisibleAsync();
        await Assertions.Expect(list.Locator("code", new() { HasText = "code" }).First).ToBeVisibleAsync();
        var link = list.Locator("a", new() { HasText = "a link" });
        (await link.GetAttributeAsync("href")).Should().Be("https://example.com/docs");
        (await link.GetAttributeAsync("rel")).Should().Be("noopener noreferrer");
        (await link.GetAttributeAsync("target")).Should().Be("_blank");
        await Assertions.Expect(list.Locator(".msg .body", new() { HasText = "<b>raw html</b>" })).ToHaveCountAsync(1, new() { Timeout = Timeout });

        // Payloads are shown as text; nothing runs, nothing loads.
        (await list.Locator("script, img, svg, iframe").CountAsync()).Should().Be(0);
        var hrefs = await list.Locator(".body a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        hrefs.Should().OnlyContain(h => h.StartsWith("https://", StringComparison.Ordinal) || h.StartsWith("mailto:", StringComparison.Ordinal));
        await Assertions.Expect(list.Locator(".msg .body", new() { HasText = "<script>window.__xss='script'</script>" })).ToHaveCountAsync(1);
        await Assertions.Expect(list.Locator(".msg .body", new() { HasText = "<b>plain text stays plain</b>" })).ToHaveCountAsync(1);
        await Assertions.Expect(list.Locator(".file-card .file-name")).ToHaveTextAsync("<img src=x onerror=\"window.__xss='file'\">.txt");
        await Assertions.Expect(page.Locator("#room-name")).ToHaveTextAsync("<script>window.__xss = 'room'</script>");
        await Assertions.Expect(page.Locator(".conv-tab")).ToHaveTextAsync("\"><svg onload=\"window.__xss='title'\">");
        await Assertions.Expect(page.Locator("#room-people")).ToContainTextAsync("<img src=x onerror=\"window.__xss='name'\">");
        (await page.EvaluateAsync<string?>("() => window.__xss ?? null")).Should().BeNull();
        alerts.Should().BeEmpty();

        // Fenced code gets a copy button that puts the code on the clipboard.
        var copy = list.Locator(".code-block .copy-code");
        await copy.ClickAsync();
        await Assertions.Expect(copy).ToHaveTextAsync("Copied");
        (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Should().Be("console.log(\"copied\");\n");
        await ScreenshotAsync(page, "markdown-and-xss");
    }

    [Fact]
    public async Task The_room_list_follows_the_inbox_with_unread_badges_previews_activity_order_and_live_additions()
    {
        await using var server = await SampleHostServer.StartAsync();
        var page = await SignInAsync(server, "Alice");
        var rooms = server.Services.GetRequiredService<IRoomService>();
        var conversations = server.Services.GetRequiredService<IConversationService>();
        var messages = server.Services.GetRequiredService<IMessageService>();

        // Bob adds alice to two rooms while her page is open: they appear without a reload, and she is told.
        var alpha = await rooms.CreateRoomAsync(Bob, new CreateRoomRequest { Name = "Alpha", Participants = [ParticipantSpec.User("alice", displayName: "Alice")] });
        await Assertions.Expect(page.Locator(".room-item", new() { HasText = "Alpha" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator(".toast", new() { HasText = "You were added to Alpha." })).ToBeVisibleAsync(new() { Timeout = Timeout });
        var beta = await rooms.CreateRoomAsync(Bob, new CreateRoomRequest { Name = "Beta", Participants = [ParticipantSpec.User("alice", displayName: "Alice")] });
        var alphaTalk = await conversations.CreateAsync(Bob, alpha.Id, new CreateConversationRequest { Title = "talk" });
        var betaTalk = await conversations.CreateAsync(Bob, beta.Id, new CreateConversationRequest { Title = "talk" });

        await messages.PostAsync(Bob, betaTalk.Id, new PostMessageRequest { Text = "Beta **news**", Format = MessageFormat.Markdown });
        var betaItem = page.Locator(".room-item", new() { HasText = "Beta" });
        await Assertions.Expect(betaItem.Locator(".badge")).ToHaveTextAsync("1", new() { Timeout = Timeout });
        await Assertions.Expect(betaItem.Locator(".room-preview")).ToHaveTextAsync("bob: Beta news");
        await messages.PostTextAsync(Bob, alphaTalk.Id, "first in alpha");
        await messages.PostTextAsync(Bob, alphaTalk.Id, "second in alpha");
        var alphaItem = page.Locator(".room-item", new() { HasText = "Alpha" });
        await Assertions.Expect(alphaItem.Locator(".badge")).ToHaveTextAsync("2", new() { Timeout = Timeout });
        await Assertions.Expect(alphaItem.Locator(".badge")).ToHaveAttributeAsync("aria-label", "2 unread");
        await Assertions.Expect(page.Locator(".room-item .room-label")).ToHaveTextAsync(["Alpha", "Beta"], new() { Timeout = Timeout });
        await ScreenshotAsync(page, "inbox-unread");

        // Reading the room clears its badge; the other keeps its own.
        await alphaItem.ClickAsync();
        await Assertions.Expect(page.Locator(".msg")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await Assertions.Expect(alphaItem.Locator(".badge")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Assertions.Expect(betaItem.Locator(".badge")).ToHaveTextAsync("1");

        // A post in beta moves it to the top.
        await messages.PostTextAsync(Bob, betaTalk.Id, "beta again");
        await Assertions.Expect(page.Locator(".room-item .room-label")).ToHaveTextAsync(["Beta", "Alpha"], new() { Timeout = Timeout });
        await Assertions.Expect(betaItem.Locator(".badge")).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task Rooms_and_conversations_have_URLs_that_survive_reload_and_back_and_forward()
    {
        await using var server = await SampleHostServer.StartAsync();
        var page = await SignInAsync(server, "Alice");
        await page.ClickAsync("#new-room");
        await page.FillAsync("#dialog-name", "Project");
        await page.ClickAsync("#dialog-ok");
        await page.Locator("#room[data-conversation-id]").WaitForAsync();
        await SendAsync(page, "in general");
        var first = await page.Locator("#room").GetAttributeAsync("data-conversation-id");
        page.Url.Should().MatchRegex($"/rooms/[0-9a-f]+/conversations/{first}$");
        var roomUrl = page.Url;

        // An in-page dialog, not prompt(), names the new conversation.
        await page.ClickAsync("#new-conversation");
        await Assertions.Expect(page.Locator("#ask-dialog")).ToBeVisibleAsync();
        await page.FillAsync("#ask-input", "Design");
        await page.ClickAsync("#ask-ok");
        await Assertions.Expect(page.Locator(".conv-tab.active")).ToHaveTextAsync("Design");
        await SendAsync(page, "in design");
        var second = await page.Locator("#room").GetAttributeAsync("data-conversation-id");
        second.Should().NotBe(first);
        page.Url.Should().EndWith($"/conversations/{second}");

        await page.GoBackAsync();
        await Assertions.Expect(page.Locator(".conv-tab.active")).ToHaveTextAsync("General");
        await Assertions.Expect(page.Locator(".msg .body")).ToHaveTextAsync(["in general"]);
        page.Url.Should().Be(roomUrl);

        await page.GoForwardAsync();
        await Assertions.Expect(page.Locator(".conv-tab.active")).ToHaveTextAsync("Design");
        await Assertions.Expect(page.Locator(".msg .body")).ToHaveTextAsync(["in design"]);

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#room-name")).ToHaveTextAsync("Project");
        await Assertions.Expect(page.Locator(".conv-tab.active")).ToHaveTextAsync("Design");
        await Assertions.Expect(page.Locator(".msg .body")).ToHaveTextAsync(["in design"]);
        await ScreenshotAsync(page, "url-after-reload");

        // A link to a room someone is not in shows a readable error and the empty screen.
        var bob = await SignInAsync(server, "Bob");
        await bob.GotoAsync(roomUrl);
        await Assertions.Expect(bob.Locator(".toast.error")).ToContainTextAsync("cannot be opened");
        await Assertions.Expect(bob.Locator("#empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Messages_can_be_replied_to_edited_deleted_copied_and_agent_replies_stopped_and_regenerated()
    {
        await using var server = await SampleHostServer.StartAsync("--DemoAgent:WordDelay", "00:00:00.250");
        var page = await SignInAsync(server, "Alice", clipboard: true);
        await OpenDirectWithAssistantAsync(page);

        // Stop while streaming: the reply keeps the text so far and says "stopped".
        await SendAsync(page, "help");
        var reply = page.Locator(".msg.agent").First;
        await reply.Locator(".body").Filter(new() { HasTextRegex = new Regex(@"\S+\s+\S+\s+\S+") }).WaitForAsync();
        await reply.Locator("[data-action=stop]").ClickAsync();
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "stopped", new() { Timeout = Timeout });
        await Assertions.Expect(reply.Locator(".status")).ToHaveTextAsync("stopped");
        var stoppedText = await reply.Locator(".body").InnerTextAsync();
        stoppedText.Should().NotBeNullOrWhiteSpace();
        "I am the offline demo assistant.".Should().StartWith(stoppedText.Trim().Split(' ')[0]);
        await ScreenshotAsync(page, "agent-stopped");

        // Regenerate: the old reply becomes a tombstone, a new complete reply answers the same message.
        await reply.HoverAsync();
        await reply.Locator("[data-action=regenerate]").ClickAsync();
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "deleted", new() { Timeout = Timeout });
        await Assertions.Expect(reply.Locator(".tombstone")).ToHaveTextAsync("This message was deleted.");
        var again = page.Locator(".msg.agent[data-status=complete]");
        await again.WaitForAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(again.Locator(".body")).ToContainTextAsync("Let me try that again.");
        await Assertions.Expect(again.Locator(".quote")).ToContainTextAsync("Alice");

        // Copy an agent reply.
        await again.HoverAsync();
        await again.Locator("[data-action=copy]").ClickAsync();
        (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Should().StartWith("Let me try that again.");

        // Reply with a quote, edit to "(edited)", delete to a readable tombstone.
        var mine = page.Locator(".msg.mine", new() { HasText = "help" });
        await mine.HoverAsync();
        await mine.Locator("[data-action=reply]").ClickAsync();
        await Assertions.Expect(page.Locator("#reply-to")).ToContainTextAsync("Replying to Alice: help");
        await SendAsync(page, "about that");
        var answerId = await page.Locator(".msg.mine[data-message-id]", new() { HasText = "about that" }).GetAttributeAsync("data-message-id");
        var answer = page.Locator($".msg[data-message-id='{answerId}']");
        await Assertions.Expect(answer.Locator(".quote")).ToContainTextAsync("Alice");
        await Assertions.Expect(answer.Locator(".quote")).ToContainTextAsync("help");

        await answer.HoverAsync();
        await answer.Locator("[data-action=edit]").ClickAsync();
        await answer.Locator(".edit-box").FillAsync("about **that**, edited");
        await answer.Locator(".edit-box").PressAsync("Enter");
        await Assertions.Expect(answer.Locator(".edited")).ToHaveTextAsync("(edited)", new() { Timeout = Timeout });
        await Assertions.Expect(answer.Locator(".body strong")).ToHaveTextAsync("that");

        await answer.HoverAsync();
        await answer.Locator("[data-action=delete]").ClickAsync();
        await page.ClickAsync("#ask-ok");
        var tombstone = page.Locator(".msg.mine.deleted .tombstone");
        await Assertions.Expect(tombstone).ToHaveTextAsync("This message was deleted.", new() { Timeout = Timeout });
        var (color, background) = await ColorsAsync(tombstone);
        Contrast(color, background).Should().BeGreaterThan(4.5, "the tombstone is readable, also on the sender's side");
        await ScreenshotAsync(page, "message-actions");
    }

    [Fact]
    public async Task The_composer_grows_sends_on_Enter_counts_near_the_limit_and_retries_a_post_that_was_not_sent()
    {
        await using var server = await SampleHostServer.StartAsync();
        var page = await SignInAsync(server, "Alice");
        var rooms = server.Services.GetRequiredService<IRoomService>();
        var room = await rooms.CreateRoomAsync(Bob, new CreateRoomRequest { Name = "Composer", Participants = [ParticipantSpec.User("alice", displayName: "Alice")] });
        await server.Services.GetRequiredService<IConversationService>().CreateAsync(Bob, room.Id, new CreateConversationRequest { Title = "General" });
        await page.Locator(".room-item", new() { HasText = "Composer" }).ClickAsync();
        await page.Locator("#room[data-conversation-id]").WaitForAsync();

        var box = page.Locator("#text");
        var oneLine = (await box.BoundingBoxAsync())!.Height;
        await box.FocusAsync();
        await page.Keyboard.TypeAsync("first line");
        foreach (var line in new[] { "second line", "third line", "fourth line" })
        {
            await page.Keyboard.PressAsync("Shift+Enter");
            await page.Keyboard.TypeAsync(line);
        }

        (await box.BoundingBoxAsync())!.Height.Should().BeGreaterThan(oneLine * 2, "the box grows with its text");
        (await page.Locator(".msg").CountAsync()).Should().Be(0, "Shift+Enter is a new line, not a send");
        await page.Keyboard.PressAsync("Enter");
        var sent = page.Locator(".msg.mine:not(.pending) .body");
        await Assertions.Expect(sent).ToHaveCountAsync(1, new() { Timeout = Timeout });
        (await sent.InnerTextAsync()).Should().Be("first line\nsecond line\nthird line\nfourth line");
        (await box.InputValueAsync()).Should().BeEmpty();

        await Assertions.Expect(page.Locator("#counter")).ToBeHiddenAsync();
        await box.FillAsync(new string('a', 30_500));
        await Assertions.Expect(page.Locator("#counter")).ToHaveTextAsync("30,500 / 32,000");
        await box.FillAsync(new string('a', 32_001));
        await Assertions.Expect(page.Locator("#counter")).ToHaveTextAsync("32,001 / 32,000 — too long to send");
        await Assertions.Expect(page.Locator("#send")).ToBeDisabledAsync();
        await box.FillAsync("");

        // Made an observer, her post is refused: it says "not sent" with a Retry; once she may post again, Retry delivers it once.
        var participants = server.Services.GetRequiredService<IParticipantService>();
        await participants.UpdateAsync(Bob, room.Id, "alice", new ParticipantUpdate { Role = ParticipantRole.Observer });
        await SendWithoutWaitingAsync(page, "are you still there?");
        var unsent = page.Locator(".msg.failed", new() { HasText = "are you still there?" });
        await Assertions.Expect(unsent.Locator(".status")).ToHaveTextAsync("not sent", new() { Timeout = Timeout });
        await ScreenshotAsync(page, "not-sent");
        await participants.UpdateAsync(Bob, room.Id, "alice", new ParticipantUpdate { Role = ParticipantRole.Member });
        await unsent.Locator("[data-action=retry]").ClickAsync();
        await Assertions.Expect(page.Locator(".msg.mine:not(.pending):not(.failed)", new() { HasText = "are you still there?" })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        var history = await server.Services.GetRequiredService<IMessageService>().GetHistoryAsync(Bob, (await page.Locator("#room").GetAttributeAsync("data-conversation-id"))!);
        history.Messages.Count(m => m.Text == "are you still there?").Should().Be(1);
    }

    [Fact]
    public async Task Errors_are_readable_styled_apart_and_toasts_never_block_the_message_box()
    {
        await using var server = await SampleHostServer.StartAsync();
        var page = await SignInAsync(server, "Alice");
        await OpenDirectWithAssistantAsync(page);
        var conversationId = (await page.Locator("#room").GetAttributeAsync("data-conversation-id"))!;
        var room = await server.Services.GetRequiredService<IConversationService>().GetAsync(Alice, conversationId);

        // An agent that gave up: the page shows the agent's own error text and code, as an error.
        await server.Services.GetRequiredService<ConversationEventBus>().PublishAsync(new FlowFailedEvent
        {
            RoomId = room.RoomId,
            ConversationId = conversationId,
            ActorId = "assistant",
            Timestamp = DateTimeOffset.UtcNow,
            AgentId = "assistant",
            TriggerSequence = 1,
            ErrorCode = "timeout",
            ErrorMessage = "The agent did not answer in time.",
            Attempts = 3,
        }, CancellationToken.None);
        var toast = page.Locator(".toast.error");
        await Assertions.Expect(toast).ToHaveTextAsync(new Regex("Assistant could not answer: The agent did not answer in time. \\(timeout\\)"), new() { Timeout = Timeout });
        (await toast.GetAttributeAsync("role")).Should().Be("alert");

        // The toast stands clear of the message box, which takes clicks and typing while it shows.
        var toastBox = (await toast.BoundingBoxAsync())!;
        var composer = (await page.Locator("#composer").BoundingBoxAsync())!;
        (toastBox.Y + toastBox.Height).Should().BeLessThan(composer.Y, "the toast is not over the composer");
        await page.Locator("#text").ClickAsync(new() { Timeout = 3_000 });
        await page.Keyboard.TypeAsync("still typing");
        (await page.Locator("#text").InputValueAsync()).Should().Be("still typing");
        await ScreenshotAsync(page, "error-toast");

        // A failed reply is marked as an error, not like "writing…".
        var failed = await server.Services.GetRequiredService<IMessageService>().BeginStreamAsync(Account.Agent("assistant"), conversationId);
        await failed.AppendAsync("half an answer");
        await failed.FailAsync();
        var label = page.Locator(".msg.agent[data-status=failed] .status");
        await Assertions.Expect(label).ToHaveTextAsync("failed", new() { Timeout = Timeout });
        (await label.GetAttributeAsync("class")).Should().Contain("error-label");
    }

    [Fact]
    public async Task The_people_picker_lists_stored_sign_ins_and_people_from_my_rooms_and_is_searchable()
    {
        await using var server = await SampleHostServer.StartAsync();
        var carol = await SignInAsync(server, "Carol");
        await carol.Context.CloseAsync();
        await server.Services.GetRequiredService<IRoomService>().CreateRoomAsync(Account.User("alice"), new CreateRoomRequest
        {
            Name = "Met before",
            Participants = [ParticipantSpec.User("dave", displayName: "Dave Never-Signed-In")],
        });

        await server.RestartAsync(); // the directory is stored, not held in memory
        var page = await SignInAsync(server, "Alice");
        await page.ClickAsync("#new-direct");
        var people = page.Locator("#dialog-people li");
        await Assertions.Expect(people).ToContainTextAsync(["Assistant", "Carol", "Dave Never-Signed-In"], new() { Timeout = Timeout });
        (await people.AllInnerTextsAsync()).Should().NotContain(t => t.Contains("Alice", StringComparison.Ordinal), "not yourself");

        await page.FillAsync("#dialog-search", "car");
        await Assertions.Expect(people).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(people).ToContainTextAsync("Carol");
        await page.FillAsync("#dialog-search", "nobody-like-this");
        await Assertions.Expect(people).ToHaveTextAsync("Nobody matches \"nobody-like-this\".");
        await ScreenshotAsync(page, "people-picker");
        await page.FillAsync("#dialog-search", "");
        await page.CheckAsync("#dialog-people input[value=carol]");
        await page.ClickAsync("#dialog-ok");
        await Assertions.Expect(page.Locator("#room-name")).ToHaveTextAsync("Carol");
    }

    [Fact]
    public async Task The_page_works_by_keyboard_announces_new_messages_and_axe_finds_no_serious_violations()
    {
        await using var server = await SampleHostServer.StartAsync();
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 1200, Height = 760 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync("/");
        await AxeAsync(page, "sign-in");

        // Keyboard only: sign in, open a direct room with the Assistant, send a message.
        await page.Locator("#name").FocusAsync();
        await page.Keyboard.TypeAsync("Alice");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("body[data-connection=online]").WaitForAsync();
        await TabToAsync(page, "#new-direct");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#dialog")).ToBeVisibleAsync();
        await TabToAsync(page, "#dialog-people input[value=assistant]");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "#dialog-ok");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#room-name")).ToHaveTextAsync("Assistant");
        await Assertions.Expect(page.Locator("#text")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("hello there");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(".msg.agent[data-status=complete]").WaitForAsync(new() { Timeout = 30_000 });

        // The reply was announced to screen readers.
        await Assertions.Expect(page.Locator("#announcer")).ToContainTextAsync("Assistant", new() { Timeout = Timeout });

        // Message actions are reachable by keyboard: Tab into the reply's toolbar and copy nothing, just reply.
        await TabToAsync(page, ".msg.agent [data-action=reply]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#reply-to")).ToContainTextAsync("Replying to Assistant");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#reply-to")).ToBeHiddenAsync();

        await server.Services.GetRequiredService<IMessageService>().PostAsync(Account.Agent("assistant"), (await page.Locator("#room").GetAttributeAsync("data-conversation-id"))!,
            new PostMessageRequest { Text = "A **markdown** note with `code` and a [link](https://example.com).", Format = MessageFormat.Markdown });
        await Assertions.Expect(page.Locator("#announcer")).ToHaveTextAsync("Assistant: A markdown note with code and a link.", new() { Timeout = Timeout });
        await AxeAsync(page, "conversation");

        await page.ClickAsync("#new-room");
        await Assertions.Expect(page.Locator("#dialog")).ToBeVisibleAsync();
        await AxeAsync(page, "dialog");
        await page.Keyboard.PressAsync("Escape");
        await ScreenshotAsync(page, "keyboard-and-axe");
    }

    [Fact]
    public void The_vendored_libraries_are_the_npm_files_recorded_in_their_manifests()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "wwwroot", "vendor");
        var tests = Path.Combine(AppContext.BaseDirectory, "vendor");
        foreach (var folder in new[] { sample, tests })
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
            manifest.RootElement.EnumerateObject().Should().NotBeEmpty();
            foreach (var file in manifest.RootElement.EnumerateObject())
            {
                var bytes = File.ReadAllBytes(Path.Combine(folder, file.Name));
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)).Should().Be(file.Value.GetProperty("sha256").GetString(), $"{file.Name} is {file.Value.GetProperty("package").GetString()}@{file.Value.GetProperty("version").GetString()} unchanged");
            }
        }
    }

    private async Task<IPage> SignInAsync(SampleHostServer server, string name, bool clipboard = false)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 1200, Height = 760 } });
        if (clipboard)
        {
            await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = server.BaseUrl });
        }

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
        await SendWithoutWaitingAsync(page, text);
        await page.Locator(".msg.mine:not(.pending) .body", new() { HasText = text }).First.WaitForAsync();
    }

    private static async Task SendWithoutWaitingAsync(IPage page, string text)
    {
        await page.FillAsync("#text", text);
        await page.PressAsync("#text", "Enter");
    }

    /// <summary>Presses Tab until the element has the focus (at most 60 times): what a keyboard user does.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await page.Locator(selector).First.EvaluateAsync<bool>("el => el === document.activeElement"))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        throw new InvalidOperationException($"Tab never reached {selector}.");
    }

    /// <summary>Runs axe-core (vendored from npm) on the page and fails on serious or critical violations.</summary>
    private static async Task AxeAsync(IPage page, string state)
    {
        await page.AddScriptTagAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "vendor", "axe.min.js") });
        var violations = await page.EvaluateAsync<string[]>(
            """
            async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(" ")).join("; ")}`)
            """);
        violations.Should().BeEmpty($"axe-core finds no serious or critical problem ({state})");
    }

    private static async Task<(string Color, string Background)> ColorsAsync(ILocator locator)
    {
        var colors = await locator.EvaluateAsync<string[]>(
            """
            el => {
              let bg = "rgba(0, 0, 0, 0)";
              for (let n = el; n && (bg === "rgba(0, 0, 0, 0)" || bg === "transparent"); n = n.parentElement) bg = getComputedStyle(n).backgroundColor;
              return [getComputedStyle(el).color, bg];
            }
            """);
        return (colors[0], colors[1]);
    }

    /// <summary>The WCAG contrast ratio of two CSS rgb() colours.</summary>
    private static double Contrast(string a, string b)
    {
        static double Luminance(string rgb)
        {
            var parts = Regex.Matches(rgb, @"[\d.]+").Take(3).Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) / 255).ToArray();
            var linear = parts.Select(c => c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4)).ToArray();
            return (0.2126 * linear[0]) + (0.7152 * linear[1]) + (0.0722 * linear[2]);
        }

        var (l1, l2) = (Luminance(a), Luminance(b));
        return (Math.Max(l1, l2) + 0.05) / (Math.Min(l1, l2) + 0.05);
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png") });
}
