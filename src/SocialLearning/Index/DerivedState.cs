using System.Collections.Concurrent;

namespace SocialLearning.Index;

/// <summary>
/// How one kind of derived per-tenant state (ExpertiseRank, recent activity, transitions, the learned peer model) is
/// computed from a <see cref="TenantIndex"/>. Implementations are records: two computations with equal parameters
/// share one cached value, and a change of parameter gets a value of its own.
/// </summary>
internal abstract record DerivedComputation<T>
    where T : class
{
    /// <summary>Computes the state from the index as it is now; <paramref name="previous"/> is the value it replaces, if any.</summary>
    public abstract T Compute(TenantIndex index, T? previous, TimeProvider time);
}

/// <summary>
/// Derived state a reader builds from the index and caches with the generation it was built from
/// (<see cref="DerivedCache.Get{T}"/>). A request never waits for a rebuild when a value exists: once the index has
/// changed and the refresh interval has passed, it gets the value it had and one rebuild starts in the background
/// (stale while revalidate). Only a request that finds no value at all computes one itself, and with a refresh
/// interval of zero every request after a change rebuilds before it answers (always current).
/// <see cref="DerivedCache.RefreshAsync"/> (called by <c>IRecommendationIndex.RefreshAsync</c>) brings every value
/// built so far up to date before it returns.
/// </summary>
internal sealed class DerivedSlot
{
    public readonly Lock Gate = new();
    public Entry? Current;
    public Task? Pending;
    public Func<TenantIndex, object?, TimeProvider, object>? Compute;
    public TimeProvider? Time;

    /// <summary>Background rebuilds started so far (for tests and diagnostics).</summary>
    public int BackgroundRefreshes;

    /// <summary>The last rebuild's failure, if it failed (the previous value is kept and retried after the interval).</summary>
    public Exception? LastError;

    public sealed record Entry(object Value, long Generation, long At);
}

/// <summary>Derived structures a reader computes on demand and caches with the generation they were built from.</summary>
internal sealed class DerivedCache
{
    private readonly ConcurrentDictionary<object, DerivedSlot> _slots = new();

    public object? Graph;

    public readonly Lock LoadGate = new();
    public double[] Load = [];
    public double[] LoadAt = [];

    /// <summary>
    /// The current value of <paramref name="computation"/>: computed now when there is none; otherwise the cached
    /// one, with a background rebuild started when the index changed since it was built and at least
    /// <paramref name="refreshInterval"/> has passed (so a burst of writes costs one rebuild per interval).
    /// </summary>
    public T Get<T>(TenantIndex index, DerivedComputation<T> computation, TimeSpan refreshInterval, TimeProvider time)
        where T : class
    {
        var slot = _slots.GetOrAdd(computation, static _ => new DerivedSlot());
        var entry = Volatile.Read(ref slot.Current);
        if (entry is null)
        {
            lock (slot.Gate)
            {
                entry = slot.Current;
                if (entry is null)
                {
                    Remember(slot, computation, time);
                    entry = Build(slot, index, time, previous: null);
                }
            }
        }
        else if (entry.Generation != index.Generation)
        {
            if (refreshInterval <= TimeSpan.Zero)
            {
                // No interval: always current, so this request rebuilds before it answers.
                lock (slot.Gate)
                {
                    entry = slot.Current!;
                    if (entry.Generation != index.Generation)
                    {
                        entry = Build(slot, index, time, entry.Value);
                    }
                }
            }
            else if (Volatile.Read(ref slot.Pending) is null && time.GetElapsedTime(entry.At) >= refreshInterval)
            {
                StartBackground(slot, index, time);
            }
        }

        return (T)entry.Value;
    }

    /// <summary>Brings every value built so far up to the index's current generation (waiting for rebuilds in flight).</summary>
    public async ValueTask RefreshAsync(TenantIndex index, CancellationToken cancellationToken)
    {
        foreach (var slot in _slots.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Volatile.Read(ref slot.Pending) is { } pending)
            {
                await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            lock (slot.Gate)
            {
                if (slot.Current is { } entry && entry.Generation != index.Generation)
                {
                    Build(slot, index, slot.Time!, entry.Value);
                }
            }
        }
    }

    /// <summary>The slot of a computation, if it was ever used (tests and diagnostics).</summary>
    public DerivedSlot? SlotOf(object computation) => _slots.TryGetValue(computation, out var slot) ? slot : null;

    private static void Remember<T>(DerivedSlot slot, DerivedComputation<T> computation, TimeProvider time)
        where T : class
    {
        slot.Compute ??= (index, previous, t) => computation.Compute(index, (T?)previous, t);
        slot.Time ??= time;
    }

    /// <summary>Computes and publishes a value (caller holds the slot's gate). The generation is read first, so a write during the computation leaves the value stale.</summary>
    private static DerivedSlot.Entry Build(DerivedSlot slot, TenantIndex index, TimeProvider time, object? previous)
    {
        var generation = index.Generation;
        var value = slot.Compute!(index, previous, time);
        var entry = new DerivedSlot.Entry(value, generation, time.GetTimestamp());
        slot.LastError = null;
        Volatile.Write(ref slot.Current, entry);
        return entry;
    }

    private static void StartBackground(DerivedSlot slot, TenantIndex index, TimeProvider time)
    {
        // The gate is held while a value is built (RefreshAsync, a first build): then there is nothing to start, and
        // a request must not wait for it.
        if (!slot.Gate.TryEnter())
        {
            return;
        }

        try
        {
            if (slot.Pending is not null)
            {
                return;
            }

            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            slot.Pending = tcs.Task;
            slot.BackgroundRefreshes++;
            ThreadPool.UnsafeQueueUserWorkItem(
                static state =>
                {
                    var (slot, index, time, tcs) = state;
                    lock (slot.Gate)
                    {
                        try
                        {
                            if (slot.Current is { } entry && entry.Generation != index.Generation)
                            {
                                Build(slot, index, time, entry.Value);
                            }
                        }
                        catch (Exception ex)
                        {
                            // Keep serving the previous value; try again after another interval.
                            slot.LastError = ex;
                            if (slot.Current is { } stale)
                            {
                                Volatile.Write(ref slot.Current, stale with { At = time.GetTimestamp() });
                            }
                        }
                        finally
                        {
                            slot.Pending = null;
                        }
                    }

                    tcs.SetResult();
                },
                (slot, index, time, tcs),
                preferLocal: false);
        }
        finally
        {
            slot.Gate.Exit();
        }
    }
}
