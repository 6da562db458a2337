using Conversations.PostgreSql;
using Conversations.PostgreSql.Internal;
using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Conversations;

/// <summary>Registers the PostgreSQL store on an <see cref="IConversationsBuilder"/>.</summary>
public static class PostgreSqlConversationsBuilderExtensions
{
    /// <summary>
    /// Uses the PostgreSQL store on the <see cref="NpgsqlDataSource"/> registered in the service collection (for example by
    /// Npgsql.DependencyInjection's <c>AddNpgsqlDataSource</c>). Replaces any store registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder UsePostgreSql(this IConversationsBuilder builder) => builder.UsePostgreSql(static _ => { });

    /// <summary>
    /// Uses the PostgreSQL store, configured by <paramref name="configure"/>: on <see cref="PostgreSqlStoreOptions.ConnectionString"/>
    /// when it is set, otherwise on the <see cref="NpgsqlDataSource"/> registered in the service collection. Replaces any store
    /// registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures <see cref="PostgreSqlStoreOptions"/>; validated when the host starts.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder UsePostgreSql(this IConversationsBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UsePostgreSql(static (sp, options) => options.ConnectionString is null ? sp.GetService<NpgsqlDataSource>() : null, configure);
    }

    /// <summary>Uses the PostgreSQL store on the database named in <paramref name="connectionString"/>. Replaces any store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db.internal;Database=chat;Username=chat;Password=…</c>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or white space.</exception>
    public static IConversationsBuilder UsePostgreSql(this IConversationsBuilder builder, string connectionString) =>
        builder.UsePostgreSql(connectionString, static _ => { });

    /// <summary>Uses the PostgreSQL store on the database named in <paramref name="connectionString"/>, with further options. Replaces any store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Configures the other <see cref="PostgreSqlStoreOptions"/>; runs after the connection string is set.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or white space.</exception>
    public static IConversationsBuilder UsePostgreSql(this IConversationsBuilder builder, string connectionString, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UsePostgreSql(options =>
        {
            options.ConnectionString = connectionString;
            configure(options);
        });
    }

    /// <summary>
    /// Uses the PostgreSQL store on <paramref name="dataSource"/>, which the application owns (the store does not dispose
    /// it). Replaces any store registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The data source: its connection pool, and any type mappings or logging configured on it.</param>
    /// <param name="configure">Configures the other <see cref="PostgreSqlStoreOptions"/>; <see langword="null"/> for defaults.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="dataSource"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder UsePostgreSql(this IConversationsBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UsePostgreSql((_, _) => dataSource, configure ?? (static _ => { }));
    }

    private static IConversationsBuilder UsePostgreSql(this IConversationsBuilder builder, Func<IServiceProvider, PostgreSqlStoreOptions, NpgsqlDataSource?> dataSource, Action<PostgreSqlStoreOptions> configure)
    {
        builder.Services.AddOptions<PostgreSqlStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlCommandTimeoutValidator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<ConversationStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value;
            var source = dataSource(sp, options);
            if (source is null && options.ConnectionString is null)
            {
                throw new InvalidOperationException("UsePostgreSql needs a connection string (UsePostgreSql(\"Host=…\") or options.ConnectionString) or an NpgsqlDataSource registered in the service collection.");
            }

            return new PostgreSqlConversationStore(options, source, sp.GetService<TimeProvider>(), sp.GetService<ILogger<PostgreSqlConversationStore>>());
        }));
        return builder;
    }
}
