using Conversations.Storage;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations.Tests;

/// <summary>Invariants 9 and 11 for assets: access, limits, names, checks after the bytes arrive, and the sweeper.</summary>
public sealed class AssetServiceTests : IAsyncLifetime
{
    private static readonly Account Alice = Account.User("alice");
    private static readonly Account Bob = Account.User("bob");
    private static readonly Account Olive = Account.User("olive");
    private static readonly Account Eve = Account.User("eve");
    private static readonly byte[] PngBytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
    private ConversationsTestHost _host = null!;
    private Room _room = null!;
    private Conversation _conversation = null!;

    private IAssetService Assets => _host.Services.GetRequiredService<IAssetService>();

    private IAssetFolderService Folders => _host.Services.GetRequiredService<IAssetFolderService>();

    private AssetBlobStore Blobs => _host.Services.GetRequiredService<AssetBlobStore>();

    private AssetScope RoomScope => AssetScope.Room(_room.Id);

    public async Task InitializeAsync()
    {
        _host = await ConversationsTestHost.StartAsync(b => b.UseTemporaryFileSystemAssets(o =>
        {
            o.MaxAssetBytes = 1_000;
            o.QuotaBytesPerScope = 5_000;
            o.PendingLifetime = TimeSpan.FromMinutes(10);

            // The tests sweep by hand; the background sweep must not race them when they move the clock.
            o.SweepInterval = TimeSpan.FromDays(1);
        }));
        (_room, _conversation) = await TestSupport.RoomWithConversationAsync(_host, Alice, ParticipantSpec.User("bob"), ParticipantSpec.User("olive", ParticipantRole.Observer));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string, Type> BadNames => new()
    {
        { "dot-dot", "..", typeof(InvalidArgumentException) },
        { "dot", ".", typeof(InvalidArgumentException) },
        { "slash", "a/b.txt", typeof(InvalidArgumentException) },
        { "backslash", "a\\b.txt", typeof(InvalidArgumentException) },
        { "NUL", "a\0.txt", typeof(InvalidArgumentException) },
        { "newline", "a\n.txt", typeof(InvalidArgumentException) },
        { "right-to-left override", "gnp\u202E.exe", typeof(InvalidArgumentException) },
        { "blank", "   ", typeof(InvalidArgumentException) },
        { "leading space", " a.txt", typeof(InvalidArgumentException) },
        { "10 KB", new string('n', 10_240), typeof(LimitExceededException) },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task BadFileNames_AreRefused_AndReserveNothing(string label, string name, Type error)
    {
        var thrown = await Record.ExceptionAsync(() => Assets.BeginUploadAsync(Alice, Request(name, "text/plain", 3)));
        thrown.Should().BeOfType(error, label);
        (await Folders.ListAsync(Alice, AssetScope.Account("alice"))).Assets.Should().BeEmpty();
        (await _host.Store.GetAssetsToSweepAsync(DateTimeOffset.MaxValue, 10, default)).Should().BeEmpty();
    }

    [Fact]
    public async Task LoneSurrogateInAName_IsRefused()
    {
        await FluentActions.Awaiting(() => Assets.BeginUploadAsync(Alice, Request("a\uD800.txt", "text/plain", 3))).Should().ThrowAsync<InvalidArgumentException>();
    }

    [Theory]
    [InlineData("/..")]
    [InlineData("/a/../b")]
    [InlineData("relative")]
    [InlineData("/a//b")]
    [InlineData("/a\0b")]
    public async Task BadFolderPaths_AreRefused(string folder)
    {
        await FluentActions.Awaiting(() => Folders.CreateFolderAsync(Alice, AssetScope.Account("alice"), folder)).Should().ThrowAsync<InvalidArgumentException>();
        (await Folders.ListAsync(Alice, AssetScope.Account("alice"))).Folders.Should().BeEmpty();
    }

    [Fact]
    public async Task Names_AreStoredNfc()
    {
        var decomposed = "Cafe\u0301.txt";
        var asset = await UploadAsync(Alice, decomposed, "text/plain", "hey"u8.ToArray());
        asset.Name.Should().Be("Caf\u00E9.txt");
    }

    [Fact]
    public async Task RoomLibrary_Access_ParticipantsRead_MembersUpload_ObserversAndOutsidersDoNot()
    {
        var asset = await UploadAsync(Bob, "plan.txt", "text/plain", "plan"u8.ToArray(), RoomScope);

        (await Assets.GetAsync(Olive, asset.Id)).Id.Should().Be(asset.Id);
        await FluentActions.Awaiting(() => Assets.BeginUploadAsync(Olive, Request("o.txt", "text/plain", 1, RoomScope))).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Assets.BeginUploadAsync(Eve, Request("e.txt", "text/plain", 1, RoomScope))).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Assets.GetDownloadAsync(Eve, asset.Id)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Folders.ListAsync(Eve, RoomScope)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Assets.DeleteAsync(Olive, asset.Id)).Should().ThrowAsync<ForbiddenException>();
    }

    [Fact]
    public async Task RemovedParticipant_LosesAccessAtOnce()
    {
        var asset = await UploadAsync(Alice, "plan.txt", "text/plain", "plan"u8.ToArray(), RoomScope);
        (await Assets.GetDownloadAsync(Bob, asset.Id)).Url.Should().NotBeNullOrEmpty();

        await _host.Participants.RemoveAsync(Alice, _room.Id, "bob");

        await FluentActions.Awaiting(() => Assets.GetDownloadAsync(Bob, asset.Id)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Assets.BeginUploadAsync(Bob, Request("x.txt", "text/plain", 1, RoomScope))).Should().ThrowAsync<ForbiddenException>();
    }

    [Fact]
    public async Task PersonalSpace_IsTheOwnersAlone()
    {
        var asset = await UploadAsync(Alice, "diary.txt", "text/plain", "dear"u8.ToArray());
        await FluentActions.Awaiting(() => Assets.GetAsync(Bob, asset.Id)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Assets.BeginUploadAsync(Bob, Request("x.txt", "text/plain", 1, AssetScope.Account("alice")))).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Assets.DeleteAsync(Bob, asset.Id)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Folders.CreateFolderAsync(Bob, AssetScope.Account("alice"), "/x")).Should().ThrowAsync<ForbiddenException>();
    }

    [Fact]
    public async Task Deleting_UploadersTheirOwn_AdminsAnyone_AndRemovesTheBytes()
    {
        var bobs = await UploadAsync(Bob, "b.txt", "text/plain", "b"u8.ToArray(), RoomScope);
        var alices = await UploadAsync(Alice, "a.txt", "text/plain", "a"u8.ToArray(), RoomScope);

        await FluentActions.Awaiting(() => Assets.DeleteAsync(Bob, alices.Id)).Should().ThrowAsync<ForbiddenException>();
        await Assets.DeleteAsync(Bob, bobs.Id);
        await Assets.DeleteAsync(Alice, alices.Id);

        await FluentActions.Awaiting(() => Assets.GetAsync(Alice, bobs.Id)).Should().ThrowAsync<NotFoundException>();
        (await Blobs.HeadAsync("assets/" + bobs.Id, default)).Should().BeNull();
        (await _host.Store.GetAssetAsync(alices.Id, default)).Should().BeNull();
    }

    [Fact]
    public async Task Attaching_OthersPersonalAsset_IsForbidden_PendingIsConflict_AndNothingIsPosted()
    {
        var alices = await UploadAsync(Alice, "mine.txt", "text/plain", "x"u8.ToArray());
        var pending = await Assets.BeginUploadAsync(Bob, Request("later.txt", "text/plain", 1));

        await FluentActions.Awaiting(() => _host.Messages.PostAsync(Bob, _conversation.Id, new PostMessageRequest { Attachments = [Attachment.ForAsset(alices.Id)] })).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => _host.Messages.PostAsync(Bob, _conversation.Id, new PostMessageRequest { Attachments = [Attachment.ForAsset(pending.Asset.Id)] })).Should().ThrowAsync<ConflictException>();
        (await _host.Messages.GetHistoryAsync(Alice, _conversation.Id)).Messages.Should().BeEmpty();
    }

    [Fact]
    public async Task Attachments_TakeNameTypeAndSizeFromTheAsset_NotFromTheCaller()
    {
        var asset = await UploadAsync(Alice, "real.png", "image/png", PngBytes);
        var message = await _host.Messages.PostAsync(Alice, _conversation.Id, new PostMessageRequest
        {
            Attachments = [new Attachment { AssetId = asset.Id, Name = "fake.exe", MediaType = "application/x-msdownload", Size = 1 }],
        });
        message.Attachments.Should().ContainSingle().Which.Should().BeEquivalentTo(new { AssetId = asset.Id, Name = "real.png", MediaType = "image/png", Size = (long)PngBytes.Length });
    }

    [Fact]
    public async Task DeclaredSizeOverTheLimit_OrOverTheQuota_IsRefused()
    {
        await FluentActions.Awaiting(() => Assets.BeginUploadAsync(Alice, Request("big.bin", "application/octet-stream", 1_001))).Should().ThrowAsync<LimitExceededException>();
        for (var i = 0; i < 5; i++)
        {
            await Assets.BeginUploadAsync(Alice, Request($"f{i}.bin", "application/octet-stream", 1_000));
        }

        await FluentActions.Awaiting(() => Assets.BeginUploadAsync(Alice, Request("one-more.bin", "application/octet-stream", 1))).Should().ThrowAsync<LimitExceededException>();
    }

    [Fact]
    public async Task Complete_MoreBytesThanDeclared_IsRefusedAndDeleted()
    {
        var ticket = await Assets.BeginUploadAsync(Alice, Request("a.txt", "text/plain", 3));
        await Blobs.WriteAsync("assets/" + ticket.Asset.Id, new MemoryStream(new byte[10]), "text/plain", default);

        await FluentActions.Awaiting(() => Assets.CompleteUploadAsync(Alice, ticket.Asset.Id)).Should().ThrowAsync<InvalidArgumentException>();

        (await Blobs.HeadAsync("assets/" + ticket.Asset.Id, default)).Should().BeNull();
        (await _host.Store.GetAssetAsync(ticket.Asset.Id, default)).Should().BeNull();
    }

    [Theory]
    [InlineData("image/png", "<html><script>alert(1)</script></html>")]
    [InlineData("image/jpeg", "not a jpeg at all")]
    [InlineData("image/gif", "<svg onload=alert(1)>")]
    [InlineData("application/pdf", "MZ executable")]
    public async Task Complete_BytesThatAreNotTheDeclaredType_AreRefusedAndDeleted(string type, string content)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        await FluentActions.Awaiting(() => UploadAsync(Alice, "x", type, bytes)).Should().ThrowAsync<InvalidArgumentException>();
        (await _host.Store.GetAssetsToSweepAsync(DateTimeOffset.MaxValue, 10, default)).Should().BeEmpty();
        (await Folders.ListAsync(Alice, AssetScope.Account("alice"))).Assets.Should().BeEmpty();
    }

    [Fact]
    public async Task Complete_WithAWrongSha256_IsRefused_AndARightOneAccepted()
    {
        var bytes = "hello"u8.ToArray();
        var right = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var wrong = await Assets.BeginUploadAsync(Alice, Request("w.txt", "text/plain", 5));
        await Blobs.WriteAsync("assets/" + wrong.Asset.Id, new MemoryStream(bytes), "text/plain", default);
        await FluentActions.Awaiting(() => Assets.CompleteUploadAsync(Alice, wrong.Asset.Id, new string('0', 64))).Should().ThrowAsync<InvalidArgumentException>();

        var ok = await Assets.BeginUploadAsync(Alice, new BeginUploadRequest { Name = "r.txt", MediaType = "text/plain", Size = 5, Sha256 = right });
        await Blobs.WriteAsync("assets/" + ok.Asset.Id, new MemoryStream(bytes), "text/plain", default);
        (await Assets.CompleteUploadAsync(Alice, ok.Asset.Id)).Sha256.Should().Be(right);
    }

    [Fact]
    public async Task Complete_BeforeTheBytesArrive_IsConflict_AndKeepsTheReservation()
    {
        var ticket = await Assets.BeginUploadAsync(Alice, Request("a.txt", "text/plain", 3));
        await FluentActions.Awaiting(() => Assets.CompleteUploadAsync(Alice, ticket.Asset.Id)).Should().ThrowAsync<ConflictException>();
        await FluentActions.Awaiting(() => Assets.CompleteUploadAsync(Bob, ticket.Asset.Id)).Should().ThrowAsync<ForbiddenException>();
        (await _host.Store.GetAssetAsync(ticket.Asset.Id, default))!.Status.Should().Be(AssetStatus.Pending);
    }

    [Fact]
    public async Task Sweeper_RemovesLapsedReservationsAndTheirBytes_AndLeavesLiveOnes()
    {
        var sweeper = _host.Services.GetRequiredService<AssetSweeper>();
        var lapsed = await Assets.BeginUploadAsync(Alice, Request("a.txt", "text/plain", 3));
        await Blobs.WriteAsync("assets/" + lapsed.Asset.Id, new MemoryStream("abc"u8.ToArray()), "text/plain", default);
        var ready = await UploadAsync(Alice, "keep.txt", "text/plain", "k"u8.ToArray());

        (await sweeper.SweepAsync()).Should().Be(0);
        _host.Time.Advance(TimeSpan.FromMinutes(11));
        (await sweeper.SweepAsync()).Should().Be(1);

        (await _host.Store.GetAssetAsync(lapsed.Asset.Id, default)).Should().BeNull();
        (await Blobs.HeadAsync("assets/" + lapsed.Asset.Id, default)).Should().BeNull();
        await FluentActions.Awaiting(() => Assets.CompleteUploadAsync(Alice, lapsed.Asset.Id)).Should().ThrowAsync<NotFoundException>();
        (await Assets.GetAsync(Alice, ready.Id)).Status.Should().Be(AssetStatus.Ready);
    }

    [Fact]
    public async Task Folders_MoveIntoItselfIsRefused_MoveCarriesFiles_DeleteRemovesThem()
    {
        var file = await UploadAsync(Alice, "r.txt", "text/plain", "r"u8.ToArray(), RoomScope, "/reports/2026");
        await FluentActions.Awaiting(() => Folders.MoveFolderAsync(Alice, RoomScope, "/reports", "/reports/2026/inner")).Should().ThrowAsync<InvalidArgumentException>();
        await FluentActions.Awaiting(() => Folders.MoveFolderAsync(Bob, RoomScope, "/reports", "/old")).Should().ThrowAsync<ForbiddenException>();

        var moved = await Folders.MoveFolderAsync(Alice, RoomScope, "/reports", "/archive/reports");
        moved.Path.Should().Be("/archive/reports");
        (await Assets.GetAsync(Bob, file.Id)).Folder.Should().Be("/archive/reports/2026");

        (await Folders.DeleteFolderAsync(Alice, RoomScope, "/archive")).Should().Be(1);
        await FluentActions.Awaiting(() => Assets.GetAsync(Alice, file.Id)).Should().ThrowAsync<NotFoundException>();
        (await _host.Services.GetRequiredService<AssetSweeper>().SweepAsync()).Should().Be(1);
        (await Blobs.HeadAsync("assets/" + file.Id, default)).Should().BeNull();
    }

    [Fact]
    public async Task Listing_PagesFoldersThenAssets_WithoutGapsOrRepeats()
    {
        await Folders.CreateFolderAsync(Alice, RoomScope, "/b-folder");
        await Folders.CreateFolderAsync(Alice, RoomScope, "/a-folder");
        foreach (var name in new[] { "z.txt", "y.txt", "x.txt" })
        {
            await UploadAsync(Alice, name, "text/plain", "1"u8.ToArray(), RoomScope);
        }

        var entries = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Folders.ListAsync(Bob, RoomScope, new AssetListQuery { Cursor = cursor, Limit = 2 });
            entries.AddRange(page.Folders.Select(f => f.Path));
            entries.AddRange(page.Assets.Select(a => a.Name));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        entries.Should().Equal("/a-folder", "/b-folder", "x.txt", "y.txt", "z.txt");
        await FluentActions.Awaiting(() => Folders.ListAsync(Bob, RoomScope, new AssetListQuery { Cursor = "garbage!" })).Should().ThrowAsync<InvalidArgumentException>();
    }

    [Fact]
    public async Task Listing_WhoseFoldersFillTheLastPage_SaysItIsTheLast()
    {
        await Folders.CreateFolderAsync(Alice, RoomScope, "/a-folder");
        await Folders.CreateFolderAsync(Alice, RoomScope, "/b-folder");

        var full = await Folders.ListAsync(Bob, RoomScope, new AssetListQuery { Limit = 2 });
        full.Folders.Select(f => f.Path).Should().Equal("/a-folder", "/b-folder");
        full.NextCursor.Should().BeNull("nothing follows the two folders");

        await UploadAsync(Alice, "x.txt", "text/plain", "1"u8.ToArray(), RoomScope);
        var first = await Folders.ListAsync(Bob, RoomScope, new AssetListQuery { Limit = 2 });
        first.NextCursor.Should().NotBeNull("an asset follows the folders");
        (await Folders.ListAsync(Bob, RoomScope, new AssetListQuery { Limit = 2, Cursor = first.NextCursor })).Assets.Select(a => a.Name).Should().Equal("x.txt");
    }

    [Fact]
    public async Task HundredParallelUploads_AllBecomeReady_WithTheirOwnBytes()
    {
        var uploads = Enumerable.Range(0, 100).Select(i => UploadAsync(i % 2 == 0 ? Alice : Bob, $"file-{i}.txt", "text/plain", System.Text.Encoding.UTF8.GetBytes($"content {i}"), RoomScope));
        var assets = await Task.WhenAll(uploads);

        assets.Select(a => a.Id).Distinct().Should().HaveCount(100);
        foreach (var (asset, i) in assets.Select((a, i) => (a, i)))
        {
            await using var read = await Assets.OpenReadAsync(Alice, asset.Id);
            new StreamReader(read).ReadToEnd().Should().Be($"content {i}");
        }
    }

    [Fact]
    public async Task DownloadLinks_InlineOnlyForSafeImages()
    {
        var png = await UploadAsync(Alice, "p.png", "image/png", PngBytes);
        var svg = await UploadAsync(Alice, "s.svg", "image/svg+xml", "<svg/>"u8.ToArray());
        var html = await UploadAsync(Alice, "h.html", "text/html", "<html></html>"u8.ToArray());

        (await Assets.GetDownloadAsync(Alice, png.Id)).Inline.Should().BeTrue();
        (await Assets.GetDownloadAsync(Alice, svg.Id)).Inline.Should().BeFalse();
        (await Assets.GetDownloadAsync(Alice, html.Id)).Inline.Should().BeFalse();
    }

    [Fact]
    public async Task Options_AreValidatedAtStart()
    {
        var start = () => ConversationsTestHost.StartAsync(b => b.UseTemporaryFileSystemAssets(o =>
        {
            o.InlineMediaTypes.Add("image/svg+xml");
            o.AllowedMediaTypes.Add("not a type");
            o.UrlLifetime = TimeSpan.Zero;
            o.MaxAssetBytes = 0;
        }));
        var error = (await FluentActions.Awaiting(start).Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Failures.Should().Contain(f => f.Contains("image/svg+xml")).And.Contain(f => f.Contains("not a type")).And.Contain(f => f.Contains("UrlLifetime")).And.Contain(f => f.Contains("MaxAssetBytes"));
    }

    [Fact]
    public async Task AllowedMediaTypes_RefuseOthers()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.UseTemporaryFileSystemAssets(o => o.AllowedMediaTypes.Add("image/*")));
        var assets = host.Services.GetRequiredService<IAssetService>();
        await FluentActions.Awaiting(() => assets.BeginUploadAsync(Alice, Request("a.pdf", "application/pdf", 1))).Should().ThrowAsync<InvalidArgumentException>();
        (await assets.BeginUploadAsync(Alice, Request("a.png", "image/png", 1))).Asset.Status.Should().Be(AssetStatus.Pending);
    }

    private static BeginUploadRequest Request(string name, string type, long size, AssetScope? scope = null, string folder = "/") =>
        new() { Name = name, MediaType = type, Size = size, Scope = scope, Folder = folder };

    private Task<Asset> UploadAsync(Account who, string name, string type, byte[] bytes, AssetScope? scope = null, string folder = "/") =>
        Assets.UploadAsync(who, Request(name, type, bytes.Length, scope, folder), new MemoryStream(bytes));
}
