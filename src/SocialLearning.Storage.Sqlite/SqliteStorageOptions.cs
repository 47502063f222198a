using Microsoft.Data.Sqlite;

namespace SocialLearning.Storage.Sqlite;

/// <summary>How hard SQLite works to make a commit survive a power loss (<c>PRAGMA synchronous</c>, in WAL mode).</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// The WAL is synced at checkpoints only. A committed write survives a crash of the process; the last
    /// commits before a power loss or OS crash can be lost (the database stays consistent).
    /// </summary>
    Normal = 1,

    /// <summary>The WAL is synced on every commit: a committed write survives a power loss. The default.</summary>
    Full = 2,

    /// <summary>Like <see cref="Full"/>, and also syncs the directory after the WAL is reset.</summary>
    Extra = 3,
}

/// <summary>Options of the SQLite store. Validated when the store is created; see <c>docs/storage-sqlite.md</c>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// A Microsoft.Data.Sqlite connection string naming the file, for example <c>Data Source=app-data/learning.db</c>.
    /// The directory must exist; the file is created on first use. In-memory databases are not supported
    /// (use <c>UseInMemoryStorage()</c>). Required.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// How long a write waits for another process's write transaction to finish before it fails with
    /// <see cref="SocialLearningStorageException"/> (<c>PRAGMA busy_timeout</c>). Default 30 seconds; 0 to 10 minutes.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Durability of a commit against power loss. Default <see cref="SqliteSynchronousMode.Full"/>.</summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// Most writes committed together in one transaction when callers write concurrently (group commit:
    /// one sync for the whole group). 1 turns grouping off. Default 256; 1 to 10,000.
    /// </summary>
    public int MaxWriteBatchSize { get; set; } = 256;

    /// <summary>Most open reader connections kept for reuse. Default 8; 1 to 256.</summary>
    public int MaxReadConnections { get; set; } = 8;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("SqliteStorageOptions.ConnectionString must be set, for example \"Data Source=learning.db\".", nameof(ConnectionString));
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"SqliteStorageOptions.ConnectionString is not a valid SQLite connection string: {ex.Message}", nameof(ConnectionString), ex);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException("SqliteStorageOptions.ConnectionString must name a database file (Data Source=path); in-memory SQLite is not supported, use UseInMemoryStorage() instead.", nameof(ConnectionString));
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException("SqliteStorageOptions.ConnectionString must not use Mode=ReadOnly: the store writes.", nameof(ConnectionString));
        }

        if (BusyTimeout < TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "SqliteStorageOptions.BusyTimeout must be between 0 and 10 minutes.");
        }

        if (!Enum.IsDefined(Synchronous))
        {
            throw new ArgumentOutOfRangeException(nameof(Synchronous), Synchronous, "SqliteStorageOptions.Synchronous must be Normal, Full or Extra.");
        }

        if (MaxWriteBatchSize is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWriteBatchSize), MaxWriteBatchSize, "SqliteStorageOptions.MaxWriteBatchSize must be between 1 and 10,000.");
        }

        if (MaxReadConnections is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxReadConnections), MaxReadConnections, "SqliteStorageOptions.MaxReadConnections must be between 1 and 256.");
        }
    }

    internal SqliteStorageOptions Clone() => (SqliteStorageOptions)MemberwiseClone();
}
