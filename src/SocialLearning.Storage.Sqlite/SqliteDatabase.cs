using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SocialLearning.Storage.Sqlite;

/// <summary>
/// Opens the file, checks and migrates the schema, and hands out connections: one writer connection owned by
/// <see cref="SqliteWriteQueue"/> and a small pool of reader connections. Every SQLite failure leaves this class
/// as a <see cref="SocialLearningStorageException"/> whose message names the file and the cause.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    /// <summary>Written to <c>PRAGMA application_id</c> so the file says whose it is ("SLSD").</summary>
    public const int ApplicationId = 0x534C5344;

    private readonly SqliteStorageOptions _options;
    private readonly string _writerConnectionString;
    private readonly string _readerConnectionString;
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private int _pooledReaders;
    private bool _disposed;

    public SqliteDatabase(SqliteStorageOptions options)
    {
        _options = options;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        FilePath = Path.GetFullPath(builder.DataSource);
        builder.DataSource = FilePath;
        builder.Pooling = false;
        builder.DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        _writerConnectionString = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadWrite;
        _readerConnectionString = builder.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Opens the writer connection, refusing files that are not ours or too new, and migrates the schema.</summary>
    public SqliteSession OpenWriter()
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new SocialLearningStorageException(
                $"Cannot open the SQLite store '{FilePath}': the directory '{directory}' does not exist. Create it, or point the connection string at an existing directory.");
        }

        if (Directory.Exists(FilePath))
        {
            throw new SocialLearningStorageException($"Cannot open the SQLite store '{FilePath}': the path is a directory, not a database file.");
        }

        var existed = File.Exists(FilePath);
        SqliteSession? session = null;
        try
        {
            var connection = new SqliteConnection(_writerConnectionString);
            session = new SqliteSession(connection);
            connection.Open();
            Configure(session);
            var version = SqliteSchema.Check(session, FilePath);
            SwitchToWal(session);
            var mode = Convert.ToString(session.Scalar("PRAGMA journal_mode"), CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new SocialLearningStorageException(
                    $"Cannot open the SQLite store '{FilePath}': the file could not be switched to WAL journal mode (it is in '{mode}' mode). Is the file system read-only or without shared-memory support?");
            }

            SqliteSchema.Migrate(session, FilePath, version);
            return session;
        }
        catch (Exception ex) when (ex is not SocialLearningStorageException)
        {
            session?.Dispose();
            throw Map(ex, existed ? "open" : "create");
        }
        catch
        {
            session?.Dispose();
            throw;
        }
    }

    /// <summary>Takes a reader connection from the pool, opening one when the pool is empty.</summary>
    public SqliteSession RentReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_readers.TryTake(out var session))
        {
            Interlocked.Decrement(ref _pooledReaders);
            return session;
        }

        try
        {
            var connection = new SqliteConnection(_readerConnectionString);
            session = new SqliteSession(connection);
            connection.Open();
            Configure(session);
            return session;
        }
        catch (Exception ex) when (ex is not SocialLearningStorageException)
        {
            session?.Dispose();
            throw Map(ex, "open");
        }
    }

    /// <summary>Puts a healthy reader back; a reader that failed mid-transaction is closed instead (<paramref name="healthy"/> false).</summary>
    public void ReturnReader(SqliteSession session, bool healthy)
    {
        if (!healthy || _disposed || Interlocked.Increment(ref _pooledReaders) > _options.MaxReadConnections)
        {
            if (healthy && !_disposed)
            {
                Interlocked.Decrement(ref _pooledReaders);
            }

            session.Dispose();
            return;
        }

        _readers.Add(session);
    }

    /// <summary>Turns any failure into a <see cref="SocialLearningStorageException"/> naming the file and the cause.</summary>
    public SocialLearningStorageException Map(Exception ex, string action = "use")
    {
        if (ex is SocialLearningStorageException storage)
        {
            return storage;
        }

        var cause = ex is SqliteException sqlite ? Describe(sqlite) : $"{ex.GetType().Name}: {ex.Message}";
        return new SocialLearningStorageException($"Cannot {action} the SQLite store '{FilePath}': {cause}", ex);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_readers.TryTake(out var session))
        {
            session.Dispose();
        }
    }

    private string Describe(SqliteException ex)
    {
        var directory = Path.GetDirectoryName(FilePath);
        var detail = $"(SQLite error {ex.SqliteErrorCode}/{ex.SqliteExtendedErrorCode}: {ex.Message.TrimEnd('.')})";
        return (ex.SqliteErrorCode & 0xFF) switch
        {
            14 /* CANTOPEN */ => File.Exists(FilePath)
                ? $"the file or its directory '{directory}' cannot be opened for writing (read-only file system, missing permission, or a locked -wal/-shm file) {detail}."
                : $"the file cannot be created in '{directory}' (the directory is read-only or not accessible) {detail}.",
            8 /* READONLY */ => $"the file or its directory '{directory}' is read-only; the store needs to write the database and its -wal and -shm files there {detail}.",
            26 /* NOTADB */ => $"the file is not a SQLite database; it was left untouched. Point the connection string at another file {detail}.",
            11 /* CORRUPT */ => $"the database file is corrupt; it was left untouched. Restore it from a backup (see docs/storage-sqlite.md) or recover it with the sqlite3 '.recover' command {detail}.",
            5 /* BUSY */ or 6 /* LOCKED */ => $"the database stayed locked by another connection for longer than the busy timeout ({_options.BusyTimeout.TotalSeconds:0.###} s) {detail}.",
            13 /* FULL */ => $"the disk is full {detail}.",
            10 /* IOERR */ => $"an I/O error occurred {detail}.",
            23 /* AUTH */ or 3 /* PERM */ => $"access was denied {detail}.",
            _ => detail,
        };
    }

    /// <summary>
    /// <c>PRAGMA journal_mode = WAL</c>, retried while another connection holds the file: switching a new file to WAL
    /// needs it to itself, and SQLite answers SQLITE_BUSY at once rather than calling the busy handler when waiting
    /// could deadlock (several stores opening one new file at once). Retried with a short, growing pause until
    /// <see cref="SqliteStorageOptions.BusyTimeout"/>; a file already in WAL mode returns at once.
    /// </summary>
    private void SwitchToWal(SqliteSession session)
    {
        var deadline = Environment.TickCount64 + (long)_options.BusyTimeout.TotalMilliseconds;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                session.Execute("PRAGMA journal_mode = WAL");
                return;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 && Environment.TickCount64 < deadline)
            {
                Thread.Sleep(Math.Min(100, 5 << Math.Min(attempt, 4)) + Random.Shared.Next(5));
            }
        }
    }

    private void Configure(SqliteSession session)
    {
        var busyMs = (long)_options.BusyTimeout.TotalMilliseconds;
        session.Execute($"PRAGMA busy_timeout = {busyMs.ToString(CultureInfo.InvariantCulture)}");
        var synchronous = _options.Synchronous switch
        {
            SqliteSynchronousMode.Normal => "NORMAL",
            SqliteSynchronousMode.Extra => "EXTRA",
            _ => "FULL",
        };
        session.Execute($"PRAGMA synchronous = {synchronous}");
        session.Execute("PRAGMA foreign_keys = OFF");
        // A larger page cache keeps a write transaction's B-tree pages in memory (SQLite's default is 2 MB);
        // memory-mapped reads save a copy per page. Both are per connection and grow only as pages are used.
        session.Execute("PRAGMA cache_size = -16384");
        session.Execute("PRAGMA mmap_size = 268435456");
    }
}
