using System.Runtime.CompilerServices;
using Conversations.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations.AI.Tests;

public sealed class ChatClientAgentTests
{
    private static readonly Account Alice = Account.User("alice");

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task History_MatchesTheLog_RolesNamesOrderAndDescriptions()
    {
        var client = TestChatClient.Replying("ok");
        await using var host = await ConversationsTestHost.StartAsync(b => b.UseTemporaryFileSystemAssets().AddChatClientAgent("bot", _ => client, o => o.Instructions = "Be brief."));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest
        {
            Participants = [ParticipantSpec.User("bob", displayName: "Bob Smith"), ParticipantSpec.Agent("bot", autoRespond: false)],
        });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);
        await host.Messages.PostTextAsync(Alice, conversation.Id, "hello");
        await host.Messages.PostAsync(Account.Agent("bot"), conversation.Id, new PostMessageRequest { Text = "earlier answer" });
        var gone = await host.Messages.PostTextAsync(Account.User("bob"), conversation.Id, "oops");
        await host.Messages.DeleteAsync(Account.User("bob"), conversation.Id, gone.Id);
        await host.Messages.PostAsync(Account.User("bob"), conversation.Id, new PostMessageRequest
        {
            Text = "see file",
            Attachments = [Attachment.ForAsset((await UploadAsync(host, Account.User("bob"), "plan.pdf", "application/pdf", Pdf(2048))).Id)],
            Data = System.Text.Json.JsonDocument.Parse("""{"priority":"high"}""").RootElement,
        });
        await host.WhenFlowsIdleAsync(Timeout);
        await host.Participants.UpdateAsync(Alice, room.Id, "bot", new ParticipantUpdate { AutoRespond = true });

        await host.Messages.PostTextAsync(Alice, conversation.Id, "what now?");
        await host.WhenFlowsIdleAsync(Timeout);

        var sent = client.Requests.Single().Messages;
        sent.Select(m => m.Role).Should().Equal(ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.User);
        sent[0].Text.Should().Be("Be brief.");
        sent[1].Text.Should().Be("[alice] hello");
        sent[1].AuthorName.Should().Be("alice");
        sent[2].Text.Should().Be("earlier answer");
        sent[3].AuthorName.Should().Be("Bob_Smith");
        sent[3].Text.Should().Be("[Bob Smith] see file\n[attachment: plan.pdf, application/pdf, 2048 bytes]\n[data: {\"priority\":\"high\"}]");
        sent[4].Text.Should().Be("[alice] what now?");
    }

    [Fact]
    public async Task History_IsTrimmedByCountAndByTokenBudget_KeepingTheNewest()
    {
        var byCount = TestChatClient.Replying("ok");
        var byTokens = TestChatClient.Replying("ok");
        await using var host = await ConversationsTestHost.StartAsync(b => b
            .AddChatClientAgent("counted", _ => byCount, o => o.MaxHistoryMessages = 3)
            .AddChatClientAgent("budgeted", _ => byTokens, o => { o.MaxHistoryTokens = 30; o.IncludeNamesInText = false; }));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("counted", autoRespond: false), ParticipantSpec.Agent("budgeted", autoRespond: false)] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);
        for (var i = 1; i <= 6; i++)
        {
            await host.Messages.PostTextAsync(Alice, conversation.Id, $"message {i} " + new string('x', 40));
        }

        await host.WhenFlowsIdleAsync(Timeout);
        await host.Participants.UpdateAsync(Alice, room.Id, "counted", new ParticipantUpdate { AutoRespond = true });
        await host.Participants.UpdateAsync(Alice, room.Id, "budgeted", new ParticipantUpdate { AutoRespond = true });
        await host.Messages.PostTextAsync(Alice, conversation.Id, "last");
        await host.WhenFlowsIdleAsync(Timeout);

        byCount.Requests[0].Messages.Select(m => m.Text).Should().Equal($"[alice] message 5 {new string('x', 40)}", $"[alice] message 6 {new string('x', 40)}", "[alice] last");

        // Each 50-character message is about 16 tokens; a budget of 30 holds the newest two at most.
        var kept = byTokens.Requests[0].Messages.Select(m => m.Text).ToArray();
        kept[^1].Should().Be("last");
        kept.Length.Should().BeLessThanOrEqualTo(2);
    }

    [Fact]
    public async Task Reply_StreamsDeltasInOrder_StoresTheirConcatenation_AndRecordsUsage()
    {
        var client = TestChatClient.Replying("The ", "answer ", "is ", "42.");
        await using var host = await ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("bot", _ => client));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot")] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);
        var question = await host.Messages.PostTextAsync(Alice, conversation.Id, "question?");
        await host.WhenFlowsIdleAsync(Timeout);

        var reply = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages[^1];
        reply.SenderId.Should().Be("bot");
        reply.Status.Should().Be(MessageStatus.Complete);
        reply.Text.Should().Be("The answer is 42.");
        reply.ReplyToId.Should().Be(question.Id);
        reply.Format.Should().Be(MessageFormat.Markdown);
        reply.Data!.Value.GetProperty("model").GetString().Should().Be("test-model");
        reply.Data.Value.GetProperty("usage").GetProperty("outputTokens").GetInt64().Should().Be(7);
        reply.Data.Value.GetProperty("usage").GetProperty("inputTokens").GetInt64().Should().Be(11);

        await host.Events.WaitForAsync<MessageUpdatedEvent>(e => e.Message.Id == reply.Id, Timeout);
        var deltas = host.Events.GetSnapshot().OfType<MessageDeltaEvent>().Where(d => d.MessageId == reply.Id).ToArray();
        deltas.Select(d => d.Index).Should().Equal(0, 1, 2, 3);
        string.Concat(deltas.Select(d => d.Delta)).Should().Be(reply.Text);
        host.Events.GetSnapshot().OfType<TypingEvent>().Where(t => t.ActorId == "bot").Select(t => t.IsTyping).Should().Equal(true, false);
    }

    [Fact]
    public async Task FailingModel_LeavesAFailedMessageAndAnEvent_AndTheNextTriggerStillWorks()
    {
        var calls = 0;
        var client = new TestChatClient((_, _, ct) => Interlocked.Increment(ref calls) == 1 ? FailAfter("half an ", ct) : TestChatClient.Chunks(["recovered"], ct));
        await using var host = await ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("bot", _ => client).Services.Configure<ConversationsOptions>(o => o.MaxFlowAttempts = 1));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot")] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);

        await host.Messages.PostTextAsync(Alice, conversation.Id, "first");
        await host.Messages.PostTextAsync(Alice, conversation.Id, "second");
        await host.WhenFlowsIdleAsync(Timeout);

        var messages = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages;
        messages.Select(m => (m.Text, m.Status)).Should().Equal(
            ("first", MessageStatus.Complete), ("second", MessageStatus.Complete),
            ("half an ", MessageStatus.Failed), ("recovered", MessageStatus.Complete));
        var failure = await host.Events.WaitForAsync<FlowFailedEvent>(cancellationToken: Timeout);
        failure.AgentId.Should().Be("bot");
        failure.TriggerSequence.Should().Be(1);

        // The failed reply is not fed back to the model.
        client.Requests[1].Messages.Select(m => m.Text).Should().Equal("[alice] first", "[alice] second");
    }

    [Fact]
    public async Task FailingModel_IsRetried_TheFailedReplyIsKept_AndEachMessageIsAnsweredOnce()
    {
        var calls = 0;
        var client = new TestChatClient((_, _, ct) => Interlocked.Increment(ref calls) == 1 ? FailAfter("half an ", ct) : TestChatClient.Chunks([$"answer {calls}"], ct));
        await using var host = await ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("bot", _ => client));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot")] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);

        var first = await host.Messages.PostTextAsync(Alice, conversation.Id, "first");
        await host.WhenFlowsIdleAsync(Timeout);
        host.Time.Advance(TimeSpan.FromSeconds(3));
        await host.WhenFlowsIdleAsync(Timeout);

        var messages = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages;
        messages.Select(m => (m.Text, m.Status)).Should().Equal(
            ("first", MessageStatus.Complete), ("half an ", MessageStatus.Failed), ("answer 2", MessageStatus.Complete));
        messages.Skip(1).Should().OnlyContain(m => m.ReplyToId == first.Id);
        messages[1].ClientMessageId.Should().Be("flow:1:0");
        messages[2].ClientMessageId.Should().Be("flow:1:0.2", "the retry's reply takes the next id after the failed one");
        await host.FlushEventsAsync(Timeout);
        host.Events.GetSnapshot().OfType<FlowFailedEvent>().Should().BeEmpty("the retry succeeded");
    }

    [Fact]
    public async Task Timeout_CancelsTheStream_EndsItFailed_AndReportsUnavailable()
    {
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new TestChatClient((_, _, ct) => Hang("thinking...", streaming, ct));
        await using var host = await ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("bot", _ => client, o => o.Timeout = TimeSpan.FromSeconds(20)).Services.Configure<ConversationsOptions>(o => o.MaxFlowAttempts = 1));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot")] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);

        await host.Messages.PostTextAsync(Alice, conversation.Id, "hello?");
        await streaming.Task.WaitAsync(Timeout);
        host.Time.Advance(TimeSpan.FromSeconds(21));
        await host.WhenFlowsIdleAsync(Timeout);

        var reply = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages[^1];
        (reply.SenderId, reply.Text, reply.Status).Should().Be(("bot", "thinking...", MessageStatus.Failed));
        (await host.Events.WaitForAsync<FlowFailedEvent>(cancellationToken: Timeout)).ErrorCode.Should().Be("unavailable");
    }

    [Fact]
    public async Task HostShutdown_CancelsTheStream()
    {
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new TestChatClient((_, _, ct) => Hang("partial", streaming, ct));
        var host = await ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("bot", _ => client));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot")] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);
        await host.Messages.PostTextAsync(Alice, conversation.Id, "hello?");
        await streaming.Task.WaitAsync(Timeout);

        using var stopNow = new CancellationTokenSource();
        await stopNow.CancelAsync();
        await host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single().StopAsync(stopNow.Token);

        var reply = await host.Store.GetMessagesAsync(conversation.Id, HistoryQuery.Latest(), Timeout);
        (reply[^1].Text, reply[^1].Status).Should().Be(("partial", MessageStatus.Failed));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task TwoAgents_AnswerInTurn_AndStopAtTheChainDepth()
    {
        await using var host = await ConversationsTestHost.StartAsync(b =>
        {
            b.Services.Configure<ConversationsOptions>(o => o.MaxAgentChainDepth = 2);
            b.AddChatClientAgent("ping", _ => TestChatClient.Replying("ping!"), o => o.Instructions = "You are ping.");
            b.AddChatClientAgent("pong", _ => TestChatClient.Replying("pong!"), o => o.Instructions = "You are pong.");
        });
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("ping"), ParticipantSpec.Agent("pong")] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);

        await host.Messages.PostTextAsync(Alice, conversation.Id, "go");
        await host.WhenFlowsIdleAsync(Timeout);

        var replies = (await host.Messages.GetHistoryAsync(Alice, conversation.Id, HistoryQuery.Latest(100))).Messages.Skip(1).ToArray();
        replies.Should().HaveCount(2 * 3, "each agent replies at depths 1, 2 and 3, and depth-3 replies trigger no one");
        replies.Should().OnlyContain(m => m.Status == MessageStatus.Complete && (m.Text == "ping!" || m.Text == "pong!"));
        replies.Where(m => m.SenderId == "ping").Should().OnlyContain(m => m.Text == "ping!");
    }

    [Fact]
    public async Task Tools_AreCalledThroughTheFunctionInvokingMiddleware()
    {
        var weatherCalls = 0;
        var tool = AIFunctionFactory.Create((string city) => { Interlocked.Increment(ref weatherCalls); return $"Sunny in {city}"; }, "get_weather", "Gets the weather.");
        var client = new TestChatClient((messages, options, ct) =>
            messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any())
                ? TestChatClient.Chunks([$"It is {messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single().Result}."], ct)
                : CallTool(ct));
        await using var host = await ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("bot", _ => client, o => o.ChatOptions = new ChatOptions { Tools = [tool], ModelId = "m1" }));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot")] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);

        await host.Messages.PostTextAsync(Alice, conversation.Id, "weather in Oslo?");
        await host.WhenFlowsIdleAsync(Timeout);

        weatherCalls.Should().Be(1);
        client.Requests.Should().HaveCount(2);
        client.Requests[0].Options!.Tools.Should().ContainSingle(t => t.Name == "get_weather");
        client.Requests[0].Options!.ModelId.Should().Be("m1");
        var reply = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages[^1];
        reply.Text.Should().Be("It is Sunny in Oslo.");
    }

    [Fact]
    public async Task ChatClient_IsResolvedKeyedByAgentThenUnkeyed()
    {
        var keyed = TestChatClient.Replying("keyed");
        var shared = TestChatClient.Replying("shared");
        await using var host = await ConversationsTestHost.StartAsync(b =>
        {
            b.Services.AddKeyedSingleton<IChatClient>("special", keyed);
            b.Services.AddSingleton<IChatClient>(shared);
            b.AddChatClientAgent("special").AddChatClientAgent("plain");
        });
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("special")] });
        var other = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("plain")] });
        await host.Messages.PostTextAsync(Alice, (await host.Conversations.CreateAsync(Alice, room.Id)).Id, "hi");
        await host.Messages.PostTextAsync(Alice, (await host.Conversations.CreateAsync(Alice, other.Id)).Id, "hi");
        await host.WhenFlowsIdleAsync(Timeout);

        keyed.Requests.Should().ContainSingle();
        shared.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Greeting_IsPostedWhenAConversationStarts()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("bot", _ => TestChatClient.Replying("x"), o => o.Greeting = "Hi, how can I help?"));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot")] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);
        await host.WhenFlowsIdleAsync(Timeout);
        (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Single().Text.Should().Be("Hi, how can I help?");
    }

    [Fact]
    public async Task BadOptionsAndMissingClients_AreRefusedClearly()
    {
        FluentActions.Invoking(() => new ServiceCollection().AddConversations().AddChatClientAgent(" ")).Should().Throw<ArgumentException>();
        await FluentActions.Awaiting(() => ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("bot", _ => TestChatClient.Replying("x"), o => o.MaxHistoryMessages = 0)))
            .Should().ThrowAsync<OptionsValidationException>().WithMessage("*MaxHistoryMessages*");

        await using var host = await ConversationsTestHost.StartAsync(b => b.AddChatClientAgent("orphan").Services.Configure<ConversationsOptions>(o => o.MaxFlowAttempts = 1));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("orphan")] });
        await host.Messages.PostTextAsync(Alice, (await host.Conversations.CreateAsync(Alice, room.Id)).Id, "anyone?");
        await host.WhenFlowsIdleAsync(Timeout);
        (await host.Events.WaitForAsync<FlowFailedEvent>(cancellationToken: Timeout)).AgentId.Should().Be("orphan");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FailAfter(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        throw new HttpRequestException("model endpoint returned 500");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Hang(string text, TaskCompletionSource streaming, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        streaming.TrySetResult();
        await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "never");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> CallTool([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })] };
    }

    [Fact]
    public async Task Attachments_ReachTheModelAsDataContent_WhenAllowed_AndAreDescribedOtherwise()
    {
        var client = TestChatClient.Replying("nice picture");
        await using var host = await ConversationsTestHost.StartAsync(b => b.UseTemporaryFileSystemAssets()
            .AddChatClientAgent("bot", _ => client, o => o.AttachmentContent = AttachmentContentMode.Data));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot", autoRespond: true)] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);
        var png = Png(300);
        var image = await UploadAsync(host, Alice, "cat.png", "image/png", png);
        var archive = await UploadAsync(host, Alice, "notes.zip", "application/zip", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]);

        await host.Messages.PostAsync(Alice, conversation.Id, new PostMessageRequest { Text = "look", Attachments = [Attachment.ForAsset(image.Id), Attachment.ForAsset(archive.Id)] });
        await host.WhenFlowsIdleAsync(Timeout);

        var turn = client.Requests.Single().Messages.Last();
        turn.Text.Should().Contain("[attachment: cat.png, image/png, 300 bytes]").And.Contain("[attachment: notes.zip, application/zip, 7 bytes]");
        var data = turn.Contents.OfType<DataContent>().Should().ContainSingle().Subject;
        data.MediaType.Should().Be("image/png");
        data.Name.Should().Be("cat.png");
        data.Data.ToArray().Should().Equal(png);
    }

    [Fact]
    public async Task Attachments_AreOnlyDescribed_ByDefault()
    {
        var client = TestChatClient.Replying("ok");
        await using var host = await ConversationsTestHost.StartAsync(b => b.UseTemporaryFileSystemAssets().AddChatClientAgent("bot", _ => client));
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot", autoRespond: true)] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);
        var image = await UploadAsync(host, Alice, "cat.png", "image/png", Png(64));

        await host.Messages.PostAsync(Alice, conversation.Id, new PostMessageRequest { Attachments = [Attachment.ForAsset(image.Id)] });
        await host.WhenFlowsIdleAsync(Timeout);

        var turn = client.Requests.Single().Messages.Last();
        turn.Contents.OfType<DataContent>().Should().BeEmpty();
        turn.Text.Should().Contain("[attachment: cat.png, image/png, 64 bytes]");
    }

    [Fact]
    public async Task Agent_CanUploadAGeneratedFile_AndAttachIt()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.UseTemporaryFileSystemAssets());
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("bot", autoRespond: false)] });
        var conversation = await host.Conversations.CreateAsync(Alice, room.Id);
        var bot = Account.Agent("bot");
        var assets = host.Services.GetRequiredService<IAssetService>();

        var report = await assets.UploadAsync(bot, new BeginUploadRequest { Scope = AssetScope.Room(room.Id), Folder = "/generated", Name = "report.txt", MediaType = "text/plain", Size = 5 }, new MemoryStream("hello"u8.ToArray()));
        var message = await host.Messages.PostAsync(bot, conversation.Id, new PostMessageRequest { Attachments = [Attachment.ForAsset(report.Id)] });

        message.Attachments.Should().ContainSingle().Which.Name.Should().Be("report.txt");
        await using var read = await assets.OpenReadAsync(Alice, report.Id);
        new StreamReader(read).ReadToEnd().Should().Be("hello");
    }

    private static Task<Asset> UploadAsync(ConversationsTestHost host, Account who, string name, string type, byte[] bytes) =>
        host.Services.GetRequiredService<IAssetService>().UploadAsync(who, new BeginUploadRequest { Name = name, MediaType = type, Size = bytes.Length }, new MemoryStream(bytes));

    private static byte[] Pdf(int size)
    {
        var bytes = new byte[size];
        "%PDF-1.4\n"u8.CopyTo(bytes);
        return bytes;
    }

    private static byte[] Png(int size)
    {
        var bytes = new byte[size];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
        return bytes;
    }
}
