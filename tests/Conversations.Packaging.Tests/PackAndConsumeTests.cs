using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;

namespace Conversations.Packaging.Tests;

/// <summary>
/// The packages work for someone who only has the feed: each one carries its metadata, README, symbols and Source Link,
/// and an app that references them by PackageReference alone builds, posts a message and gets the agent's reply.
/// </summary>
public sealed class PackAndConsumeTests(PackageFeedFixture feed) : IClassFixture<PackageFeedFixture>
{
    // The debug information kind that holds the Source Link JSON (Portable PDB specification).
    private static readonly Guid s_sourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public void Pack_EverySourceProject_ProducesAPackageWithMetadataReadmeAndDocs()
    {
        feed.PackExitCode.Should().Be(0, feed.PackOutput);
        feed.PackageIds.Should().Contain(["Conversations", "Conversations.Abstractions", "Conversations.AspNetCore", "Conversations.Client", "Conversations.Sqlite"]);

        foreach (var id in feed.PackageIds)
        {
            var path = Path.Combine(feed.Feed, $"{id}.{feed.Version}.nupkg");
            File.Exists(path).Should().BeTrue($"{id} is a src/ project, so it must be packed");
            using var package = ZipFile.OpenRead(path);
            var nuspec = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open()).Root!;
            var ns = nuspec.Name.Namespace;
            var metadata = nuspec.Element(ns + "metadata")!;
            string Field(string name) => metadata.Element(ns + name)?.Value ?? string.Empty;

            Field("id").Should().Be(id);
            Field("version").Should().Be(feed.Version);
            Field("description").Should().NotBeNullOrWhiteSpace().And.NotBe("Package Description", $"{id} needs its own description");
            Field("authors").Should().NotBeNullOrWhiteSpace();
            Field("tags").Split(' ').Should().Contain("conversations");
            metadata.Element(ns + "license")!.Attribute("type")!.Value.Should().Be("expression");
            Field("license").Should().Be("MIT");
            Field("readme").Should().Be("README.md");
            var readme = new StreamReader(package.GetEntry("README.md")!.Open()).ReadToEnd();
            readme.Should().StartWith($"# {id}").And.Contain($"dotnet add package {id}", "each package README is its own, with the install line");
            metadata.Element(ns + "repository")!.Attribute("commit")!.Value.Should().MatchRegex("^[0-9a-f]{40}$", "Source Link records the commit");

            package.GetEntry($"lib/net10.0/{id}.dll").Should().NotBeNull();
            package.GetEntry($"lib/net10.0/{id}.xml").Should().NotBeNull("IntelliSense needs the XML docs");
        }
    }

    [Fact]
    public void Pack_EverySourceProject_ProducesDeterministicAssembliesAndSymbolsWithSourceLink()
    {
        feed.PackExitCode.Should().Be(0, feed.PackOutput);

        foreach (var id in feed.PackageIds)
        {
            using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"{id}.{feed.Version}.nupkg"));
            using var dll = Copy(package.GetEntry($"lib/net10.0/{id}.dll")!);
            using (var pe = new PEReader(dll))
            {
                pe.ReadDebugDirectory().Select(d => d.Type).Should().Contain(DebugDirectoryEntryType.Reproducible, $"{id} must be built deterministically");
            }

            var symbolsPath = Path.Combine(feed.Feed, $"{id}.{feed.Version}.snupkg");
            File.Exists(symbolsPath).Should().BeTrue($"{id} ships a symbol package");
            using var symbols = ZipFile.OpenRead(symbolsPath);
            using var pdbStream = Copy(symbols.GetEntry($"lib/net10.0/{id}.pdb")!);
            using var pdb = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
            var reader = pdb.GetMetadataReader();
            var sourceLink = reader.CustomDebugInformation
                .Select(reader.GetCustomDebugInformation)
                .Where(c => reader.GetGuid(c.Kind) == s_sourceLinkKind)
                .Select(c => reader.GetBlobBytes(c.Value))
                .SingleOrDefault();
            sourceLink.Should().NotBeNull($"{id}'s symbols must map its sources to the repository (Source Link)");
            using var json = JsonDocument.Parse(sourceLink!);
            var map = json.RootElement.GetProperty("documents").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            map.Should().ContainKey("/_/*", "a release build maps sources from the deterministic root, not this machine's path");
            map["/_/*"].Should().StartWith("https://raw.githubusercontent.com/").And.EndWith("/*");
        }
    }

    [Fact]
    public async Task Consumer_ReferencingThePackagesOnly_PostsAMessageAndReceivesTheAgentsReply()
    {
        feed.PackExitCode.Should().Be(0, feed.PackOutput);
        var app = Path.Combine(feed.Root, "consumer");
        var packages = Path.Combine(feed.Root, "packages");
        Directory.CreateDirectory(app);
        var templates = Path.Combine(AppContext.BaseDirectory, "Consumer");
        string Fill(string file) => File.ReadAllText(Path.Combine(templates, file))
            .Replace("$version$", feed.Version, StringComparison.Ordinal)
            .Replace("$hostingVersion$", PackageFeedFixture.MicrosoftExtensionsVersion, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), Fill("Consumer.csproj.template"));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Fill("Program.cs.template"));
        // Nothing from above the folder may leak in (build props, central package versions).
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            await File.WriteAllTextAsync(Path.Combine(app, file), "<Project />");
        }

        // Conversations.* come only from the local feed, into a package folder of this run's own; everything else
        // from the normal source, read from the machine's package folder when it is already there.
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="Conversations" />
                  <package pattern="Conversations.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packages };

        var (buildExit, buildOutput) = await DotnetProcess.RunAsync(app, ["build", "-c", "Release", "-nodeReuse:false"], environment, TimeSpan.FromMinutes(5));
        buildExit.Should().Be(0, buildOutput);

        // The engine came from the feed as a package, not from a project reference or an older cached build.
        using (var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json"))))
        {
            var libraries = assets.RootElement.GetProperty("libraries");
            foreach (var id in new[] { "Conversations", "Conversations.Abstractions", "Conversations.Sqlite", "Conversations.AspNetCore", "Conversations.Client", "Conversations.AI", "Conversations.Testing" })
            {
                libraries.TryGetProperty($"{id}/{feed.Version}", out var library).Should().BeTrue($"{id} {feed.Version} must be resolved");
                library.GetProperty("type").GetString().Should().Be("package");
            }
        }

        Directory.Exists(Path.Combine(packages, "conversations", feed.Version)).Should().BeTrue("the packages were restored from the local feed into this run's folder");

        var (runExit, runOutput) = await DotnetProcess.RunAsync(
            app, [Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll")], environment, TimeSpan.FromMinutes(2));
        runExit.Should().Be(0, runOutput);
        runOutput.Should().Contain("in-process reply: echo: hello from a package")
            .And.Contain("wire reply: echo: hello over the wire")
            .And.Contain("loaded Conversations.AI, Conversations.Testing");
    }

    private static MemoryStream Copy(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return copy;
    }
}
