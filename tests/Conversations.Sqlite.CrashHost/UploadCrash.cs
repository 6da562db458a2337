using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Conversations.Sqlite.CrashHost;

/// <summary>
/// A host killed in the middle of an upload: it reserves a 1 MiB asset, starts writing its bytes to the file-system store,
/// prints <c>UPLOADING {assetId}</c> once part of them is on disk, and then waits for bytes that never come.
/// </summary>
internal static class UploadCrash
{
    public static async Task RunAsync(string databasePath, string assetsFolder)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddConversations().UseSqlite($"Data Source={databasePath}").UseFileSystemAssets(assetsFolder);
        await using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var assets = provider.GetRequiredService<IAssetService>();
        var blobs = provider.GetRequiredService<AssetBlobStore>();
        var uploader = Account.User("uploader");
        var ticket = await assets.BeginUploadAsync(uploader, new BeginUploadRequest { Name = "big.bin", MediaType = "application/octet-stream", Size = 1024 * 1024 });
        var stalled = new StallingStream(64 * 1024, () => Console.Out.WriteLine($"UPLOADING {ticket.Asset.Id}"));
        await blobs.WriteAsync("assets/" + ticket.Asset.Id, stalled, "application/octet-stream", CancellationToken.None);
    }

    /// <summary>Yields some bytes, announces it, then never yields again.</summary>
    private sealed class StallingStream(int before, Action announce) : Stream
    {
        private int _left = before;
        private bool _announced;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left > 0)
            {
                var n = Math.Min(_left, buffer.Length);
                buffer.Span[..n].Fill(7);
                _left -= n;
                return n;
            }

            if (!_announced)
            {
                _announced = true;
                announce();
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
