using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Conversations.Storage;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Conversations.AspNetCore.Tests;

/// <summary>Invariant 11 over the wire: presigned uploads to the file-system store, stable links, safe serving headers.</summary>
public sealed class AssetEndpointTests : IAsyncLifetime, IDisposable
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.Zero };
    private TestServer _server = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(engine: b =>
        {
            b.Services.AddSingleton<TimeProvider>(_time);
            b.UseTemporaryFileSystemAssets(o => o.MaxAssetBytes = 64 * 1024);
        });

        // Presigned URLs are used without the caller's credentials.
        _anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _server.BaseUri };
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _anonymous?.Dispose();

    [Fact]
    public async Task Upload_Attach_AndOpenThroughTheStableLink_FromAnotherParticipant()
    {
        var (_, conversation) = await _server.CreateRoomAsync("alice", "bob");
        var asset = await UploadOverHttpAsync("alice", "cat.png", "image/png", Png);

        using var post = await _server.Http.SendAsync(_server.Request(HttpMethod.Post, $"/conversations/{conversation.Id}/messages", "alice", new { attachments = new[] { new { assetId = asset.Id } } }));
        post.StatusCode.Should().Be(HttpStatusCode.Created);
        var message = await post.Content.ReadFromJsonAsync<JsonElement>();
        var attachment = message.GetProperty("attachments")[0];
        attachment.GetProperty("name").GetString().Should().Be("cat.png");
        attachment.GetProperty("assetId").GetString().Should().Be(asset.Id);
        var messageId = message.GetProperty("id").GetString();

        using var noVia = await SendNoRedirectAsync(HttpMethod.Get, $"/assets/{asset.Id}", "bob");
        noVia.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var link = await SendNoRedirectAsync(HttpMethod.Get, $"/assets/{asset.Id}?conversationId={conversation.Id}&messageId={messageId}", "bob");
        link.StatusCode.Should().Be(HttpStatusCode.Found);
        link.Headers.CacheControl!.NoStore.Should().BeTrue();
        using var bytes = await _anonymous.GetAsync(link.Headers.Location);
        bytes.StatusCode.Should().Be(HttpStatusCode.OK);
        (await bytes.Content.ReadAsByteArrayAsync()).Should().Equal(Png);
        bytes.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        bytes.Content.Headers.ContentDisposition!.DispositionType.Should().Be("inline");
        bytes.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        bytes.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("sandbox").And.Contain("default-src 'none'");
    }

    [Fact]
    public async Task HtmlWithAnXssName_IsServedAsADownload_InASandbox()
    {
        const string name = "<img src=x onerror=alert(1)>\".html";
        var asset = await UploadOverHttpAsync("alice", name, "text/html", "<html><script>alert(document.cookie)</script></html>"u8.ToArray());

        using var link = await SendNoRedirectAsync(HttpMethod.Get, $"/assets/{asset.Id}", "alice");
        using var served = await _anonymous.GetAsync(link.Headers.Location);

        served.StatusCode.Should().Be(HttpStatusCode.OK);
        served.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        served.Content.Headers.ContentDisposition.FileNameStar.Should().Be(name);
        served.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("sandbox");
        served.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [Fact]
    public async Task TamperedExpiredAndWrongOperationUrls_AreRefused()
    {
        var asset = await UploadOverHttpAsync("alice", "a.txt", "text/plain", "hello"u8.ToArray());
        using var link = await SendNoRedirectAsync(HttpMethod.Get, $"/assets/{asset.Id}", "alice");
        var url = link.Headers.Location!.ToString();

        (await StatusOfGetAsync(url)).Should().Be(HttpStatusCode.OK);
        (await StatusOfGetAsync(url.Replace("dl=attachment", "dl=inline", StringComparison.Ordinal))).Should().Be(HttpStatusCode.Forbidden);
        (await StatusOfGetAsync(url.Replace("ct=text%2Fplain", "ct=text%2Fhtml", StringComparison.Ordinal))).Should().Be(HttpStatusCode.Forbidden);
        (await StatusOfGetAsync(TamperSignature(url))).Should().Be(HttpStatusCode.Forbidden);
        (await StatusOfGetAsync(url.Replace("op=get", "op=put", StringComparison.Ordinal))).Should().Be(HttpStatusCode.Forbidden);
        using (var put = await _anonymous.PutAsync(url, new ByteArrayContent("x"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } }))
        {
            put.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        _time.Advance(TimeSpan.FromMinutes(6));
        (await StatusOfGetAsync(url)).Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OversizedOrMistypedPuts_StoreNothing_AndCompleteIsRefused()
    {
        var ticket = await BeginAsync("alice", "a.txt", "text/plain", 5);
        var key = "assets/" + ticket.GetProperty("asset").GetProperty("id").GetString();
        var upload = ticket.GetProperty("upload");
        var url = upload.GetProperty("url").GetString()!;

        using (var wrongType = await _anonymous.PutAsync(url, new ByteArrayContent("hello"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("text/html") } }))
        {
            wrongType.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using (var tooBig = await _anonymous.PutAsync(url, new ByteArrayContent(new byte[6]) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } }))
        {
            tooBig.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        }

        using (var chunked = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StreamContent(new MemoryStream(new byte[100])) })
        {
            chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            chunked.Headers.TransferEncodingChunked = true;
            using var response = await _anonymous.SendAsync(chunked);
            response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        }

        (await _server.Services.GetRequiredService<AssetBlobStore>().HeadAsync(key, default)).Should().BeNull();
        using var complete = await _server.Http.SendAsync(_server.Request(HttpMethod.Post, $"/assets/{ticket.GetProperty("asset").GetProperty("id").GetString()}/complete", "alice"));
        complete.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AUrlUploadsOnce()
    {
        var ticket = await BeginAsync("alice", "a.txt", "text/plain", 2);
        var url = ticket.GetProperty("upload").GetProperty("url").GetString()!;
        (await PutAsync(url, "text/plain", "hi"u8.ToArray())).Should().Be(HttpStatusCode.OK);
        (await PutAsync(url, "text/plain", "ho"u8.ToArray())).Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task RemovedParticipant_LosesTheLinkAtOnce_AndStrangersAndAnonymousNeverHaveIt()
    {
        var (room, _) = await _server.CreateRoomAsync("alice", "bob");
        var asset = await UploadOverHttpAsync("alice", "plan.txt", "text/plain", "plan"u8.ToArray(), scope: $"room:{room.Id}");

        using (var before = await SendNoRedirectAsync(HttpMethod.Get, $"/assets/{asset.Id}", "bob"))
        {
            before.StatusCode.Should().Be(HttpStatusCode.Found);
        }

        await _server.Services.GetRequiredService<IParticipantService>().RemoveAsync(Account.System, room.Id, "bob");

        using (var after = await SendNoRedirectAsync(HttpMethod.Get, $"/assets/{asset.Id}", "bob"))
        {
            after.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using (var stranger = await SendNoRedirectAsync(HttpMethod.Get, $"/assets/{asset.Id}", "eve"))
        {
            stranger.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using var anonymous = await _anonymous.GetAsync($"/conversations/assets/{asset.Id}");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ObserverUpload_IsForbidden_OverHttp()
    {
        var room = await _server.Rooms.CreateRoomAsync(Account.System, new CreateRoomRequest { Participants = [ParticipantSpec.User("alice", ParticipantRole.Owner), ParticipantSpec.User("olive", ParticipantRole.Observer)] });
        using var response = await _server.Http.SendAsync(_server.Request(HttpMethod.Post, "/assets/uploads", "olive", new { scope = $"room:{room.Id}", name = "o.txt", mediaType = "text/plain", size = 1 }));
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("forbidden");
    }

    [Fact]
    public async Task Client_UploadsWithProgress_ListsFolders_AndReadsBack()
    {
        var (room, conversation) = await _server.CreateRoomAsync("alice", "bob");
        await using var alice = await _server.ConnectClientAsync("alice");
        await using var bob = await _server.ConnectClientAsync("bob");
        var bytes = Enumerable.Range(0, 200_000 % (64 * 1024)).Select(i => (byte)i).ToArray();
        var reports = new List<long>();
        var progress = new SynchronousProgress(reports);

        var asset = await alice.UploadAsync(new MemoryStream(bytes), "data.bin", "application/octet-stream", "/reports/2026", AssetScope.Room(room.Id), progress);

        asset.Status.Should().Be(AssetStatus.Ready);
        asset.Folder.Should().Be("/reports/2026");
        reports.Should().NotBeEmpty().And.BeInAscendingOrder();
        reports[^1].Should().Be(bytes.Length);
        var top = await bob.ListAssetsAsync(AssetScope.Room(room.Id));
        top.Folders.Select(f => f.Path).Should().Equal("/reports");
        var inner = await bob.ListAssetsAsync(AssetScope.Room(room.Id), new AssetListQuery { Folder = "/reports/2026" });
        inner.Assets.Should().ContainSingle().Which.Id.Should().Be(asset.Id);
        await using (var read = await bob.OpenAssetAsync(asset.Id))
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            copy.ToArray().Should().Equal(bytes);
        }

        var message = await alice.PostAsync(conversation.Id, new PostMessageRequest { Attachments = [Attachment.ForAsset(asset.Id)] });
        message.Attachments.Should().ContainSingle().Which.Size.Should().Be(bytes.Length);
        (await alice.MoveAssetFolderAsync(AssetScope.Room(room.Id), "/reports", "/archive")).Path.Should().Be("/archive");
        (await bob.GetAssetAsync(asset.Id)).Folder.Should().Be("/archive/2026");
        await FluentActions.Awaiting(() => bob.DeleteAssetFolderAsync(AssetScope.Room(room.Id), "/archive")).Should().ThrowAsync<ForbiddenException>();
        (await alice.DeleteAssetFolderAsync(AssetScope.Room(room.Id), "/archive")).Should().Be(1);
        await FluentActions.Awaiting(() => bob.GetAssetAsync(asset.Id)).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task Client_UploadOfMistypedBytes_IsRefusedWithATypedError()
    {
        await using var alice = await _server.ConnectClientAsync("alice");
        var error = await FluentActions.Awaiting(() => alice.UploadAsync(new MemoryStream("<html>hi</html>"u8.ToArray()), "x.png", "image/png")).Should().ThrowAsync<InvalidArgumentException>();
        error.Which.Message.Should().Contain("not image/png");
        (await alice.ListAssetsAsync(AssetScope.Account("alice"))).Assets.Should().BeEmpty();
    }

    private async Task<Asset> UploadOverHttpAsync(string user, string name, string type, byte[] bytes, string? scope = null)
    {
        var ticket = await BeginAsync(user, name, type, bytes.Length, scope);
        var upload = ticket.GetProperty("upload");
        upload.GetProperty("method").GetString().Should().Be("PUT");
        (await PutAsync(upload.GetProperty("url").GetString()!, upload.GetProperty("headers").GetProperty("Content-Type").GetString()!, bytes)).Should().Be(HttpStatusCode.OK);
        var id = ticket.GetProperty("asset").GetProperty("id").GetString();
        using var complete = await _server.Http.SendAsync(_server.Request(HttpMethod.Post, $"/assets/{id}/complete", user));
        complete.StatusCode.Should().Be(HttpStatusCode.OK);
        var asset = await complete.Content.ReadFromJsonAsync<JsonElement>();
        asset.GetProperty("status").GetString().Should().Be("ready");
        return new Asset { Id = id!, Scope = AssetScope.Parse(asset.GetProperty("scope").GetString()), Name = name, MediaType = type, UploadedBy = user, CreatedAt = default };
    }

    private async Task<JsonElement> BeginAsync(string user, string name, string type, long size, string? scope = null)
    {
        using var response = await _server.Http.SendAsync(_server.Request(HttpMethod.Post, "/assets/uploads", user, new { scope, name, mediaType = type, size }));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpStatusCode> PutAsync(string url, string type, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        using var response = await _anonymous.PutAsync(url, content);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> StatusOfGetAsync(string url)
    {
        using var response = await _anonymous.GetAsync(url);
        return response.StatusCode;
    }

    private Task<HttpResponseMessage> SendNoRedirectAsync(HttpMethod method, string path, string user) =>
        _anonymous.SendAsync(_server.Request(method, path, user));

    private static string TamperSignature(string url)
    {
        var at = url.IndexOf("sig=", StringComparison.Ordinal) + "sig=local.".Length + 3;
        var sb = new StringBuilder(url);
        sb[at] = sb[at] == 'A' ? 'B' : 'A';
        return sb.ToString();
    }

    private sealed class SynchronousProgress(List<long> reports) : IProgress<long>
    {
        public void Report(long value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
