using System.Reflection;
using System.Text.Json;

namespace Conversations.Packaging.Tests;

/// <summary>
/// Packs every <c>src/</c> project once, with a version no cache has seen, into a local folder feed. The build goes
/// to its own artifacts folder so the repository's bin and obj folders are left alone.
/// </summary>
public sealed class PackageFeedFixture : IAsyncLifetime
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string MicrosoftExtensionsVersion { get; } = Metadata("MicrosoftExtensionsVersion");

    /// <summary>Gets a version unique to this run, so a package cached by an earlier run can never stand in.</summary>
    public string Version { get; } = "0.1.0-packtest." + Guid.NewGuid().ToString("N")[..12];

    public string Root { get; } = Directory.CreateTempSubdirectory("conversations-pack-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    /// <summary>Gets the ids of the packages the feed must hold: one per src/ project.</summary>
    public IReadOnlyList<string> PackageIds { get; } = Directory.GetFiles(Path.Combine(RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
        .Select(Path.GetFileNameWithoutExtension)
        .Select(name => name!)
        .Order(StringComparer.Ordinal)
        .ToArray();

    public string PackOutput { get; private set; } = string.Empty;

    public int PackExitCode { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);

        // One pack of the src/ projects through a solution filter: each project builds once, in dependency order.
        var projects = Directory.GetFiles(Path.Combine(RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryRoot, p).Replace('\\', '/'))
            .ToArray();
        var filter = Path.Combine(Root, "src.slnf");
        var solution = Path.Combine(RepositoryRoot, "Conversations.sln");
        await File.WriteAllTextAsync(filter, JsonSerializer.Serialize(new { solution = new { path = solution, projects } }));
        (PackExitCode, PackOutput) = await DotnetProcess.RunAsync(
            RepositoryRoot,
            [
                "pack", filter, "-c", "Release", "-o", Feed, "-nodeReuse:false",
                // As a release is packed: deterministic source paths (/_/), not this machine's.
                "-p:ContinuousIntegrationBuild=true",
                // The solution's own build runs every analyzer over the same sources with warnings as errors; here they
                // would only repeat that (about 40 % of this build's time on two cores). Source generators still run.
                "-p:RunAnalyzers=false",
                $"-p:Version={Version}", "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(Root, "artifacts")}",
            ],
            environment: null,
            TimeSpan.FromMinutes(8));
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test run over it.
        }

        return Task.CompletedTask;
    }

    private static string Metadata(string key) =>
        typeof(PackageFeedFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
