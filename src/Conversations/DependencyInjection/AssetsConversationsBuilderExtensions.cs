using Conversations.Internal;
using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>Adds the asset system (files and media) to an <see cref="IConversationsBuilder"/>.</summary>
public static class AssetsConversationsBuilderExtensions
{
    /// <summary>Keeps asset bytes in a local folder (the default provider). See <see cref="FileSystemAssetBlobStore"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rootPath">The folder that holds the bytes; created if missing.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="rootPath"/> is null, empty or white space.</exception>
    public static IConversationsBuilder UseFileSystemAssets(this IConversationsBuilder builder, string rootPath) =>
        builder.UseFileSystemAssets(rootPath, static _ => { });

    /// <summary>Keeps asset bytes in a local folder, with signing keys and a base URL. See <see cref="FileSystemAssetBlobStore"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rootPath">The folder that holds the bytes; created if missing.</param>
    /// <param name="configure">Configures signing keys and the base URL.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="rootPath"/> is null, empty or white space.</exception>
    public static IConversationsBuilder UseFileSystemAssets(this IConversationsBuilder builder, string rootPath, Action<FileSystemAssetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseAssetBlobStore(sp =>
        {
            var options = new FileSystemAssetOptions { RootPath = rootPath };
            configure(options);
            return new FileSystemAssetBlobStore(options, sp.GetService<TimeProvider>());
        });
    }

    /// <summary>
    /// Uses a blob store for asset bytes and registers the asset services (<see cref="IAssetService"/>,
    /// <see cref="IAssetFolderService"/>) and the <see cref="AssetSweeper"/>. Replaces any blob store registered before.
    /// Storage providers (file system, S3) call this.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the blob store, once.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IConversationsBuilder UseAssetBlobStore(this IConversationsBuilder builder, Func<IServiceProvider, AssetBlobStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(factory));
        services.AddOptions<AssetOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AssetOptions>, AssetOptionsAnnotationsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AssetOptions>, AssetOptionsValidator>());
        services.TryAddSingleton<AssetAccess>();
        services.TryAddSingleton<AssetService>();
        // Uploads count against the account's rate limit when AddRateLimiting() is used (before or after this call).
        services.TryAddSingleton<IAssetService>(static sp => sp.GetService<IConversationsRateLimiter>() is { } limiter
            ? new RateLimitedAssetService(sp.GetRequiredService<AssetService>(), limiter.AcquireForAccount)
            : sp.GetRequiredService<AssetService>());
        services.TryAddSingleton<IAssetFolderService>(static sp => sp.GetRequiredService<AssetService>());
        services.TryAddSingleton(static sp => new AssetSweeper(
            sp.GetRequiredService<EngineCore>(),
            sp.GetRequiredService<AssetService>(),
            sp.GetRequiredService<IOptions<AssetOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AssetSweeper>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AssetSweeperHostedService>());
        return builder;
    }

    /// <summary>Configures the asset limits (sizes, types, quota, URL and reservation lifetimes). Validated when the host starts.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures <see cref="AssetOptions"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IConversationsBuilder ConfigureAssets(this IConversationsBuilder builder, Action<AssetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
