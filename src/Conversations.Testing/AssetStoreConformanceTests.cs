// Test code awaited by xunit: ConfigureAwait adds nothing here.
#pragma warning disable CA2007

using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Conversations.Testing;

/// <summary>
/// The asset conformance suite every <see cref="ConversationStore"/> that keeps assets runs: reservations within a
/// quota, conditional completion and deletion, the sweeper's work list, paged listings, and folder moves and deletes
/// that carry their contents, through the store and through the asset services (with file-system blobs).
/// </summary>
/// <remarks>As with <see cref="ConversationStoreConformanceTests"/>, each test gets a fresh engine and empty storage.</remarks>
public abstract class AssetStoreConformanceTests : IAsyncLifetime
{
    private static readonly AssetScope Alices = AssetScope.Account("alice");
    private ConversationsTestHost? _host;

    /// <summary>Gets the engine under test.</summary>
    protected ConversationsTestHost Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    /// <summary>Gets the store under test.</summary>
    protected ConversationStore Store => Host.Store;

    private DateTimeOffset Now => Host.Time.GetUtcNow();

    private static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    /// <summary>Registers the store provider under test, for example <c>builder.UseSqlite(path)</c>.</summary>
    /// <param name="builder">The engine's builder.</param>
    protected abstract void ConfigureStore(IConversationsBuilder builder);

    /// <inheritdoc />
    public virtual async Task InitializeAsync() =>
        _host = await ConversationsTestHost.StartAsync(b =>
        {
            ConfigureStore(b);
            b.UseTemporaryFileSystemAssets(o => o.QuotaBytesPerScope = 1_000);
        }).ConfigureAwait(false);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Every field survives a reservation, and completion sets size, hash and status and clears the expiry.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Assets_ReserveAndComplete_RoundTripEveryField()
    {
        Assert.True(Store.SupportsAssets);
        var pending = TestAssets.Pending(Now, Alices, "Ünïcode name.png", "image/png", 10, folder: "/");
        Assert.True(await Store.ReserveAssetAsync(pending, 1_000, Ct));

        var stored = await Store.GetAssetAsync(pending.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal((pending.Scope, pending.Folder, pending.Name, pending.MediaType, pending.Size, pending.UploadedBy, AssetStatus.Pending), (stored.Scope, stored.Folder, stored.Name, stored.MediaType, stored.Size, stored.UploadedBy, stored.Status));
        Assert.Equal(pending.CreatedAt, stored.CreatedAt);
        Assert.Equal(pending.ExpiresAt, stored.ExpiresAt);

        var sha = new string('b', 64);
        var ready = await Store.CompleteAssetAsync(pending.Id, 9, sha, Now, Ct);
        Assert.NotNull(ready);
        Assert.Equal((AssetStatus.Ready, 9L, sha), (ready.Status, ready.Size, ready.Sha256));
        Assert.Null(ready.ExpiresAt);
        Assert.NotNull(ready.CompletedAt);
        Assert.Null(await Store.CompleteAssetAsync(pending.Id, 9, sha, Now, Ct));
    }

    /// <summary>A reservation that would take the space over its quota is refused and stores nothing; other spaces are unaffected.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Assets_QuotaCountsPendingAndReady_PerSpace()
    {
        Assert.True(await Store.ReserveAssetAsync(TestAssets.Pending(Now, Alices, "a", "text/plain", 600), 1_000, Ct));
        var over = TestAssets.Pending(Now, Alices, "b", "text/plain", 401);
        Assert.False(await Store.ReserveAssetAsync(over, 1_000, Ct));
        Assert.Null(await Store.GetAssetAsync(over.Id, Ct));
        Assert.True(await Store.ReserveAssetAsync(TestAssets.Pending(Now, Alices, "c", "text/plain", 400), 1_000, Ct));
        Assert.True(await Store.ReserveAssetAsync(TestAssets.Pending(Now, AssetScope.Account("bob"), "d", "text/plain", 1_000), 1_000, Ct));
    }

    /// <summary>Deleting assets free their quota.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Assets_Deleting_FreesQuota_AndIsConditional()
    {
        var first = TestAssets.Pending(Now, Alices, "a", "text/plain", 900);
        Assert.True(await Store.ReserveAssetAsync(first, 1_000, Ct));
        Assert.False(await Store.MarkAssetDeletingAsync(first.Id, AssetStatus.Ready, Ct));
        Assert.True(await Store.MarkAssetDeletingAsync(first.Id, AssetStatus.Pending, Ct));
        Assert.False(await Store.MarkAssetDeletingAsync(first.Id, null, Ct));
        Assert.Null(await Store.CompleteAssetAsync(first.Id, 900, new string('c', 64), Now, Ct));
        Assert.True(await Store.ReserveAssetAsync(TestAssets.Pending(Now, Alices, "b", "text/plain", 900), 1_000, Ct));
        Assert.True(await Store.RemoveAssetAsync(first.Id, Ct));
        Assert.False(await Store.RemoveAssetAsync(first.Id, Ct));
        Assert.Null(await Store.GetAssetAsync(first.Id, Ct));
    }

    /// <summary>The sweeper is owed expired reservations and deleting assets, never live ones, oldest first and bounded.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Assets_SweepList_HoldsExpiredPendingAndDeleting_Only()
    {
        var expired = TestAssets.Pending(Now, Alices, "expired", "text/plain", 1, lifetime: TimeSpan.FromMinutes(1));
        var live = TestAssets.Pending(Now, Alices, "live", "text/plain", 1, lifetime: TimeSpan.FromHours(2));
        var ready = await TestAssets.ReadyAsync(Store, Now, Alices, "ready", "text/plain", 1);
        var deleted = await TestAssets.ReadyAsync(Store, Now, Alices, "deleted", "text/plain", 1);
        Assert.True(await Store.ReserveAssetAsync(expired, 1_000, Ct));
        Assert.True(await Store.ReserveAssetAsync(live, 1_000, Ct));
        Assert.True(await Store.MarkAssetDeletingAsync(deleted.Id, null, Ct));

        var due = await Store.GetAssetsToSweepAsync(Now + TimeSpan.FromMinutes(5), 10, Ct);
        Assert.Equal(new[] { deleted.Id, expired.Id }.Order(StringComparer.Ordinal), due.Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(due, a => a.Id == ready.Id || a.Id == live.Id);
        Assert.Single(await Store.GetAssetsToSweepAsync(Now + TimeSpan.FromMinutes(5), 1, Ct));
    }

    /// <summary>Listings hold the ready assets of one folder, by name then id, paged without gaps or repeats.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Assets_ListByFolder_OrderedAndPaged()
    {
        await Store.CreateAssetFolderAsync(new AssetFolder { Scope = Alices, Path = "/docs", CreatedBy = "alice", CreatedAt = Now }, Ct);
        var names = new[] { "b.txt", "a.txt", "c.txt", "a.txt", "d.txt" };
        foreach (var name in names)
        {
            await TestAssets.ReadyAsync(Store, Now, Alices, name, "text/plain", 1, folder: "/docs");
        }

        await TestAssets.ReadyAsync(Store, Now, Alices, "elsewhere.txt", "text/plain", 1);
        Assert.True(await Store.ReserveAssetAsync(TestAssets.Pending(Now, Alices, "pending.txt", "text/plain", 1, folder: "/docs"), 1_000, Ct));

        var seen = new List<Asset>();
        string? afterName = null, afterId = null;
        while (true)
        {
            var page = await Store.ListAssetsAsync(Alices, "/docs", afterName, afterId, 2, Ct);
            seen.AddRange(page);
            if (page.Count < 2)
            {
                break;
            }

            (afterName, afterId) = (page[^1].Name, page[^1].Id);
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), seen.Select(a => a.Name));
        Assert.Equal(5, seen.Select(a => a.Id).Distinct().Count());
    }

    /// <summary>Folders need their parent, exist once, and list their direct children by path.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Folders_CreateNeedsParent_AndListsDirectChildren()
    {
        await Assert.ThrowsAsync<NotFoundException>(async () => await Store.CreateAssetFolderAsync(Folder("/a/b"), Ct));
        Assert.True(await Store.CreateAssetFolderAsync(Folder("/a"), Ct));
        Assert.False(await Store.CreateAssetFolderAsync(Folder("/a"), Ct));
        Assert.True(await Store.CreateAssetFolderAsync(Folder("/a/c"), Ct));
        Assert.True(await Store.CreateAssetFolderAsync(Folder("/a/b"), Ct));
        Assert.True(await Store.CreateAssetFolderAsync(Folder("/a/b/deep"), Ct));
        Assert.True(await Store.CreateAssetFolderAsync(Folder("/z"), Ct));

        Assert.Equal(["/a", "/z"], (await Store.ListAssetFoldersAsync(Alices, "/", null, 10, Ct)).Select(f => f.Path));
        Assert.Equal(["/a/b", "/a/c"], (await Store.ListAssetFoldersAsync(Alices, "/a", null, 10, Ct)).Select(f => f.Path));
        Assert.Equal(["/a/c"], (await Store.ListAssetFoldersAsync(Alices, "/a", "/a/b", 10, Ct)).Select(f => f.Path));
        Assert.Empty(await Store.ListAssetFoldersAsync(AssetScope.Account("bob"), "/", null, 10, Ct));
        Assert.Equal("b", (await Store.GetAssetFolderAsync(Alices, "/a/b", Ct))!.Name);
    }

    /// <summary>Moving a folder carries its sub-folders and assets; wildcard characters in names are plain characters.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Folders_Move_CarriesContents_AndTreatsWildcardsLiterally()
    {
        foreach (var path in new[] { "/a%", "/a%/in", "/a_b", "/a_b/x", "/abc" })
        {
            Assert.True(await Store.CreateAssetFolderAsync(Folder(path), Ct));
        }

        var inner = await TestAssets.ReadyAsync(Store, Now, Alices, "inner.txt", "text/plain", 1, folder: "/a%/in");
        var sibling = await TestAssets.ReadyAsync(Store, Now, Alices, "sibling.txt", "text/plain", 1, folder: "/abc");
        await Assert.ThrowsAsync<ConflictException>(async () => await Store.MoveAssetFolderAsync(Alices, "/a%", "/abc", Ct));
        Assert.False(await Store.MoveAssetFolderAsync(Alices, "/missing", "/elsewhere", Ct));

        Assert.True(await Store.MoveAssetFolderAsync(Alices, "/a%", "/abc/moved", Ct));

        Assert.Null(await Store.GetAssetFolderAsync(Alices, "/a%", Ct));
        Assert.NotNull(await Store.GetAssetFolderAsync(Alices, "/abc/moved/in", Ct));
        Assert.NotNull(await Store.GetAssetFolderAsync(Alices, "/a_b/x", Ct));
        Assert.Equal("/abc/moved/in", (await Store.GetAssetAsync(inner.Id, Ct))!.Folder);
        Assert.Equal("/abc", (await Store.GetAssetAsync(sibling.Id, Ct))!.Folder);
        Assert.Equal(["/abc/moved/in"], (await Store.ListAssetFoldersAsync(Alices, "/abc/moved", null, 10, Ct)).Select(f => f.Path));
    }

    /// <summary>Deleting a folder removes it and its sub-folders and marks its assets deleting; siblings stay.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Folders_Delete_MarksContentsDeleting()
    {
        foreach (var path in new[] { "/a", "/a/b", "/ab" })
        {
            Assert.True(await Store.CreateAssetFolderAsync(Folder(path), Ct));
        }

        var one = await TestAssets.ReadyAsync(Store, Now, Alices, "1", "text/plain", 1, folder: "/a");
        var two = await TestAssets.ReadyAsync(Store, Now, Alices, "2", "text/plain", 1, folder: "/a/b");
        var kept = await TestAssets.ReadyAsync(Store, Now, Alices, "3", "text/plain", 1, folder: "/ab");

        Assert.Equal(2, await Store.DeleteAssetFolderAsync(Alices, "/a", Ct));
        Assert.Equal(-1, await Store.DeleteAssetFolderAsync(Alices, "/a", Ct));
        Assert.Null(await Store.GetAssetFolderAsync(Alices, "/a/b", Ct));
        Assert.NotNull(await Store.GetAssetFolderAsync(Alices, "/ab", Ct));
        Assert.Equal(AssetStatus.Deleting, (await Store.GetAssetAsync(one.Id, Ct))!.Status);
        Assert.Equal(AssetStatus.Deleting, (await Store.GetAssetAsync(two.Id, Ct))!.Status);
        Assert.Equal(AssetStatus.Ready, (await Store.GetAssetAsync(kept.Id, Ct))!.Status);
    }

    /// <summary>An asset is never reserved into, or moved to, a folder that does not exist: refused, and nothing changes.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Assets_IntoAMissingFolder_AreRefused()
    {
        var pending = TestAssets.Pending(Now, Alices, "lost.txt", "text/plain", 1, folder: "/nowhere");
        await Assert.ThrowsAsync<NotFoundException>(async () => await Store.ReserveAssetAsync(pending, 1_000, Ct));
        Assert.Null(await Store.GetAssetAsync(pending.Id, Ct));

        var ready = await TestAssets.ReadyAsync(Store, Now, Alices, "kept.txt", "text/plain", 1);
        await Assert.ThrowsAsync<NotFoundException>(async () => await Store.MoveAssetAsync(ready.Id, "/nowhere", "moved.txt", Ct));
        var after = (await Store.GetAssetAsync(ready.Id, Ct))!;
        Assert.Equal(("/", "kept.txt"), (after.Folder, after.Name));
        Assert.Null(await Store.MoveAssetAsync("missing", "/nowhere", "x", Ct));

        Assert.True(await Store.CreateAssetFolderAsync(Folder("/here"), Ct));
        Assert.Equal("/here", (await Store.MoveAssetAsync(ready.Id, "/here", "moved.txt", Ct))!.Folder);
    }

    /// <summary>
    /// Assets reserved into a folder whose ancestor is being deleted at the same moment are either refused or marked
    /// deleting with it: none stays pending in a folder that is gone.
    /// </summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Assets_ReservedIntoAFolderBeingDeleted_NeverOutliveIt()
    {
        for (var round = 0; round < 40; round++)
        {
            var top = $"/r{round}";
            Assert.True(await Store.CreateAssetFolderAsync(Folder(top), Ct));
            Assert.True(await Store.CreateAssetFolderAsync(Folder($"{top}/b"), Ct));
            var uploads = Enumerable.Range(0, 3).Select(i => TestAssets.Pending(Now, Alices, $"f{i}", "text/plain", 1, folder: $"{top}/b")).ToArray();
            var marked = await RaceWithDeleteAsync(top, [.. uploads.Select<Asset, Func<Task>>(upload => async () => Assert.True(await Store.ReserveAssetAsync(upload, 1_000, Ct)))]);
            var stored = new List<Asset>();
            foreach (var upload in uploads)
            {
                if (await Store.GetAssetAsync(upload.Id, Ct) is { } asset)
                {
                    stored.Add(asset);
                }
            }

            Assert.All(stored, asset => Assert.Equal(AssetStatus.Deleting, asset.Status));
            Assert.Equal(stored.Count, marked);
        }
    }

    /// <summary>
    /// Folders created deep under a folder that is being deleted at the same moment either fail (their parent is gone) or
    /// go with it: a folder never outlives its ancestors. Many rounds, so the writes interleave in every order.
    /// </summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Folders_CreatedUnderAFolderBeingDeleted_NeverOutliveIt()
    {
        for (var round = 0; round < 40; round++)
        {
            var top = $"/r{round}";
            Assert.True(await Store.CreateAssetFolderAsync(Folder(top), Ct));
            Assert.True(await Store.CreateAssetFolderAsync(Folder($"{top}/b"), Ct));
            var children = Enumerable.Range(0, 4).Select(i => $"{top}/b/c{i}").ToArray();
            Assert.Equal(0, await RaceWithDeleteAsync(top, [.. children.Select<string, Func<Task>>(child => async () => await Store.CreateAssetFolderAsync(Folder(child), Ct))]));
            Assert.Null(await Store.GetAssetFolderAsync(Alices, top, Ct));
            foreach (var child in children)
            {
                Assert.Null(await Store.GetAssetFolderAsync(Alices, child, Ct));
            }
        }
    }

    /// <summary>
    /// A folder moved under a folder that is being deleted at the same moment either is refused (the destination's parent
    /// is gone), goes with it, or the move lands first and the delete takes it: never a folder whose ancestors are gone.
    /// </summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Folders_MovedUnderAFolderBeingDeleted_NeverOutliveIt()
    {
        for (var round = 0; round < 40; round++)
        {
            var top = $"/r{round}";
            var moved = $"/m{round}";
            Assert.True(await Store.CreateAssetFolderAsync(Folder(top), Ct));
            Assert.True(await Store.CreateAssetFolderAsync(Folder($"{top}/b"), Ct));
            Assert.True(await Store.CreateAssetFolderAsync(Folder(moved), Ct));
            var wasMoved = false;
            await RaceWithDeleteAsync(top, async () => wasMoved = await Store.MoveAssetFolderAsync(Alices, moved, $"{top}/b/m", Ct));
            Assert.Null(await Store.GetAssetFolderAsync(Alices, $"{top}/b/m", Ct));
            Assert.Equal(!wasMoved, await Store.GetAssetFolderAsync(Alices, moved, Ct) is not null);
        }
    }

    /// <summary>Through the services: upload, attach, read through the message as another participant, lose access when the message goes.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Services_PersonalAssetSharedThroughAMessage_UntilTheMessageIsDeleted()
    {
        var alice = Account.User("alice");
        var bob = Account.User("bob");
        var assets = Host.Services.GetRequiredService<IAssetService>();
        var room = await Host.Rooms.CreateRoomAsync(alice, new CreateRoomRequest { Participants = [ParticipantSpec.User("bob")] });
        var conversation = await Host.Conversations.CreateAsync(alice, room.Id);
        var asset = await assets.UploadAsync(alice, new BeginUploadRequest { Name = "note.txt", MediaType = "text/plain", Size = 2 }, new MemoryStream("hi"u8.ToArray()));
        var message = await Host.Messages.PostAsync(alice, conversation.Id, new PostMessageRequest { Attachments = [Attachment.ForAsset(asset.Id)] });
        var via = new MessageRef { ConversationId = conversation.Id, MessageId = message.Id };

        await Assert.ThrowsAsync<ForbiddenException>(() => assets.GetAsync(bob, asset.Id));
        Assert.Equal(asset.Id, (await assets.GetDownloadAsync(bob, asset.Id, via)).Asset.Id);

        await Host.Messages.DeleteAsync(alice, conversation.Id, message.Id);
        await Assert.ThrowsAsync<ForbiddenException>(() => assets.GetDownloadAsync(bob, asset.Id, via));
        Assert.Equal(asset.Id, (await assets.GetAsync(alice, asset.Id)).Id);
    }

    /// <summary>
    /// Runs <paramref name="writes"/> at the same moment as the delete of <paramref name="top"/>; a write refused with
    /// <see cref="NotFoundException"/> (its folder went first) is a right outcome. Returns what the delete returned.
    /// </summary>
    private async Task<int> RaceWithDeleteAsync(string top, params Func<Task>[] writes)
    {
        using var start = new Barrier(writes.Length + 1);
        var writing = writes.Select(write => Task.Run(async () =>
        {
            start.SignalAndWait(Ct);
            try
            {
                await write();
            }
            catch (NotFoundException)
            {
            }
        })).ToArray();
        var deleting = Task.Run(async () =>
        {
            start.SignalAndWait(Ct);
            return await Store.DeleteAssetFolderAsync(Alices, top, Ct);
        });

        await Task.WhenAll(writing);
        return await deleting;
    }

    private static AssetFolder Folder(string path) => new() { Scope = Alices, Path = path, CreatedBy = "alice", CreatedAt = DateTimeOffset.UnixEpoch };
}
