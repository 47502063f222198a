using System.Collections.Concurrent;
using System.Data;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace SocialLearning.Storage.PostgreSql;

/// <summary>
/// <see cref="ISocialLearningStore"/> on PostgreSQL with the semantics of the in-memory reference store.
/// Every operation runs in its own transaction on a pooled connection with the tenant set for that transaction only
/// (<c>set_config('sociallearning.tenant', …, true)</c>), so row-level security applies and a pooled connection never
/// carries a tenant into the next use. Transient failures are retried with exponential backoff and jitter.
/// </summary>
internal sealed partial class PostgreSqlSocialLearningStore : ISocialLearningStore, ISkillGraphBatchWriter, IChangeNotifier, IAsyncDisposable, IDisposable
{
    private const int PageSize = 1000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly string _schema;
    private readonly ConcurrentDictionary<string, string> _sql = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _initGate = new();
    private readonly ChangeListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Threading.Channels.Channel<bool> _numberRequests =
        System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, SingleReader = true });
    private Task? _initTask;
    private Task? _numberer;
    private int _numbererStarted;
    private long _transientFailures;
    private long _commitChecks;
    private int _disposed;

    public PostgreSqlSocialLearningStore(NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlStorageOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _schema = SchemaMigrator.Quote(options.Schema);
        Channel = options.Schema + "_changes";
        AppendChangeSql = $"""
            INSERT INTO {_schema}.changes (tenant_id, kind, entity_id, version, learner_id, interaction_kind, occurred_ticks, occurred_offset, write_token)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """;
        AssignPositionsSql = $"SELECT {_schema}.assign_positions()";
        AssignPositionsInlineSql = $"SELECT {_schema}.assign_positions(false)";

        _listener = new ChangeListener(this);
    }

    /// <summary>
    /// Test hook: awaited inside every write transaction just before the change is appended (true) and just after
    /// (false), to widen the windows in which concurrent transactions commit out of order.
    /// </summary>
    internal Func<bool, CancellationToken, Task>? WriteHookForTests { get; set; }

    /// <summary>The LISTEN/NOTIFY channel of this schema's change feed.</summary>
    internal string Channel { get; }

    /// <summary>The statement that appends a change (see <see cref="WriteScope.AppendChangeAsync"/>).</summary>
    internal string AppendChangeSql { get; }

    /// <summary>Numbers committed changes (see the schema script); returns the feed head.</summary>
    internal string AssignPositionsSql { get; }

    /// <summary>Numbers pending changes inside a writer's transaction unless another numbering holds the head.</summary>
    internal string AssignPositionsInlineSql { get; }

    internal NpgsqlDataSource DataSource => _dataSource;

    internal PostgreSqlStorageOptions Options => _options;

    internal TimeProvider Clock => _time;

    /// <summary>Creates or checks the schema. Called on first use and by the hosted initializer on start.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var task = Volatile.Read(ref _initTask);
        if (task is null || task.IsFaulted || task.IsCanceled)
        {
            lock (_initGate)
            {
                task = _initTask;
                if (task is null || task.IsFaulted || task.IsCanceled)
                {
                    task = _initTask = RetryAsync(ct => SchemaMigrator.MigrateAsync(_dataSource, _options, ct), CancellationToken.None);
                }
            }
        }

        return task.IsCompletedSuccessfully ? task : task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> WaitForChangesAsync(long afterPosition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "timeout must be zero or more.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _listener.WaitAsync(afterPosition, timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_numberer is not null)
        {
            await _numberer.ConfigureAwait(false);
        }

        _stop.Dispose();
        await _listener.DisposeAsync().ConfigureAwait(false);
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Returns <paramref name="sql"/> (a literal) with <c>{S}</c> replaced by the quoted schema, cached by reference.</summary>
    internal string Q(string sql) => _sql.GetOrAdd(sql, static (s, schema) => s.Replace("{S}", schema, StringComparison.Ordinal), _schema);

    // ---------------------------------------------------------------- transactions and retries

    /// <summary>
    /// Runs <paramref name="body"/> in a read-committed transaction with the tenant set, and commits when it appended a
    /// change. Retries transient failures. When the connection is lost while COMMIT is in flight, the outcome is settled
    /// by looking for this call's write token in the feed (after the old backend is gone): found means committed, and the
    /// result is returned; not found means rolled back, and the whole write is retried.
    /// </summary>
    internal async Task<T> WriteAsync<T>(TenantId tenant, Func<WriteScope, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var token = Guid.NewGuid();
        for (var attempt = 0; ; attempt++)
        {
            var commitSent = false;
            var processId = 0;
            T result = default!;
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                processId = connection.ProcessID;
                var scope = new WriteScope(this, connection, tenant, token);
                try
                {
                    result = await body(scope, cancellationToken).ConfigureAwait(false);
                    if (scope.Appended)
                    {
                        commitSent = true;
                        if (!await scope.CommitAsync(cancellationToken).ConfigureAwait(false))
                        {
                            RequestNumbering();
                        }
                    }
                }
                finally
                {
                    await scope.EndAsync().ConfigureAwait(false);
                }

                return result;
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                OnTransient(ex);
                if (commitSent)
                {
                    Interlocked.Increment(ref _commitChecks);
                }

                if (commitSent && await WasCommittedAsync(tenant, token, processId, ex, cancellationToken).ConfigureAwait(false))
                {
                    RequestNumbering();
                    return result;
                }

                if (attempt >= _options.MaxRetryAttempts)
                {
                    throw new SocialLearningStorageException($"The write failed after {attempt + 1} attempts: {ex.Message}", ex);
                }

                await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SocialLearningStorageException($"The write failed: {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// Asks the background numberer to give the change this write committed (and any other committed change without a
    /// position) its feed position. Readers of the feed number pending changes themselves before reading, so a write is
    /// in the feed for every reader as soon as it returns; the numberer is what wakes followers on other instances.
    /// </summary>
    private void RequestNumbering()
    {
        if (Volatile.Read(ref _numbererStarted) == 0 && Interlocked.Exchange(ref _numbererStarted, 1) == 0)
        {
            _numberer = Task.Run(() => NumberLoopAsync(_stop.Token));
        }

        _numberRequests.Writer.TryWrite(true);
    }

    private async Task NumberLoopAsync(CancellationToken stop)
    {
        try
        {
            while (await _numberRequests.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                _numberRequests.Reader.TryRead(out _);
                try
                {
                    await AssignPositionsAsync(stop).ConfigureAwait(false);
                }
                catch (SocialLearningStorageException)
                {
                    // Left to the next write or to a follower's poll.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
        {
            // DisposeAsync marks the store disposed before it cancels the loop: a numbering that starts in between
            // finds the store disposed. Disposal ends the loop either way; DisposeAsync must not rethrow it.
        }
    }

    /// <summary>Numbers committed changes that have no position yet and returns the feed head.</summary>
    internal async Task<long> AssignPositionsAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await RetryAsync(
            async ct =>
            {
                var command = _dataSource.CreateCommand(AssignPositionsSql);
                await using var commandScope = command.ConfigureAwait(false);
                return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one query in a transaction with the tenant set (or the all-tenants feed flag), in a single round trip:
    /// BEGIN, SET LOCAL, the query and COMMIT go out as one batch. Retries transient failures.
    /// </summary>
    internal async Task<T> ReadAsync<T>(string? tenant, bool allTenants, Func<NpgsqlBatchCommand> query, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await RetryAsync(ct => ReadOnceAsync(tenant, allTenants, query, read, ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> ReadOnceAsync<T>(string? tenant, bool allTenants, Func<NpgsqlBatchCommand> query, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var batch = new NpgsqlBatch(connection);
        await using var batchScope = batch.ConfigureAwait(false);
        await AddBeginAsync(connection, batch, tenant, allTenants, cancellationToken).ConfigureAwait(false);
        batch.BatchCommands.Add(query());
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        try
        {
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await read(reader, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (connection.FullState == ConnectionState.Open)
        {
            await TryRollbackAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Adds BEGIN and the transaction-local tenant settings to <paramref name="batch"/>. The tenant goes in as a
    /// dollar-quoted literal (no escapes apply inside one) when it holds no '$'; otherwise the transaction is begun and
    /// the tenant set with a bound parameter in a round trip of its own.
    /// </summary>
    internal static async Task AddBeginAsync(NpgsqlConnection connection, NpgsqlBatch batch, string? tenant, bool allTenants, CancellationToken cancellationToken)
    {
        if (tenant is null || !tenant.Contains('$', StringComparison.Ordinal))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            if (tenant is not null)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL sociallearning.tenant = $sl$" + tenant + "$sl$"));
            }
        }
        else
        {
            var begin = new NpgsqlCommand("BEGIN", connection);
            await using (begin.ConfigureAwait(false))
            {
                await begin.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var set = new NpgsqlCommand("SELECT set_config('sociallearning.tenant', $1, true)", connection);
            await using (set.ConfigureAwait(false))
            {
                set.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (allTenants)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL sociallearning.feed = 'all-tenants'"));
        }
    }

    internal static async Task TryRollbackAsync(NpgsqlConnection connection)
    {
        try
        {
            var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await using var rollbackScope = rollback.ConfigureAwait(false);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // A broken connection is discarded by the pool anyway.
        }
        catch (InvalidOperationException)
        {
        }
    }

    private async Task RetryAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        await RetryAsync<bool>(async ct => { await operation(ct).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);

    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                OnTransient(ex);
                if (attempt >= _options.MaxRetryAttempts)
                {
                    throw new SocialLearningStorageException($"PostgreSQL is unavailable after {attempt + 1} attempts: {ex.Message}", ex);
                }

                await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SocialLearningStorageException($"The PostgreSQL operation failed: {ex.Message}", ex);
            }
        }
    }

    private async Task<bool> WasCommittedAsync(TenantId tenant, Guid token, int processId, Exception failure, CancellationToken cancellationToken)
    {
        // The backend that ran the transaction either committed it or will roll it back; once it is gone the answer is final.
        for (var attempt = 0; attempt <= Math.Max(_options.MaxRetryAttempts, 3); attempt++)
        {
            try
            {
                var (backendGone, committed) = await ReadOnceAsync(
                    tenant.Value,
                    allTenants: false,
                    () =>
                    {
                        var query = new NpgsqlBatchCommand(Q("SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND pid <> pg_backend_pid()), EXISTS (SELECT 1 FROM {S}.changes WHERE write_token = $2)"));
                        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = processId });
                        query.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = token });
                        return query;
                    },
                    async (reader, ct) =>
                    {
                        await reader.ReadAsync(ct).ConfigureAwait(false);
                        return (reader.GetBoolean(0), reader.GetBoolean(1));
                    },
                    cancellationToken).ConfigureAwait(false);
                if (committed || backendGone)
                {
                    return committed;
                }
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                OnTransient(ex);
            }

            await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        throw new SocialLearningStorageException(
            "The connection was lost while a write was committing and the store could not find out whether it committed. Retry it with the same idempotency key.",
            failure);
    }

    private Task DelayAsync(int attempt, CancellationToken cancellationToken)
    {
        var baseMs = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        var capped = Math.Min(baseMs, _options.MaxRetryDelay.TotalMilliseconds);
        var jittered = (capped / 2) + (Random.Shared.NextDouble() * capped / 2);
        return Task.Delay(TimeSpan.FromMilliseconds(jittered), _time, cancellationToken);
    }

    /// <summary>How many writes lost the connection while committing and had their outcome checked (for tests and diagnostics).</summary>
    internal long CommitOutcomeChecks => Interlocked.Read(ref _commitChecks);

    /// <summary>How many transient failures this store has retried (for tests and diagnostics).</summary>
    internal long TransientFailureCount => Interlocked.Read(ref _transientFailures);

    private void OnTransient(Exception ex)
    {
        Interlocked.Increment(ref _transientFailures);
        if (IsConnectionLoss(ex))
        {
            // Idle pooled connections to a restarted server (or terminated backends) are dead too: drop them at once
            // instead of failing once per pooled connection.
            _dataSource.Clear();
        }
    }

    internal static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.LockNotAvailable
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.IsTransient,
        NpgsqlException npg => npg.IsTransient || npg.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException => true,
        _ => false,
    };

    private static bool IsConnectionLoss(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        _ => ex is IOException or SocketException,
    };

    // ---------------------------------------------------------------- paging

    /// <summary>Streams rows page by page (keyset paging), each page in its own short transaction with retries.</summary>
    internal async IAsyncEnumerable<TRow> PagedAsync<TRow>(
        string tenant,
        string firstSql,
        string nextSql,
        Action<NpgsqlParameterCollection, TRow?> bind,
        Func<NpgsqlDataReader, TRow> map,
        Action? onEmptyFirstPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRow : class
    {
        TRow? last = null;
        while (true)
        {
            var page = await ReadAsync(
                tenant,
                allTenants: false,
                () =>
                {
                    var query = new NpgsqlBatchCommand(Q(last is null ? firstSql : nextSql));
                    bind(query.Parameters, last);
                    query.Parameters.Insert(1, new NpgsqlParameter<int> { TypedValue = PageSize }); // always $2
                    return query;
                },
                async (reader, ct) =>
                {
                    var rows = new List<TRow>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        rows.Add(map(reader));
                    }

                    return rows;
                },
                cancellationToken).ConfigureAwait(false);

            if (page.Count == 0 && last is null)
            {
                onEmptyFirstPage?.Invoke();
            }

            foreach (var row in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return row;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            last = page[^1];
        }
    }

    // ---------------------------------------------------------------- parameters and mapping helpers

    internal static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter Big(long value) => new NpgsqlParameter<long> { TypedValue = value };

    internal static NpgsqlParameter Small(int value) => new NpgsqlParameter<short> { TypedValue = checked((short)value) };

    internal static NpgsqlParameter BigOrNull(long? value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value is null ? DBNull.Value : value.Value };

    internal static NpgsqlParameter SmallOrNull(int? value) => new() { NpgsqlDbType = NpgsqlDbType.Smallint, Value = value is null ? DBNull.Value : checked((short)value.Value) };

    internal static NpgsqlParameter Float(double value) => new NpgsqlParameter<double> { TypedValue = value };

    internal static NpgsqlParameter TextArray(IEnumerable<string> values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    internal static long Ticks(DateTimeOffset value) => value.UtcTicks;

    internal static short OffsetMinutes(DateTimeOffset value) => checked((short)value.Offset.TotalMinutes);

    internal static DateTimeOffset Time(long utcTicks, short offsetMinutes) =>
        new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    internal static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// One write transaction. Its first statement goes out in one batch with BEGIN and SET LOCAL of the tenant; the
    /// change row goes out in one batch with COMMIT. So a typical write costs two or three round trips.
    /// </summary>
    internal sealed class WriteScope(PostgreSqlSocialLearningStore store, NpgsqlConnection connection, TenantId tenant, Guid token)
    {
        private readonly List<NpgsqlBatch> _batches = [];
        private readonly List<NpgsqlBatchCommand> _appends = [];
        private bool _begun;
        private bool _finished;

        public NpgsqlConnection Connection { get; } = connection;

        public TenantId Tenant { get; } = tenant;

        public bool Appended => _appends.Count > 0;

        /// <summary>A command for a SQL literal with <c>{S}</c> for the schema (cached by reference).</summary>
        public NpgsqlCommand Command(string sql) => new(store.Q(sql), Connection);

        /// <summary>A command for SQL built at run time (not cached).</summary>
        public NpgsqlCommand RawCommand(string sql) => new(sql, Connection);

        public async Task<int> NonQueryAsync(NpgsqlCommand command, CancellationToken cancellationToken)
        {
            var batch = await BeginWithAsync(command, cancellationToken).ConfigureAwait(false);
            if (batch is null)
            {
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return batch.BatchCommands[^1].RecordsAffected;
        }

        /// <summary>
        /// Runs <paramref name="commands"/> (SQL with <c>{S}</c> already replaced) in one round trip, after BEGIN when the
        /// write has not begun, and returns each one's rows affected. For bulk writes.
        /// </summary>
        public async Task<int[]> NonQueryBatchAsync(IReadOnlyList<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
        {
            var batch = new NpgsqlBatch(Connection);
            _batches.Add(batch);
            if (!_begun)
            {
                _begun = true;
                await AddBeginAsync(Connection, batch, Tenant.Value, allTenants: false, cancellationToken).ConfigureAwait(false);
            }

            foreach (var command in commands)
            {
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            var affected = new int[commands.Count];
            for (var i = 0; i < affected.Length; i++)
            {
                affected[i] = commands[i].RecordsAffected;
            }

            return affected;
        }

        public async Task<object?> ScalarAsync(NpgsqlCommand command, CancellationToken cancellationToken)
        {
            var reader = await ReaderAsync(command, cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetValue(0) : null;
        }

        public async Task<NpgsqlDataReader> ReaderAsync(NpgsqlCommand command, CancellationToken cancellationToken)
        {
            var batch = await BeginWithAsync(command, cancellationToken).ConfigureAwait(false);
            return batch is null
                ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false)
                : await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Records the change; it is inserted (without a position) with the write's last round trip, together with COMMIT. Its seq
        /// is taken there, after every lock the write needed. assign_positions() numbers it once committed.
        /// </summary>
        public async Task AppendChangeAsync(ChangeKind kind, string entityId, long version, DateTimeOffset occurredAt, LearnerId? learner, InteractionKind? interactionKind, CancellationToken cancellationToken)
        {
            if (store.WriteHookForTests is { } before)
            {
                await before(true, cancellationToken).ConfigureAwait(false);
            }

            var append = new NpgsqlBatchCommand(store.AppendChangeSql);
            append.Parameters.Add(Text(Tenant.Value));
            append.Parameters.Add(Small((int)kind));
            append.Parameters.Add(Text(entityId));
            append.Parameters.Add(Big(version));
            append.Parameters.Add(Text(learner?.Value));
            append.Parameters.Add(SmallOrNull((int?)interactionKind));
            append.Parameters.Add(Big(Ticks(occurredAt)));
            append.Parameters.Add(Small(OffsetMinutes(occurredAt)));
            append.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = token });
            _appends.Add(append);
        }

        /// <summary>
        /// Sends the change rows, an attempt to number them in this transaction (skipped when another numbering holds the
        /// head, so writers never wait for each other) and COMMIT in one round trip. Returns whether the changes were
        /// numbered here; if not, the background numberer does it.
        /// </summary>
        public async Task<bool> CommitAsync(CancellationToken cancellationToken)
        {
            if (_appends.Count == 0 || !_begun)
            {
                throw new InvalidOperationException("A write must run a statement and append its change before it commits.");
            }

            var batch = new NpgsqlBatch(Connection);
            _batches.Add(batch);
            foreach (var append in _appends)
            {
                batch.BatchCommands.Add(append);
            }

            if (store.WriteHookForTests is { } after)
            {
                // Tests widen the window between taking the change's seq and committing.
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await after(false, cancellationToken).ConfigureAwait(false);
                batch = new NpgsqlBatch(Connection);
                _batches.Add(batch);
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand(store.AssignPositionsInlineSql));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            bool numbered;
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                numbered = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0);
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }
            }

            _finished = true;
            return numbered;
        }

        /// <summary>Rolls back what was begun and not committed (a failed write, or one that had nothing to write).</summary>
        public async Task EndAsync()
        {
            foreach (var batch in _batches)
            {
                await batch.DisposeAsync().ConfigureAwait(false);
            }

            if (_begun && !_finished && Connection.FullState == ConnectionState.Open)
            {
                await TryRollbackAsync(Connection).ConfigureAwait(false);
            }
        }

        private async Task<NpgsqlBatch?> BeginWithAsync(NpgsqlCommand command, CancellationToken cancellationToken)
        {
            if (_begun)
            {
                return null;
            }

            _begun = true;
            var batch = new NpgsqlBatch(Connection);
            _batches.Add(batch);
            await AddBeginAsync(Connection, batch, Tenant.Value, allTenants: false, cancellationToken).ConfigureAwait(false);
            var statement = new NpgsqlBatchCommand(command.CommandText);
            var parameters = command.Parameters.ToArray();
            command.Parameters.Clear();
            foreach (var parameter in parameters)
            {
                statement.Parameters.Add(parameter);
            }

            batch.BatchCommands.Add(statement);
            return batch;
        }
    }
}
