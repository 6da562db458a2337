using Conversations.Sqlite;
using Conversations.Sqlite.Internal;
using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>Registers the SQLite store on an <see cref="IConversationsBuilder"/>.</summary>
public static class SqliteConversationsBuilderExtensions
{
    /// <summary>Uses the SQLite store on the file named in <paramref name="connectionString"/>. Replaces any store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, for example <c>Data Source=conversations.db</c>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or white space.</exception>
    public static IConversationsBuilder UseSqlite(this IConversationsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, static _ => { });

    /// <summary>Uses the SQLite store, configured by <paramref name="configure"/> (which must set the connection string). Replaces any store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures <see cref="SqliteStoreOptions"/>; validated when the store is first resolved.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder UseSqlite(this IConversationsBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<SqliteStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteBusyTimeoutValidator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<ConversationStore>(static sp => new SqliteConversationStore(
            sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<SqliteConversationStore>>())));
        return builder;
    }

    /// <summary>Uses the SQLite store on the file named in <paramref name="connectionString"/>, with further options. Replaces any store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, for example <c>Data Source=conversations.db</c>.</param>
    /// <param name="configure">Configures the other <see cref="SqliteStoreOptions"/>; runs after the connection string is set.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or white space.</exception>
    public static IConversationsBuilder UseSqlite(this IConversationsBuilder builder, string connectionString, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseSqlite(options =>
        {
            options.ConnectionString = connectionString;
            configure(options);
        });
    }
}
