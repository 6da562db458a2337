using System.Diagnostics;
using System.Reflection;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.Sqlite.Tests;

/// <summary>Invariant 11 across a crash: a host killed mid-upload leaves no ready asset, and the sweeper removes the reservation.</summary>
public sealed class UploadCrashTests
{
    [Fact]
    public async Task HostKilledMidUpload_LeavesNoReadyAsset_AndTheSweeperRemovesTheReservation()
    {
        using var database = new TempDatabase();
        var assetsFolder = Path.Combine(database.Directory, "assets");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));

        string assetId;
        using (var process = StartHost(database.Path, assetsFolder))
        {
            try
            {
                string? line;
                do
                {
                    line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                        ?? throw new InvalidOperationException($"The upload host exited early: {await process.StandardError.ReadToEndAsync(timeout.Token)}");
                }
                while (!line.StartsWith("UPLOADING ", StringComparison.Ordinal));
                assetId = line["UPLOADING ".Length..].Trim();
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(timeout.Token);
            }
        }

        var partials = Directory.GetFiles(assetsFolder, "*.part", SearchOption.AllDirectories);
        partials.Should().ContainSingle("the killed host was writing the bytes");

        // The fake clock starts at the killed host's real time: a jump from the test host's default date to the
        // reservation's expiry would also fire the background sweep, which would race the one this test runs.
        await using var host = await ConversationsTestHost.StartAsync(
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow));
                b.UseSqlite(database.ConnectionString).UseFileSystemAssets(assetsFolder, _ => { }).ConfigureAssets(o => o.SweepInterval = TimeSpan.FromDays(1));
            },
            timeout.Token);
        var assets = host.Services.GetRequiredService<IAssetService>();
        var pending = await host.Store.GetAssetAsync(assetId, timeout.Token);
        pending!.Status.Should().Be(AssetStatus.Pending, "an upload that never completed is not ready");
        await FluentActions.Awaiting(() => assets.GetDownloadAsync(Account.User("uploader"), assetId)).Should().ThrowAsync<ConflictException>();
        await FluentActions.Awaiting(() => assets.CompleteUploadAsync(Account.User("uploader"), assetId)).Should().ThrowAsync<ConflictException>("the bytes never arrived whole");
        (await host.Services.GetRequiredService<IAssetFolderService>().ListAsync(Account.User("uploader"), AssetScope.Account("uploader"))).Assets.Should().BeEmpty();

        // Once the reservation lapses, one sweep removes its record and the partial bytes.
        var sweeper = host.Services.GetRequiredService<AssetSweeper>();
        (await sweeper.SweepAsync(timeout.Token)).Should().Be(0, "the reservation has not lapsed yet");
        host.Time.SetUtcNow(pending.ExpiresAt!.Value + TimeSpan.FromSeconds(1));
        (await sweeper.SweepAsync(timeout.Token)).Should().Be(1);

        (await host.Store.GetAssetAsync(assetId, timeout.Token)).Should().BeNull();
        Directory.GetFiles(assetsFolder, "*.part", SearchOption.AllDirectories).Should().BeEmpty();
    }

    private static Process StartHost(string path, string assetsFolder)
    {
        var dll = typeof(UploadCrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashHostPath").Value!;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.GetFullPath(dll));
        info.ArgumentList.Add("upload");
        info.ArgumentList.Add(path);
        info.ArgumentList.Add(assetsFolder);
        return Process.Start(info) ?? throw new InvalidOperationException("The upload host did not start.");
    }
}
