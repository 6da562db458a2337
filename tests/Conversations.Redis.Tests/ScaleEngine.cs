using Conversations.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Conversations.Redis.Tests;

/// <summary>One host's engine on the real clock: PostgreSQL store, Redis bus, short polls so fault tests settle quickly.</summary>
internal sealed class ScaleEngine : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;

    private ScaleEngine(ServiceProvider provider, IHostedService[] hosted)
    {
        _provider = provider;
        _hosted = hosted;
    }

    public IServiceProvider Services => _provider;

    public IRoomService Rooms => _provider.GetRequiredService<IRoomService>();

    public IConversationService Conversations => _provider.GetRequiredService<IConversationService>();

    public IMessageService Messages => _provider.GetRequiredService<IMessageService>();

    public static async Task<ScaleEngine> StartAsync(string schema, string redis, Action<IConversationsBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddConversations(o => o.PollInterval = TimeSpan.FromMilliseconds(200))
            .UsePostgreSql(new NpgsqlConnectionStringBuilder(TestServers.Postgres) { ApplicationName = schema, MaxPoolSize = 20 }.ConnectionString, o => o.Schema = schema)
            .UseRedisEventBus(redis, o =>
            {
                o.ChannelPrefix = schema;
                o.CatchUpInterval = TimeSpan.FromMilliseconds(500);
            });
        configure?.Invoke(builder);
        var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return new ScaleEngine(provider, hosted);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
    }
}
