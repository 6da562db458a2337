using Microsoft.Extensions.DependencyInjection;

namespace Conversations.Testing;

/// <summary>Asset storage for tests.</summary>
public static class TestAssetsBuilderExtensions
{
    /// <summary>
    /// Keeps asset bytes in a new temporary folder (see <c>UseFileSystemAssets</c>) that is deleted when the service
    /// provider is disposed.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the asset limits; <see langword="null"/> for defaults.</param>
    /// <returns>The same builder.</returns>
    public static IConversationsBuilder UseTemporaryFileSystemAssets(this IConversationsBuilder builder, Action<AssetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var folder = new TemporaryFolder();
        builder.Services.AddSingleton(folder);
        builder.UseFileSystemAssets(folder.Path);
        if (configure is not null)
        {
            builder.ConfigureAssets(configure);
        }

        return builder;
    }

    /// <summary>A folder under the system's temporary folder, deleted on dispose.</summary>
    public sealed class TemporaryFolder : IDisposable
    {
        /// <summary>Gets the folder's full path.</summary>
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "conversations-tests", Guid.NewGuid().ToString("N"))).FullName;

        /// <inheritdoc />
        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
