using System.Net;
using System.Net.Sockets;

namespace Conversations.ScaleOut.Tests;

/// <summary>
/// A layer-4 load balancer on 127.0.0.1, as hosts usually sit behind one: each new connection goes to the next backend
/// (round robin) that accepts it; a dead backend's connections end with it, and reconnects land on the live ones.
/// </summary>
internal sealed class TcpLoadBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<Uri> _backends;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _next;

    public TcpLoadBalancer(IReadOnlyList<Uri> backends)
    {
        _backends = backends;
        _listener.Start();
        Url = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/conversations");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>Gets how many connections went to each backend.</summary>
    public int[] Routed { get; private set; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        Routed = new int[_backends.Count];
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using (client)
        {
            for (var tried = 0; tried < _backends.Count; tried++)
            {
                var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)_backends.Count);
                var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await backend.ConnectAsync(IPAddress.Loopback, _backends[index].Port, _stopping.Token);
                }
                catch (SocketException)
                {
                    backend.Dispose();
                    continue;
                }
                catch (OperationCanceledException)
                {
                    backend.Dispose();
                    return;
                }

                Interlocked.Increment(ref Routed[index]);
                using (backend)
                {
                    await Task.WhenAny(PumpAsync(client, backend), PumpAsync(backend, client));
                }

                return;
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stopping.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        // Whichever side ends, the other sees the connection end too (a reset, as a dead machine gives).
        try
        {
            to.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }
}
