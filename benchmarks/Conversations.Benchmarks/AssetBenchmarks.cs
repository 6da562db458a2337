using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conversations.Benchmarks;

/// <summary>
/// Upload and download throughput of the file-system asset store, against a raw file copy of the same bytes measured in
/// the same run. Uploads go through the whole flow (reserve, bytes with SHA-256 and fsync, complete with the size and
/// type checks), once in-process and once over HTTP to the endpoint that serves presigned URLs; downloads are an access
/// check plus reading the bytes, in-process and over HTTP. The raw baselines copy the same file with the same buffer
/// size (upload: with fsync, as the store does).
/// </summary>
[Config(typeof(AssetBenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AssetBenchmarks
{
    public const int SizeBytes = 16 * 1024 * 1024;
    private static readonly Account Alice = Account.User("alice");
    private string _directory = "";
    private string _source = "";
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private IAssetService _assets = null!;
    private string _readyId = "";
    private Uri _downloadUrl = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "conversations-asset-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(_directory);
        _source = Path.Combine(_directory, "source.bin");
        var bytes = new byte[SizeBytes];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(_source, bytes);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Limits.MaxRequestBodySize = null).UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddConversations().UseFileSystemAssets(Path.Combine(_directory, "assets")).ConfigureAssets(o => o.QuotaBytesPerScope = long.MaxValue);
        builder.Services.AddAuthentication("Bench").AddScheme<AuthenticationSchemeOptions, BearerIsUserHandler>("Bench", null);
        _app = builder.Build();
        _app.UseAuthentication();
        _app.MapConversations("/conversations");

        // The raw HTTP limits: the same file sent and received by bare Kestrel endpoints, no checks, no hashing.
        _app.MapGet("/raw-file", () => Results.File(_source, "application/octet-stream"));
        _app.MapPut("/raw-file", async (HttpContext context) =>
        {
            var target = Path.Combine(_directory, "raw-put.bin");
            await using (var destination = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await context.Request.Body.CopyToAsync(destination, 128 * 1024);
                destination.Flush(flushToDisk: true);
            }

            File.Delete(target);
            return Results.Ok();
        });
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "alice");
        _assets = _app.Services.GetRequiredService<IAssetService>();

        using var source = File.OpenRead(_source);
        _readyId = _assets.UploadAsync(Alice, Request(), source).GetAwaiter().GetResult().Id;
        _downloadUrl = new Uri(_http.BaseAddress, _assets.GetDownloadAsync(Alice, _readyId).GetAwaiter().GetResult().Url);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _app.StopAsync().GetAwaiter().GetResult();
        ((IAsyncDisposable)_app).DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The raw limit of an upload: the same bytes copied file to file, flushed to disk.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Upload")]
    public async Task RawCopy()
    {
        var target = Path.Combine(_directory, "raw-copy.bin");
        await using (var source = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
        await using (var destination = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            var buffer = new byte[128 * 1024];
            int n;
            while ((n = await source.ReadAsync(buffer)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, n));
            }

            destination.Flush(flushToDisk: true);
        }

        File.Delete(target);
    }

    /// <summary>Reserve, store (hashing, fsync), complete (size and type checks), then delete: in-process.</summary>
    [Benchmark]
    [BenchmarkCategory("Upload")]
    public async Task UploadInProcess()
    {
        await using var source = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var asset = await _assets.UploadAsync(Alice, Request(), source);
        await _assets.DeleteAsync(Alice, asset.Id);
    }

    /// <summary>The raw HTTP limit of an upload: the same bytes PUT to a bare Kestrel endpoint that writes and flushes them.</summary>
    [Benchmark]
    [BenchmarkCategory("Upload")]
    public async Task RawHttpPut()
    {
        await using var source = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var content = new StreamContent(source, 128 * 1024);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await _http.PutAsync("/raw-file", content);
        put.EnsureSuccessStatusCode();
    }

    /// <summary>The same over HTTP: begin, PUT to the presigned URL, complete, then delete.</summary>
    [Benchmark]
    [BenchmarkCategory("Upload")]
    public async Task UploadOverHttp()
    {
        using var begin = await _http.PostAsJsonAsync("/conversations/assets/uploads", new { name = "bench.bin", mediaType = "application/octet-stream", size = SizeBytes });
        var ticket = await begin.Content.ReadFromJsonAsync<JsonElement>();
        var id = ticket.GetProperty("asset").GetProperty("id").GetString();
        await using (var source = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            using var content = new StreamContent(source, 128 * 1024);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var put = await _http.PutAsync(ticket.GetProperty("upload").GetProperty("url").GetString(), content);
            put.EnsureSuccessStatusCode();
        }

        using var complete = await _http.PostAsync($"/conversations/assets/{id}/complete", null);
        complete.EnsureSuccessStatusCode();
        await _assets.DeleteAsync(Alice, id!);
    }

    /// <summary>The raw limit of a download: the same bytes read from the file.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Download")]
    public async Task RawRead()
    {
        await using var source = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await source.CopyToAsync(Stream.Null, 128 * 1024);
    }

    /// <summary>An access check, then the bytes: in-process.</summary>
    [Benchmark]
    [BenchmarkCategory("Download")]
    public async Task DownloadInProcess()
    {
        await using var read = await _assets.OpenReadAsync(Alice, _readyId);
        await read.CopyToAsync(Stream.Null, 128 * 1024);
    }

    /// <summary>The raw HTTP limit of a download: the same file from a bare Kestrel endpoint.</summary>
    [Benchmark]
    [BenchmarkCategory("Download")]
    public async Task RawHttpGet()
    {
        using var response = await _http.GetAsync("/raw-file", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.CopyToAsync(Stream.Null, 128 * 1024);
    }

    /// <summary>The bytes of a signed URL over HTTP from the blob endpoint (signature check, safe headers, file).</summary>
    [Benchmark]
    [BenchmarkCategory("Download")]
    public async Task DownloadOverHttp()
    {
        using var response = await _http.GetAsync(_downloadUrl, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.CopyToAsync(Stream.Null, 128 * 1024);
    }

    private static BeginUploadRequest Request() => new() { Name = "bench.bin", MediaType = "application/octet-stream", Size = SizeBytes };
}

/// <summary>How fast download links are handed out: an access check on the store plus an HMAC signature.</summary>
[Config(typeof(AssetBenchmarkConfig))]
public class AssetLinkBenchmarks
{
    public const int LinksPerOperation = 1_000;
    private static readonly Account Bob = Account.User("bob");
    private ServiceProvider _services = null!;
    private IAssetService _assets = null!;
    private string _roomAsset = "";
    private string _directory = "";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "conversations-asset-bench", Guid.NewGuid().ToString("n"));
        var services = new ServiceCollection();
        services.AddConversations().UseFileSystemAssets(_directory);
        _services = services.BuildServiceProvider();
        _assets = _services.GetRequiredService<IAssetService>();
        var room = _services.GetRequiredService<IRoomService>().CreateRoomAsync(Account.User("alice"), new CreateRoomRequest { Participants = [ParticipantSpec.User("bob")] }).GetAwaiter().GetResult();
        _roomAsset = _assets.UploadAsync(Account.User("alice"), new BeginUploadRequest { Scope = AssetScope.Room(room.Id), Name = "a.txt", MediaType = "text/plain", Size = 1 }, new MemoryStream("a"u8.ToArray())).GetAwaiter().GetResult().Id;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Download links for a room participant: access check (participant lookup) and a signed URL each.</summary>
    [Benchmark(OperationsPerInvoke = LinksPerOperation)]
    public async Task IssueDownloadLinks()
    {
        for (var i = 0; i < LinksPerOperation; i++)
        {
            _ = await _assets.GetDownloadAsync(Bob, _roomAsset);
        }
    }
}

internal sealed class AssetBenchmarkConfig : ManualConfig
{
    public AssetBenchmarkConfig()
    {
        AddJob(Job.ShortRun);

        // On a busy two-core machine the generated project can take longer to build than the default two minutes.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
        AddColumn(
            new ResultColumn("MB/s", "Mebibytes moved per second (upload and download rows)", Throughput),
            new ResultColumn("Links/s", "Download links handed out per second", LinksPerSecond));
    }

    private static string Throughput(Summary summary, BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.Type != typeof(AssetBenchmarks) || summary[benchmarkCase]?.ResultStatistics?.Mean is not { } ns
            ? "-"
            : (AssetBenchmarks.SizeBytes / 1048576.0 / (ns / 1e9)).ToString("N0", CultureInfo.InvariantCulture);

    private static string LinksPerSecond(Summary summary, BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.Type != typeof(AssetLinkBenchmarks) || summary[benchmarkCase]?.ResultStatistics?.Mean is not { } ns
            ? "-"
            : (1e9 / ns).ToString("N0", CultureInfo.InvariantCulture);
}
