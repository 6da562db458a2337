using System.Diagnostics;
using System.Reflection;

namespace Conversations.ScaleOut.Tests;

/// <summary>A Conversations.ScaleOut.Host child process: started, asked for its URL, and killed with SIGKILL.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<HostProcess> StartAsync(string schema, string instance, CancellationToken cancellationToken)
    {
        var dll = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ScaleOutHostPath").Value!;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.GetFullPath(dll), TestServers.Postgres, TestServers.Redis, schema, instance })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The host did not start.");
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The host exited early with code {(process.WaitForExit(5000) ? process.ExitCode : -1)}.");
            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new HostProcess(process, new Uri(line["LISTENING ".Length..]));
            }
        }
    }

    /// <summary>Kills the host (SIGKILL), as a crash or a lost machine would, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
