using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SocialLearning.Storage.Sqlite;

/// <summary>
/// One open connection with its prepared statements, used by one thread at a time. Statements are prepared once
/// per connection (cached by SQL text) and run through SQLitePCL's raw API: binding, stepping and reading columns
/// without a command or data-reader object per call, which is most of the cost of a small write. Transactions are
/// plain SQL (BEGIN IMMEDIATE, SAVEPOINT, COMMIT). Errors surface as <see cref="SqliteException"/>.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, (sqlite3_stmt Statement, int[] Indexes)> _statements = new(StringComparer.Ordinal);

    public SqliteSession(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    private sqlite3 Db => Connection.Handle ?? throw new InvalidOperationException("The connection is not open.");

    /// <summary>Runs one statement to completion and returns the number of rows it changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<object?> args)
    {
        var statement = Prepare(sql, args);
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
            }

            Check(rc, raw.SQLITE_DONE);
            return raw.sqlite3_changes(Db);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>The first column of the first row, or null.</summary>
    public object? Scalar(string sql, params ReadOnlySpan<object?> args)
    {
        var statement = Prepare(sql, args);
        try
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return null;
            }

            Check(rc, raw.SQLITE_ROW);
            return raw.sqlite3_column_type(statement, 0) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, 0),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, 0),
                raw.SQLITE_TEXT => Text(statement, 0),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(statement, 0).ToArray(),
                _ => null,
            };
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public long ScalarInt64(string sql, params ReadOnlySpan<object?> args) => Scalar(sql, args) switch
    {
        long l => l,
        null => 0,
        var other => Convert.ToInt64(other, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Starts reading rows; dispose the cursor (or read to the end) before the next statement on this session uses the same SQL.</summary>
    public Cursor Query(string sql, params ReadOnlySpan<object?> args) => new(this, Prepare(sql, args));

    public void Dispose()
    {
        foreach (var (statement, _) in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
        Connection.Dispose();
    }

    public static string Text(sqlite3_stmt statement, int column) => Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, column));

    public static string? NullableText(sqlite3_stmt statement, int column) =>
        raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : Text(statement, column);

    public static bool IsNull(sqlite3_stmt statement, int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

    private sqlite3_stmt Prepare(string sql, ReadOnlySpan<object?> args)
    {
        if (!_statements.TryGetValue(sql, out var prepared))
        {
            var rc = raw.sqlite3_prepare_v3(Db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var maybe);
            if (rc != raw.SQLITE_OK || maybe is null)
            {
                maybe?.Dispose();
                SqliteException.ThrowExceptionForRC(rc, Db);
                throw new InvalidOperationException("Unreachable.");
            }

            var created = maybe;

            // SQLite numbers parameters by first appearance in the text; arguments are @p0, @p1, ... by position.
            var indexes = new int[raw.sqlite3_bind_parameter_count(created)];
            for (var i = 0; i < indexes.Length; i++)
            {
                indexes[i] = raw.sqlite3_bind_parameter_index(created, "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (indexes[i] == 0)
                {
                    created.Dispose();
                    throw new InvalidOperationException($"Parameters must be named @p0, @p1, ... without gaps: {sql}");
                }
            }

            prepared = (created, indexes);
            _statements[sql] = prepared;
        }

        var (statement, map) = prepared;
        if (args.Length != map.Length)
        {
            throw new InvalidOperationException($"The statement takes {map.Length} parameters, {args.Length} were given: {sql}");
        }

        for (var i = 0; i < args.Length; i++)
        {
            var index = map[i];
            var rc = args[i] switch
            {
                null or DBNull => raw.sqlite3_bind_null(statement, index),
                string s => raw.sqlite3_bind_text(statement, index, s),
                long l => raw.sqlite3_bind_int64(statement, index, l),
                int n => raw.sqlite3_bind_int64(statement, index, n),
                double d => raw.sqlite3_bind_double(statement, index, d),
                byte[] b => raw.sqlite3_bind_blob(statement, index, b),
                var other => throw new ArgumentException($"Cannot bind a {other.GetType().Name}.", nameof(args)),
            };
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, Db);
            }
        }

        return statement;
    }

    private void Check(int rc, int expected)
    {
        if (rc != expected)
        {
            SqliteException.ThrowExceptionForRC(rc, Db);
        }
    }

    /// <summary>Rows of one running statement; resets the statement when disposed.</summary>
    internal sealed class Cursor(SqliteSession session, sqlite3_stmt statement) : IDisposable
    {
        private bool _done;

        public sqlite3_stmt Statement => statement;

        /// <summary>Moves to the next row; false at the end.</summary>
        public bool Read()
        {
            if (_done)
            {
                return false;
            }

            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }

            _done = true;
            session.Check(rc, raw.SQLITE_DONE);
            return false;
        }

        public long GetInt64(int column) => raw.sqlite3_column_int64(statement, column);

        public double GetDouble(int column) => raw.sqlite3_column_double(statement, column);

        public string GetString(int column) => Text(statement, column);

        /// <summary>The column's UTF-8 bytes, valid until the next <see cref="Read"/>.</summary>
        public ReadOnlySpan<byte> GetUtf8(int column) => raw.sqlite3_column_blob(statement, column);

        public bool IsDBNull(int column) => IsNull(statement, column);

        public void Dispose() => raw.sqlite3_reset(statement);
    }
}
