using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Conversations.RoomLoad;

/// <summary>A server under test in its own process, with its CPU time and resident memory read from the OS.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private ServerProcess(Process process, string folder, Uri baseUri)
    {
        _process = process;
        _folder = folder;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Gets or sets the batch window our server runs with (<see langword="null"/>: its default).</summary>
    public static TimeSpan? BatchWindow { get; set; }

    public static async Task<ServerProcess> StartAsync(string kind)
    {
        var folder = Path.Combine(Path.GetTempPath(), "conversations-roomload", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePort();
        // Run the same program again: through the dotnet host when that is what runs this one, else its own executable.
        var host = Environment.ProcessPath!;
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        if (BatchWindow is { } window)
        {
            info.Environment[Servers.BatchWindowVariable] = window.TotalMilliseconds.ToString(CultureInfo.InvariantCulture);
        }

        info.ArgumentList.Add("server");
        info.ArgumentList.Add(kind);
        info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(folder);
        var process = Process.Start(info) ?? throw new InvalidOperationException("The server did not start.");
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "READY")
            {
                return new ServerProcess(process, folder, new Uri($"http://127.0.0.1:{port}"));
            }
        }

        throw new InvalidOperationException($"The {kind} server exited before it was ready.");
    }

    /// <summary>User plus system CPU time the server has used (from /proc; 10 ms resolution).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>Starts sampling what the server allocates (<c>--allocations</c>).</summary>
    public async Task StartAllocationSamplingAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUri };
        (await http.PostAsync("/bench/allocations/start", null)).EnsureSuccessStatusCode();
    }

    /// <summary>Stops sampling and returns the server's largest allocations by type, as text.</summary>
    public async Task<string> StopAllocationSamplingAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUri };
        using var response = await http.PostAsync("/bench/allocations/stop", null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Our store's commits so far and the writes they carried (zero for the hand-built hub, which commits each message alone).</summary>
    public async Task<ServerCounts> CountsAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUri };
        var parts = (await http.GetStringAsync("/bench/counts")).Split(' ');
        long L(int i) => long.Parse(parts[i], CultureInfo.InvariantCulture);
        return new ServerCounts(L(0), L(1), L(2), TimeSpan.FromMilliseconds(double.Parse(parts[3], CultureInfo.InvariantCulture)), (int)L(4), (int)L(5), (int)L(6));
    }

    /// <summary>Resident memory, in KiB, after asking the server to collect its garbage.</summary>
    public async Task<long> ResidentKiBAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUri };
        (await http.PostAsync("/bench/gc", null)).EnsureSuccessStatusCode();
        foreach (var line in await File.ReadAllLinesAsync($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("No VmRSS line.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// What a server counted so far: our store's commits and the writes they carried, the WebSocket messages our server wrote
/// (zero for the hub, which does not count them), and the server process's garbage collections.
/// </summary>
internal sealed record ServerCounts(long Commits, long Writes, long Messages, TimeSpan GcPause, int Gen0, int Gen1, int Gen2)
{
    public static ServerCounts operator -(ServerCounts after, ServerCounts before) => new(
        after.Commits - before.Commits, after.Writes - before.Writes, after.Messages - before.Messages, after.GcPause - before.GcPause,
        after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2);
}
