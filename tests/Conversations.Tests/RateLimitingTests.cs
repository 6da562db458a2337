using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations.Tests;

/// <summary>
/// Per-account rate limits in the services (AddRateLimiting): one account's flood is refused with a retry-after and
/// changes nothing, while every other account keeps its own budget. Time is the host's fake clock.
/// </summary>
public sealed class RateLimitingTests
{
    private static readonly Account Alice = Account.User("alice");
    private static readonly Account Bob = Account.User("bob");

    [Fact]
    public async Task Posts_OneAccountFloods_AnotherAccountsPostsStillGoThrough()
    {
        await using var host = await StartAsync(o => o.PerAccount.Posts = new RateLimitRule(3, TimeSpan.FromSeconds(10)));
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice, ParticipantSpec.User("bob"));

        for (var i = 0; i < 3; i++)
        {
            await host.Messages.PostTextAsync(Alice, conversation.Id, $"alice {i}");
        }

        var flood = () => host.Messages.PostTextAsync(Alice, conversation.Id, "one too many", clientMessageId: "flood");
        var refused = (await flood.Should().ThrowAsync<LimitExceededException>()).Which;
        refused.Code.Should().Be(ConversationsErrorCode.LimitExceeded);
        refused.RetryAfter.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(10));

        for (var i = 0; i < 3; i++)
        {
            await host.Messages.PostTextAsync(Bob, conversation.Id, $"bob {i}");
        }

        // The refused post changed nothing: six messages, none of them the flood.
        var history = await host.Messages.GetHistoryAsync(Alice, conversation.Id);
        history.Messages.Select(m => m.Text).Should().Equal("alice 0", "alice 1", "alice 2", "bob 0", "bob 1", "bob 2");
        (await host.Conversations.GetAsync(Alice, conversation.Id)).LastSequence.Should().Be(6);
    }

    [Fact]
    public async Task Posts_AfterTheWindow_TheAccountMayPostAgain_AndTheRetryAfterCountsDown()
    {
        await using var host = await StartAsync(o => o.PerAccount.Posts = new RateLimitRule(1, TimeSpan.FromSeconds(10)));
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice);
        await host.Messages.PostTextAsync(Alice, conversation.Id, "first");

        host.Time.Advance(TimeSpan.FromSeconds(4));
        var early = (await FluentActions.Awaiting(() => host.Messages.PostTextAsync(Alice, conversation.Id, "too early"))
            .Should().ThrowAsync<LimitExceededException>()).Which;
        early.RetryAfter.Should().BeCloseTo(TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(100));

        host.Time.Advance(early.RetryAfter!.Value);
        var again = await host.Messages.PostTextAsync(Alice, conversation.Id, "on time");
        again.Sequence.Should().Be(2);
    }

    [Fact]
    public async Task StreamAppends_AreLimitedPerAccount_EmptyChunksAreFree_AndAStreamStartIsAPost()
    {
        await using var host = await StartAsync(o =>
        {
            o.PerAccount.Posts = new RateLimitRule(1, TimeSpan.FromMinutes(1));
            o.PerAccount.StreamAppends = new RateLimitRule(2, TimeSpan.FromMinutes(1));
        });
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice);

        await using var stream = await host.Messages.BeginStreamAsync(Alice, conversation.Id);
        await stream.AppendAsync("one ");
        await stream.AppendAsync(string.Empty);
        await stream.AppendAsync("two");
        await FluentActions.Awaiting(() => stream.AppendAsync(" three")).Should().ThrowAsync<LimitExceededException>();
        stream.Text.Should().Be("one two", "the refused chunk was not appended");
        (await stream.CompleteAsync()).Text.Should().Be("one two");

        await FluentActions.Awaiting(() => host.Messages.BeginStreamAsync(Alice, conversation.Id))
            .Should().ThrowAsync<LimitExceededException>("starting a stream posts a message");
    }

    [Fact]
    public async Task DirectRooms_AreLimitedPerAccount()
    {
        await using var host = await StartAsync(o => o.PerAccount.DirectRooms = new RateLimitRule(2, TimeSpan.FromMinutes(1)));

        await host.Rooms.GetOrCreateDirectRoomAsync(Alice, [ParticipantSpec.User("alice"), ParticipantSpec.User("bob")]);
        await host.Rooms.GetOrCreateDirectRoomAsync(Alice, [ParticipantSpec.User("alice"), ParticipantSpec.User("carol")]);
        await FluentActions.Awaiting(() => host.Rooms.GetOrCreateDirectRoomAsync(Alice, [ParticipantSpec.User("alice"), ParticipantSpec.User("dave")]))
            .Should().ThrowAsync<LimitExceededException>();

        (await host.Rooms.ListRoomsAsync(Alice)).Should().HaveCount(2, "the refused request created no room");
        (await host.Rooms.GetOrCreateDirectRoomAsync(Bob, [ParticipantSpec.User("bob"), ParticipantSpec.User("dave")])).Kind.Should().Be(RoomKind.Direct);
    }

    [Fact]
    public async Task Uploads_AreLimitedPerAccount_ARefusedUploadReservesNothing_AndAnotherAccountStillUploads()
    {
        // Rate limiting first, the asset store after: the order of the calls does not matter.
        await using var host = await ConversationsTestHost.StartAsync(b => b
            .AddRateLimiting(o => o.PerAccount.Uploads = new RateLimitRule(2, TimeSpan.FromMinutes(1)))
            .UseTemporaryFileSystemAssets());
        var assets = host.Services.GetRequiredService<IAssetService>();
        var folders = host.Services.GetRequiredService<IAssetFolderService>();
        static BeginUploadRequest File(string name) => new() { Name = name, MediaType = "text/plain", Size = 2 };

        await assets.UploadAsync(Alice, File("one.txt"), new MemoryStream("1\n"u8.ToArray()));
        await assets.BeginUploadAsync(Alice, File("two.txt"));
        var refused = (await FluentActions.Awaiting(() => assets.UploadAsync(Alice, File("three.txt"), new MemoryStream("3\n"u8.ToArray())))
            .Should().ThrowAsync<LimitExceededException>()).Which;
        refused.RetryAfter.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        refused.Message.Should().Contain("uploads");
        await FluentActions.Awaiting(() => assets.BeginUploadAsync(Alice, File("four.txt"))).Should().ThrowAsync<LimitExceededException>();

        (await folders.ListAsync(Alice, AssetScope.Account(Alice.Id))).Assets.Select(a => a.Name).Should().Equal(["one.txt"], "the refused uploads stored nothing");
        (await assets.UploadAsync(Bob, File("bob.txt"), new MemoryStream("b\n"u8.ToArray()))).Name.Should().Be("bob.txt");

        host.Time.Advance(refused.RetryAfter!.Value);
        (await assets.UploadAsync(Alice, File("later.txt"), new MemoryStream("l\n"u8.ToArray()))).Name.Should().Be("later.txt");
    }

    [Fact]
    public async Task SystemAndAgents_AreNotLimited_UnlessAgentsAreAskedFor()
    {
        await using var host = await StartAsync(o => o.PerAccount.Posts = new RateLimitRule(1, TimeSpan.FromMinutes(1)));
        var agent = Account.Agent("helper");
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("helper"));

        for (var i = 0; i < 3; i++)
        {
            await host.Messages.PostTextAsync(Account.System, conversation.Id, $"system {i}");
            await host.Messages.PostTextAsync(agent, conversation.Id, $"agent {i}");
        }

        await using var strict = await StartAsync(o =>
        {
            o.PerAccount.Posts = new RateLimitRule(1, TimeSpan.FromMinutes(1));
            o.LimitAgents = true;
        });
        var (_, other) = await TestSupport.RoomWithConversationAsync(strict, Alice, ParticipantSpec.Agent("helper"));
        await strict.Messages.PostTextAsync(agent, other.Id, "once");
        await FluentActions.Awaiting(() => strict.Messages.PostTextAsync(agent, other.Id, "twice")).Should().ThrowAsync<LimitExceededException>();
        await strict.Messages.PostTextAsync(Account.System, other.Id, "the host is never limited");
    }

    [Fact]
    public async Task AddRateLimiting_Twice_DecoratesOnce_AndTheLastConfigurationWins()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b
            .AddRateLimiting(o => o.PerAccount.Posts = new RateLimitRule(1, TimeSpan.FromMinutes(1)))
            .AddRateLimiting(o => o.PerAccount.Posts = new RateLimitRule(2, TimeSpan.FromMinutes(1))));
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice);

        await host.Messages.PostTextAsync(Alice, conversation.Id, "one");
        await host.Messages.PostTextAsync(Alice, conversation.Id, "two");
        await FluentActions.Awaiting(() => host.Messages.PostTextAsync(Alice, conversation.Id, "three")).Should().ThrowAsync<LimitExceededException>();
        host.Services.GetRequiredService<IConversationsRateLimiter>().Should().NotBeNull();
    }

    [Fact]
    public async Task AcquireForConnection_HasItsOwnBudgetPerConnection()
    {
        await using var host = await StartAsync(o => o.PerConnection.Posts = new RateLimitRule(1, TimeSpan.FromMinutes(1)));
        var limiter = host.Services.GetRequiredService<IConversationsRateLimiter>();

        limiter.AcquireForConnection(Alice, "connection-1", RateLimitOperation.Posts);
        limiter.Invoking(l => l.AcquireForConnection(Alice, "connection-1", RateLimitOperation.Posts)).Should().Throw<LimitExceededException>();
        limiter.AcquireForConnection(Alice, "connection-2", RateLimitOperation.Posts);
        limiter.Invoking(l => l.AcquireForConnection(null!, "c", RateLimitOperation.Posts)).Should().Throw<ArgumentNullException>();
    }

    [Theory]
    [InlineData(0, 10, "PerAccount.Posts.PermitLimit")]
    [InlineData(5, 0, "PerAccount.Posts.Window")]
    [InlineData(5, -1, "PerAccount.Posts.Window")]
    [InlineData(5, 90_000, "PerAccount.Posts.Window")]
    public async Task Options_Invalid_FailStartNamingTheRule(int permits, int windowSeconds, string name)
    {
        var start = () => StartAsync(o => o.PerAccount.Posts = new RateLimitRule(permits, TimeSpan.FromSeconds(windowSeconds)));

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(name);
    }

    [Fact]
    public async Task Options_NullRule_LeavesTheOperationUnlimited()
    {
        await using var host = await StartAsync(o => o.PerAccount.Posts = null);
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice);

        for (var i = 0; i < 50; i++)
        {
            await host.Messages.PostTextAsync(Alice, conversation.Id, $"{i}");
        }

        (await host.Conversations.GetAsync(Alice, conversation.Id)).LastSequence.Should().Be(50);
    }

    private static Task<ConversationsTestHost> StartAsync(Action<ConversationsRateLimitOptions> configure) =>
        ConversationsTestHost.StartAsync(b => b.AddRateLimiting(configure));
}
