using Conversations.SampleHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.SampleHost.Tests;

/// <summary>The real sample host on Kestrel, 127.0.0.1, with its own temporary data folder; restartable on the same port.</summary>
internal sealed class SampleHostServer : IAsyncDisposable
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "conv-sample-" + Guid.NewGuid().ToString("N"));
    private string[] _extraArgs = [];
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    public static async Task<SampleHostServer> StartAsync(params string[] extraArgs)
    {
        var server = new SampleHostServer { _extraArgs = extraArgs };
        await server.RunAsync("http://127.0.0.1:0");
        return server;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await RunAsync(BaseUrl);
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private async Task RunAsync(string url)
    {
        _app = SampleApp.Create(
        [
            "--urls", url,
            "--DataFolder", _dataFolder,
            "--DemoAgent:WordDelay", "00:00:00.040",
            "--DemoAgent:ThinkingDelay", "00:00:00.100",
            "--Logging:LogLevel:Default", "Warning",
            .. _extraArgs,
        ]);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
