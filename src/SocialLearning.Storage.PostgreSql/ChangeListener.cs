using Npgsql;

namespace SocialLearning.Storage.PostgreSql;

/// <summary>
/// Wakes feed followers within milliseconds of a commit: one dedicated connection per store LISTENs on the schema's
/// channel (writers NOTIFY the new position in the same transaction, delivered on commit). Started on the first wait.
/// When the connection is down it reconnects with backoff, and waiters fall back to polling the feed head every
/// <see cref="PostgreSqlStorageOptions.PollInterval"/>. After every (re)connect the head is read again, so nothing
/// that committed while the listener was away is waited for in vain.
/// </summary>
internal sealed class ChangeListener(PostgreSqlSocialLearningStore store) : IAsyncDisposable
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _knownHead = -1;
    private Task? _loop;
    private int _started;

    /// <summary>True while the LISTEN connection is up (for tests and diagnostics).</summary>
    public bool IsListening { get; private set; }

    public async Task<bool> WaitAsync(long afterPosition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var time = store.Clock;
        var start = time.GetTimestamp();
        var poll = store.Options.PollInterval;
        while (true)
        {
            var signal = Volatile.Read(ref _signal);
            if (Volatile.Read(ref _knownHead) > afterPosition)
            {
                return true;
            }

            var remaining = timeout == Timeout.InfiniteTimeSpan ? poll : timeout - time.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero)
            {
                return await PollAsync(afterPosition, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await signal.Task.WaitAsync(remaining < poll ? remaining : poll, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                if (await PollAsync(afterPosition, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private void Advance(long head)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _knownHead);
            if (head <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _knownHead, head, current) != current);

        Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task<bool> PollAsync(long afterPosition, CancellationToken cancellationToken)
    {
        try
        {
            var head = await store.AssignPositionsAsync(cancellationToken).ConfigureAwait(false);
            Advance(head);
            return head > afterPosition;
        }
        catch (SocialLearningStorageException)
        {
            // The server is away; the caller sees "no change yet" and waits again.
            return false;
        }
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0)
        {
            _loop = Task.Run(() => ListenLoopAsync(_stop.Token));
        }
    }

    private async Task ListenLoopAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await store.InitializeAsync(stop).ConfigureAwait(false);
                var connection = await store.DataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position))
                    {
                        Advance(position);
                    }
                };
                var listen = new NpgsqlCommand($"LISTEN \"{store.Channel}\"", connection);
                await using (listen.ConfigureAwait(false))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                var head = new NpgsqlCommand(store.Q("SELECT position FROM {S}.feed_head WHERE id = 1"), connection);
                await using (head.ConfigureAwait(false))
                {
                    Advance((long)(await head.ExecuteScalarAsync(stop).ConfigureAwait(false))!);
                }

                IsListening = true;
                failures = 0;
                while (true)
                {
                    if (!await connection.WaitAsync(IdleCheck, stop).ConfigureAwait(false))
                    {
                        // Quiet for a while: make sure the connection is still alive (a dead peer would otherwise go unnoticed).
                        var ping = new NpgsqlCommand("SELECT 1", connection);
                        await using var pingScope = ping.ConfigureAwait(false);
                        await ping.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocialLearningStorageException or IOException or TimeoutException or InvalidOperationException)
            {
                IsListening = false;
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(2000, 25 * Math.Pow(2, Math.Min(failures, 10))));
                try
                {
                    await Task.Delay(delay, store.Clock, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                IsListening = false;
            }
        }
    }
}
