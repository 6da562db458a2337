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

    /// <summary>
    /// Gets or sets the most memory the writer connection's page cache may use, in mebibytes. Every append reads and
    /// changes the newest pages of the message indexes of its conversation; when the pages of all busy conversations do
    /// not fit, each commit reads them back from the file. Memory is taken as pages are used, not up front.
    /// </summary>
    /// <value>The default value is 64 (SQLite's own default is 2); between 1 and 4,096.</value>
    [Range(1, 4096)]
    public int WriterCacheMegabytes { get; set; } = 64;

    /// <summary>
    /// Gets or sets how many pages the write-ahead log collects before a commit copies them into the database file (an
    /// automatic checkpoint). A page changed many times between checkpoints is copied once, so a longer interval writes
    /// less in a busy store; the log file grows to about this many pages (4 KiB each) before it is reused.
    /// </summary>
    /// <value>The default value is 8,192 pages, 32 MiB (SQLite's own default is 1,000); between 100 and 1,000,000.</value>
    [Range(100, 1_000_000)]
    public int WalAutoCheckpointPages { get; set; } = 8192;
}
