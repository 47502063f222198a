using BenchmarkDotNet.Attributes;

namespace SocialLearning.Storage.Benchmarks;

/// <summary>
/// Feed-follow latency: one interaction is written through one store instance and the benchmark waits until a follower
/// on a second instance (<see cref="StoreProvider.ReopenAsync"/>, as on another app server) has read it from the change
/// feed. The follower sleeps on <see cref="IChangeNotifier"/> where the store offers it (PostgreSQL: LISTEN/NOTIFY) and
/// otherwise polls every millisecond. <c>WriteOnly</c> is the same write without waiting, for the difference.
/// </summary>
[MemoryDiagnoser]
public class FeedFollowLatencyBenchmarks
{
    private StoreProvider _provider = null!;
    private ISocialLearningStore _writer = null!;
    private ISocialLearningStore _follower = null!;
    private CancellationTokenSource _stop = null!;
    private Task _followLoop = null!;
    private long _seen;
    private long _written;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [ParamsSource(typeof(StoreProviders), nameof(StoreProviders.Names))]
    public string Provider { get; set; } = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _provider = StoreProviders.Create(Provider);
        _writer = await _provider.CreateAsync();
        await Seed.LearnersAsync(_writer, 10);
        await Seed.ContributionsAsync(_writer, 10, 10);
        _follower = await _provider.ReopenAsync(_writer);
        var start = await _follower.GetHeadPositionAsync();
        _stop = new CancellationTokenSource();
        _followLoop = Task.Run(() => FollowAsync(start, _stop.Token));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _followLoop;
        }
        catch (OperationCanceledException)
        {
        }

        await _provider.DisposeAsync();
    }

    private async Task FollowAsync(long after, CancellationToken stop)
    {
        var notifier = _follower as IChangeNotifier;
        while (!stop.IsCancellationRequested)
        {
            var batch = await _follower.ReadChangesAsync(after, 1_000, cancellationToken: stop);
            after = batch.LastPosition;
            if (batch.Changes.Count > 0)
            {
                Interlocked.Add(ref _seen, batch.Changes.Count(c => c.Kind == ChangeKind.InteractionRecorded));
                Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                continue;
            }

            if (notifier is not null)
            {
                await notifier.WaitForChangesAsync(after, TimeSpan.FromSeconds(1), stop);
            }
            else
            {
                await Task.Delay(1, stop);
            }
        }
    }

    private Task WriteAsync()
    {
        var i = Interlocked.Increment(ref _written);
        return _writer.AppendInteractionAsync(new Interaction
        {
            Tenant = Seed.Tenant,
            ContributionId = Seed.Contribution((int)(i % 10)),
            Learner = Seed.Learner((int)(i % 10)),
            Kind = InteractionKind.Viewed,
            OccurredAt = Seed.T0,
        });
    }

    [Benchmark(Baseline = true)]
    public Task WriteOnly() => WriteAsync();

    [Benchmark]
    public async Task WriteThenSeenByFollower()
    {
        await WriteAsync();
        var target = Volatile.Read(ref _written);
        while (Volatile.Read(ref _seen) < target)
        {
            var progress = Volatile.Read(ref _progress);
            if (Volatile.Read(ref _seen) >= target)
            {
                break;
            }

            await progress.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
