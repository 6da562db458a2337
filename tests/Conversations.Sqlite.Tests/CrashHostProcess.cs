using System.Diagnostics;
using System.Reflection;

namespace Conversations.Sqlite.Tests;

/// <summary>A crash host child process (tests/Conversations.Sqlite.CrashHost), read line by line and killed with SIGKILL.</summary>
internal sealed class CrashHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private CrashHostProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static CrashHostProcess Start(params string[] arguments)
    {
        var dll = typeof(CrashHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashHostPath").Value!;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.GetFullPath(dll));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new CrashHostProcess(Process.Start(info) ?? throw new InvalidOperationException("The crash host did not start."));
    }

    /// <summary>Reads the next line; fails with the child's error output if it exited.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken) =>
        await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"The crash host exited early: {await _process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)}");

    /// <summary>Reads lines until one satisfies <paramref name="done"/>, handing each to <paramref name="seen"/>.</summary>
    public async Task ReadUntilAsync(Func<string, bool> done, Action<string> seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            seen(line);
            if (done(line))
            {
                return;
            }
        }
    }

    /// <summary>Kills the process (SIGKILL) and waits for it; its output is left to whoever reads it.</summary>
    public async Task KillOnlyAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills the process (SIGKILL), waits for it, and returns what it had written and not yet been read.</summary>
    public async Task<string[]> KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var rest = await _process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return rest.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
