using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Conversations.Redis.Tests;

/// <summary>A redis-server of the test's own on 127.0.0.1 (from <see cref="TestServers.RedisServerVariable"/>), to kill and restart.</summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _process;

    private RedisServerProcess(int port)
    {
        Port = port;
        _directory = Path.Combine(Path.GetTempPath(), "conversations-redis-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectRetry=1,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000";

    public static async Task<RedisServerProcess> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new RedisServerProcess(port);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port, empty, and waits until it answers.</summary>
    public async Task RestartAsync()
    {
        var info = new ProcessStartInfo(TestServers.RedisServer) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", _directory })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (!deadline.IsCancellationRequested && !_process.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
        }
    }

    /// <summary>Kills the server (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Kills the server, then starts an empty one on the same port.</summary>
    public async Task RestartAfterKillAsync()
    {
        await KillAsync();
        await RestartAsync();
    }

    /// <summary>Closes every client connection from the server side (CLIENT KILL), as a network cut would.</summary>
    public async Task KillClientsAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},allowAdmin=true");
        var server = admin.GetServer("127.0.0.1", Port);
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
