using System.Threading.Channels;

namespace SocialLearning.Storage.Sqlite;

/// <summary>
/// Runs every write of this process on one connection and one thread. Writes that arrive while a transaction
/// is running are committed together in the next one (group commit): each runs inside its own SAVEPOINT, so a
/// write that fails (for example a version conflict) is rolled back alone, and every caller is answered only
/// after COMMIT returned. Each transaction starts with <c>BEGIN IMMEDIATE</c>, so it takes the write lock
/// up front and waits for other processes' writers for at most the busy timeout.
/// </summary>
internal sealed class SqliteWriteQueue : IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly int _maxBatch;
    private readonly Channel<WriteOperation> _channel = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;
    private SqliteSession? _session;

    public SqliteWriteQueue(SqliteDatabase database, SqliteSession session, int maxBatch)
    {
        _database = database;
        _session = session;
        _maxBatch = maxBatch;
        _thread = new Thread(Run) { IsBackground = true, Name = "SocialLearning SQLite writer" };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="body"/>; the task completes after the transaction that ran it committed.</summary>
    public Task<T> Enqueue<T>(Func<SqliteSession, T> body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var operation = new WriteOperation<T>(body, cancellationToken);
        if (!_channel.Writer.TryWrite(operation))
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteSocialLearningStore), "The SQLite store was disposed."));
        }

        return operation.Task;
    }

    /// <summary>Finishes the queued writes, stops the writer thread and closes its connection.</summary>
    public void Dispose()
    {
        _channel.Writer.TryComplete();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _session?.Dispose();
        _session = null;
    }

    private void Run()
    {
        var batch = new List<WriteOperation>(_maxBatch);
        var reader = _channel.Reader;
        while (true)
        {
            if (!reader.TryRead(out var first))
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    return;
                }

                continue;
            }

            batch.Clear();
            batch.Add(first);
            while (batch.Count < _maxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                RunBatch(batch);
            }
#pragma warning disable CA1031 // The writer thread must survive any failure and answer every caller.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var error = _database.Map(ex, "write to");
                foreach (var operation in batch)
                {
                    operation.Fail(error);
                }
            }
        }
    }

    private void RunBatch(List<WriteOperation> batch)
    {
        var session = _session!;
        var pending = new List<WriteOperation>(batch.Count);
        foreach (var operation in batch)
        {
            if (operation.CancellationToken.IsCancellationRequested)
            {
                operation.Cancel();
            }
            else
            {
                pending.Add(operation);
            }
        }

        while (pending.Count > 0)
        {
            try
            {
                session.Execute("BEGIN IMMEDIATE");
            }
#pragma warning disable CA1031 // Reported to every caller of the batch.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var error = _database.Map(ex, "write to");
                foreach (var operation in pending)
                {
                    operation.Fail(error);
                }

                return;
            }

            var useSavepoints = pending.Count > 1;
            var failedAt = -1;
            Exception? failure = null;
            for (var i = 0; i < pending.Count; i++)
            {
                var operation = pending[i];
                operation.Reset();
                if (useSavepoints)
                {
                    session.Execute("SAVEPOINT op");
                }

                try
                {
                    operation.Run(session);
                    if (useSavepoints)
                    {
                        session.Execute("RELEASE op");
                    }
                }
                catch (Exception ex) when (IsCallerError(ex))
                {
                    // The caller's own error (not found, conflict, ...): undo this write only.
                    operation.SetError(ex);
                    if (!useSavepoints)
                    {
                        // The only write of this transaction: undo whatever it did before failing.
                        session.Execute("ROLLBACK");
                        operation.Complete();
                        return;
                    }

                    session.Execute("ROLLBACK TO op");
                    session.Execute("RELEASE op");
                }
#pragma warning disable CA1031 // Reported to the caller whose write failed.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failedAt = i;
                    failure = ex;
                    break;
                }
            }

            if (failure is not null)
            {
                // SQLite itself failed (I/O, full disk, corruption): the transaction may be gone. Roll back,
                // answer the write that failed and run the others again in a new transaction.
                TryRollback(session);
                pending[failedAt].Fail(_database.Map(failure, "write to"));
                pending.RemoveAt(failedAt);
                continue;
            }

            try
            {
                session.Execute("COMMIT");
            }
#pragma warning disable CA1031 // Nothing was committed: every caller of the batch is told.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                TryRollback(session);
                var error = _database.Map(ex, "commit to");
                foreach (var operation in pending)
                {
                    operation.Fail(error);
                }

                return;
            }

            foreach (var operation in pending)
            {
                operation.Complete();
            }

            return;
        }
    }

    private static bool IsCallerError(Exception ex) =>
        ex is ArgumentException || (ex is SocialLearningException && ex is not SocialLearningStorageException);

    private static void TryRollback(SqliteSession session)
    {
        try
        {
            session.Execute("ROLLBACK");
        }
#pragma warning disable CA1031 // Best effort; the original failure is what the caller hears about.
        catch
#pragma warning restore CA1031
        {
        }
    }

    private abstract class WriteOperation(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        public abstract void Run(SqliteSession session);

        public abstract void Reset();

        public abstract void SetError(Exception error);

        public abstract void Complete();

        public abstract void Fail(Exception error);

        public abstract void Cancel();
    }

    private sealed class WriteOperation<T>(Func<SqliteSession, T> body, CancellationToken cancellationToken) : WriteOperation(cancellationToken)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteSession session) => _result = body(session);

        public override void Reset()
        {
            _result = default;
            _error = null;
        }

        public override void SetError(Exception error) => _error = error;

        public override void Complete()
        {
            if (_error is not null)
            {
                _completion.TrySetException(_error);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void Fail(Exception error) => _completion.TrySetException(error);

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }
}
