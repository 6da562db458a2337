using System.ComponentModel.DataAnnotations;

namespace Conversations.Sqlite;

/// <summary>Options of the SQLite store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets the Microsoft.Data.Sqlite connection string, for example <c>Data Source=conversations.db</c>.</summary>
    /// <value>Required. A relative file name is resolved against the process's current directory.</value>
    [Required]
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets how long a write waits for another connection or process that holds the write lock.</summary>
    /// <value>The default value is 5 seconds; between 1 millisecond and 1 hour. A write still blocked after it fails with <see cref="UnavailableException"/>.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the most write operations committed together in one transaction.</summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>Gets or sets the most idle read connections kept open for reuse.</summary>
    /// <value>The default value is 16.</value>
    [Range(1, 1024)]
    public int MaxIdleReadConnections { get; set; } = 16;

    /// <summary>
    /// Gets or sets how many writes may wait for the writer. When the queue is full, further writers wait (asynchronously,
    /// honouring their cancellation token) until there is room: back-pressure instead of unbounded memory.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 10_000_000)]
    public int MaxQueuedWrites { get; set; } = 10_000;
}
