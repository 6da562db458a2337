using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Conversations.Storage;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Conversations.Assets.S3.Tests;

/// <summary>The S3 provider against a real S3-compatible server that checks SigV4 signatures.</summary>
public sealed class S3AssetTests : IAsyncLifetime, IDisposable
{
    private static readonly Account Alice = Account.User("alice");
    private static readonly Account Bob = Account.User("bob");
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2];
    private readonly HttpClient _http = new();
    private ConversationsTestHost? _host;

    private ConversationsTestHost Host => _host!;

    private IAssetService Assets => Host.Services.GetRequiredService<IAssetService>();

    private S3AssetBlobStore Blobs => (S3AssetBlobStore)Host.Services.GetRequiredService<AssetBlobStore>();

    public async Task InitializeAsync()
    {
        if (!S3TestServer.Enabled)
        {
            return;
        }

        // Presigned URLs are checked against the server's real clock: run the engine on it.
        _host = await ConversationsTestHost.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) });
            b.UseS3Assets(o => S3TestServer.Configure(o));
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public void Dispose() => _http.Dispose();

    [S3Fact]
    public async Task PresignedUpload_Complete_AndDownload_WithSignedHeaders()
    {
        var ticket = await Assets.BeginUploadAsync(Alice, new BeginUploadRequest { Name = "cat.png", MediaType = "image/png", Size = Png.Length });
        ticket.Upload.Url.Should().StartWith(S3TestServer.Endpoint.ToString().TrimEnd('/')).And.Contain("X-Amz-Signature");
        (await PutAsync(ticket.Upload.Url, "image/png", Png)).Should().Be(HttpStatusCode.OK);

        var ready = await Assets.CompleteUploadAsync(Alice, ticket.Asset.Id);
        ready.Sha256.Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Png)));

        var link = await Assets.GetDownloadAsync(Alice, ready.Id);
        using var response = await _http.GetAsync(link.Url);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(Png);
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("inline");
    }

    [S3Fact]
    public async Task TamperedWrongSecretAndWrongOperationUrls_AreRefused()
    {
        var ticket = await Assets.BeginUploadAsync(Alice, new BeginUploadRequest { Name = "a.txt", MediaType = "text/plain", Size = 5 });
        var url = ticket.Upload.Url;
        (await PutAsync(Tamper(url), "text/plain", "hello"u8.ToArray())).Should().Be(HttpStatusCode.Forbidden);
        (await PutAsync(url, "text/html", "hello"u8.ToArray())).Should().Be(HttpStatusCode.Forbidden, "the content type is signed");

        using var wrongSecret = new S3AssetBlobStore(new S3AssetOptions().Also(o => S3TestServer.Configure(o, secretKey: "not-the-secret")));
        var forged = await wrongSecret.CreateUploadAsync("assets/" + ticket.Asset.Id, new BlobUpload("text/plain", 5, DateTimeOffset.UtcNow.AddMinutes(5)), default);
        (await PutAsync(forged.Url, "text/plain", "hello"u8.ToArray())).Should().Be(HttpStatusCode.Forbidden);

        (await PutAsync(url, "text/plain", "hello"u8.ToArray())).Should().Be(HttpStatusCode.OK);
        var ready = await Assets.CompleteUploadAsync(Alice, ticket.Asset.Id);
        var download = (await Assets.GetDownloadAsync(Alice, ready.Id)).Url;
        (await PutAsync(download, "text/plain", "evil!"u8.ToArray())).Should().Be(HttpStatusCode.Forbidden, "a GET URL does not allow a PUT");
        using var tampered = await _http.GetAsync(Tamper(download));
        tampered.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var ok = await _http.GetAsync(download);
        ok.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        (await ok.Content.ReadAsStringAsync()).Should().Be("hello");
    }

    [S3Fact]
    public async Task ExpiredUrls_AreRefused()
    {
        using var store = new S3AssetBlobStore(new S3AssetOptions().Also(o => S3TestServer.Configure(o)));
        var past = await store.CreateUploadAsync("assets/expired", new BlobUpload("text/plain", 1, DateTimeOffset.UtcNow.AddSeconds(-30)), default);
        (await PutAsync(past.Url, "text/plain", "x"u8.ToArray())).Should().Be(HttpStatusCode.Forbidden);
    }

    [S3Fact]
    public async Task OversizedAndMistypedUploads_AreRefusedAndDeleted()
    {
        var big = await Assets.BeginUploadAsync(Alice, new BeginUploadRequest { Name = "a.txt", MediaType = "text/plain", Size = 3 });
        (await PutAsync(big.Upload.Url, "text/plain", new byte[64])).Should().Be(HttpStatusCode.OK, "a presigned PUT cannot cap the size");
        await FluentActions.Awaiting(() => Assets.CompleteUploadAsync(Alice, big.Asset.Id)).Should().ThrowAsync<InvalidArgumentException>();
        (await Blobs.HeadAsync("assets/" + big.Asset.Id, default)).Should().BeNull();

        var fake = await Assets.BeginUploadAsync(Alice, new BeginUploadRequest { Name = "x.png", MediaType = "image/png", Size = 20 });
        (await PutAsync(fake.Upload.Url, "image/png", Encoding.ASCII.GetBytes("<html>not a png</html>")[..20])).Should().Be(HttpStatusCode.OK);
        await FluentActions.Awaiting(() => Assets.CompleteUploadAsync(Alice, fake.Asset.Id)).Should().ThrowAsync<InvalidArgumentException>();
        (await Blobs.HeadAsync("assets/" + fake.Asset.Id, default)).Should().BeNull();
        (await Host.Store.GetAssetAsync(fake.Asset.Id, default)).Should().BeNull();
    }

    [S3Fact]
    public async Task Access_NonParticipantRemovedParticipantAndObserver_AreForbidden()
    {
        var room = await Host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.User("bob"), ParticipantSpec.User("olive", ParticipantRole.Observer)] });
        var scope = AssetScope.Room(room.Id);
        var asset = await Assets.UploadAsync(Alice, new BeginUploadRequest { Scope = scope, Name = "plan.txt", MediaType = "text/plain", Size = 4 }, new MemoryStream("plan"u8.ToArray()));

        (await Assets.GetDownloadAsync(Bob, asset.Id)).Url.Should().Contain("X-Amz-Signature");
        await FluentActions.Awaiting(() => Assets.GetDownloadAsync(Account.User("eve"), asset.Id)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => Assets.BeginUploadAsync(Account.User("olive"), new BeginUploadRequest { Scope = scope, Name = "o.txt", MediaType = "text/plain", Size = 1 })).Should().ThrowAsync<ForbiddenException>();
        await Host.Participants.RemoveAsync(Alice, room.Id, "bob");
        await FluentActions.Awaiting(() => Assets.GetDownloadAsync(Bob, asset.Id)).Should().ThrowAsync<ForbiddenException>();
    }

    [S3Fact]
    public async Task HundredParallelUploads_AllBecomeReady()
    {
        var uploads = Enumerable.Range(0, 100).Select(i => Assets.UploadAsync(Alice, new BeginUploadRequest { Name = $"f{i}.txt", MediaType = "text/plain", Size = Encoding.UTF8.GetByteCount($"file {i}") }, new MemoryStream(Encoding.UTF8.GetBytes($"file {i}"))));
        var assets = await Task.WhenAll(uploads);

        assets.Should().OnlyContain(a => a.Status == AssetStatus.Ready);
        await using var read = await Assets.OpenReadAsync(Alice, assets[42].Id);
        new StreamReader(read).ReadToEnd().Should().Be("file 42");
    }

    [S3Fact]
    public async Task Deleting_RemovesTheObject()
    {
        var asset = await Assets.UploadAsync(Alice, new BeginUploadRequest { Name = "a.txt", MediaType = "text/plain", Size = 1 }, new MemoryStream("a"u8.ToArray()));
        (await Blobs.HeadAsync("assets/" + asset.Id, default)).Should().NotBeNull();
        await Assets.DeleteAsync(Alice, asset.Id);
        (await Blobs.HeadAsync("assets/" + asset.Id, default)).Should().BeNull();
    }

    [Fact]
    public void Options_AreValidated()
    {
        FluentActions.Invoking(() => new S3AssetBlobStore(new S3AssetOptions { AccessKey = "only-half" }))
            .Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>()
            .Which.Failures.Should().Contain(f => f.Contains("BucketName")).And.Contain(f => f.Contains("SecretKey"));
    }

    private async Task<HttpStatusCode> PutAsync(string url, string type, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        using var response = await _http.PutAsync(url, content);
        return response.StatusCode;
    }

    private static string Tamper(string url)
    {
        var at = url.IndexOf("X-Amz-Signature=", StringComparison.Ordinal) + "X-Amz-Signature=".Length + 4;
        var sb = new StringBuilder(url);
        sb[at] = sb[at] == 'a' ? 'b' : 'a';
        return sb.ToString();
    }
}

internal static class OptionsExtensions
{
    public static T Also<T>(this T value, Action<T> configure)
    {
        configure(value);
        return value;
    }
}
