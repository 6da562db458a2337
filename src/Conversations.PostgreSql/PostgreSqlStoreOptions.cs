using System.ComponentModel.DataAnnotations;

namespace Conversations.PostgreSql;

/// <summary>Options of the PostgreSQL store.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>
    /// Gets or sets the Npgsql connection string, for example <c>Host=db.internal;Database=chat;Username=chat;Password=…</c>.
    /// Leave it unset when the store is given an <c>NpgsqlDataSource</c> (directly, or registered in the service collection).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets the schema that holds the store's tables. It is created when missing; give each application (or each
    /// test) its own schema to keep them apart in one database.
    /// </summary>
    /// <value>The default value is <c>conversations</c>. Lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters.</value>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Schema must be a lower-case PostgreSQL identifier: letters, digits and underscores, starting with a letter or underscore, at most 63 characters.")]
    public string Schema { get; set; } = "conversations";

    /// <summary>
    /// Gets or sets whether the store creates and upgrades its schema at start-up. When <see langword="false"/>, the schema
    /// must already be at the version this package writes (apply the migrations another way, for example with a release
    /// step that starts one host with this option on); start-up fails otherwise.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>
    /// Gets or sets the most appends committed together in one transaction. Concurrent posts are gathered and written in
    /// batches, so throughput grows with concurrency while every acknowledgement still waits for its commit.
    /// </summary>
    /// <value>The default value is 256.</value>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Gets or sets how many append batches may be written at once, each on its own connection. A conversation's appends always go to the same one of them.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 256)]
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>
    /// Gets or sets how many appends may wait for a batch. When the queue is full, further posters wait (asynchronously,
    /// honouring their cancellation token) until there is room.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 10_000_000)]
    public int MaxQueuedAppends { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how many times a write is tried again after a failure that left nothing changed: a serialization
    /// failure, a deadlock, or a connection that broke before the commit was sent (a server restart, say). A failure
    /// after the commit was sent is never retried: its outcome is unknown, and the caller gets <see cref="UnavailableException"/>.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets how long one statement may run before it is cancelled and the call fails with <see cref="UnavailableException"/>.</summary>
    /// <value>The default value is 30 seconds; between 1 second and 1 hour.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
