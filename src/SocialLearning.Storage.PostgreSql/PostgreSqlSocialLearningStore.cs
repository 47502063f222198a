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
internal sealed partial class PostgreSqlSocialLearningStore : ISocialLearningStore, IChangeNotifier, IAsyncDisposable, IDisposable
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
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                await using var transactionScope = transaction.ConfigureAwait(false);
                await SetTenantAsync(connection, tenant.Value, allTenants: false, cancellationToken).ConfigureAwait(false);
                var scope = new WriteScope(this, connection, tenant, token);
                result = await body(scope, cancellationToken).ConfigureAwait(false);
                if (scope.Appended)
                {
                    commitSent = true;
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    RequestNumbering();
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

    /// <summary>Runs a read in a transaction with the tenant set (or the all-tenants feed flag), retrying transient failures.</summary>
    internal async Task<T> ReadAsync<T>(string? tenant, bool allTenants, Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await RetryAsync(
            async ct =>
            {
                var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
                await using var transactionScope = transaction.ConfigureAwait(false);
                await SetTenantAsync(connection, tenant, allTenants, ct).ConfigureAwait(false);
                var result = await body(connection, ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return result;
            },
            cancellationToken).ConfigureAwait(false);
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
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var transactionScope = transaction.ConfigureAwait(false);
                await SetTenantAsync(connection, tenant.Value, allTenants: false, cancellationToken).ConfigureAwait(false);
                var command = new NpgsqlCommand(
                    Q("SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND pid <> pg_backend_pid()), EXISTS (SELECT 1 FROM {S}.changes WHERE write_token = $2)"),
                    connection);
                await using var commandScope = command.ConfigureAwait(false);
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = processId });
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = token });
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using var readerScope = reader.ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var backendGone = reader.GetBoolean(0);
                var committed = reader.GetBoolean(1);
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

    private static async Task SetTenantAsync(NpgsqlConnection connection, string? tenant, bool allTenants, CancellationToken cancellationToken)
    {
        // is_local = true: the setting ends with the transaction, so a pooled connection never carries a tenant over.
        var command = new NpgsqlCommand(
            allTenants
                ? "SELECT set_config('sociallearning.tenant', $1, true), set_config('sociallearning.feed', 'all-tenants', true)"
                : "SELECT set_config('sociallearning.tenant', $1, true)",
            connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant ?? string.Empty });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
        Func<NpgsqlConnection, CancellationToken, Task>? onEmptyFirstPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRow : class
    {
        TRow? last = null;
        while (true)
        {
            var page = await ReadAsync(
                tenant,
                allTenants: false,
                async (connection, ct) =>
                {
                    var command = new NpgsqlCommand(Q(last is null ? firstSql : nextSql), connection);
                    await using var commandScope = command.ConfigureAwait(false);
                    bind(command.Parameters, last);
                    command.Parameters.Insert(1, new NpgsqlParameter<int> { TypedValue = PageSize }); // always $2
                    var rows = new List<TRow>();
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            rows.Add(map(reader));
                        }
                    }

                    if (rows.Count == 0 && last is null && onEmptyFirstPage is not null)
                    {
                        await onEmptyFirstPage(connection, ct).ConfigureAwait(false);
                    }

                    return rows;
                },
                cancellationToken).ConfigureAwait(false);

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

    internal static NpgsqlParameter SmallOrNull(int? value) => new() { NpgsqlDbType = NpgsqlDbType.Smallint, Value = value is null ? DBNull.Value : checked((short)value.Value) };

    internal static NpgsqlParameter Float(double value) => new NpgsqlParameter<double> { TypedValue = value };

    internal static NpgsqlParameter TextArray(IEnumerable<string> values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    internal static long Ticks(DateTimeOffset value) => value.UtcTicks;

    internal static short OffsetMinutes(DateTimeOffset value) => checked((short)value.Offset.TotalMinutes);

    internal static DateTimeOffset Time(long utcTicks, short offsetMinutes) =>
        new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    internal static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>State of one write transaction.</summary>
    internal sealed class WriteScope(PostgreSqlSocialLearningStore store, NpgsqlConnection connection, TenantId tenant, Guid token)
    {
        public NpgsqlConnection Connection { get; } = connection;

        public TenantId Tenant { get; } = tenant;

        public bool Appended { get; private set; }

        public NpgsqlCommand Command(string sql) => new(store.Q(sql), Connection);

        /// <summary>
        /// Appends the change, without a position, as the last statement before commit; its seq is taken here, after
        /// every lock the write needed. assign_positions() numbers it once committed (see the schema script).
        /// </summary>
        public async Task AppendChangeAsync(ChangeKind kind, string entityId, long version, DateTimeOffset occurredAt, LearnerId? learner, InteractionKind? interactionKind, CancellationToken cancellationToken)
        {
            if (store.WriteHookForTests is { } before)
            {
                await before(true, cancellationToken).ConfigureAwait(false);
            }

            var command = new NpgsqlCommand(store.AppendChangeSql, Connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(Text(Tenant.Value));
            command.Parameters.Add(Small((int)kind));
            command.Parameters.Add(Text(entityId));
            command.Parameters.Add(Big(version));
            command.Parameters.Add(Text(learner?.Value));
            command.Parameters.Add(SmallOrNull((int?)interactionKind));
            command.Parameters.Add(Big(Ticks(occurredAt)));
            command.Parameters.Add(Small(OffsetMinutes(occurredAt)));
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = token });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Appended = true;
            if (store.WriteHookForTests is { } after)
            {
                await after(false, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
