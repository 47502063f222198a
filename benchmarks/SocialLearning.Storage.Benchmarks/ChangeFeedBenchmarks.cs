using BenchmarkDotNet.Attributes;

namespace SocialLearning.Storage.Benchmarks;

/// <summary>
/// Change-feed read throughput: a follower reads 100,000 committed changes from position 0 in pages.
/// Results are per change (OperationsPerInvoke), so 1 / mean is changes per second.
/// </summary>
[MemoryDiagnoser]
public class ChangeFeedBenchmarks
{
    private const int Changes = 100_000;
    private StoreProvider _provider = null!;
    private ISocialLearningStore _store = null!;
    private long _from;

    [ParamsSource(typeof(StoreProviders), nameof(StoreProviders.Names))]
    public string Provider { get; set; } = "";

    [Params(1_000, 10_000)]
    public int PageSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _provider = StoreProviders.Create(Provider);
        _store = await _provider.CreateAsync();
        await Seed.LearnersAsync(_store, 100);
        await Seed.ContributionsAsync(_store, 1_000, 100);
        _from = await _store.GetHeadPositionAsync();
        var batch = new List<Interaction>(10_000);
        for (var i = 0; i < Changes; i++)
        {
            batch.Add(new Interaction { Tenant = Seed.Tenant, ContributionId = Seed.Contribution(i % 1_000), Learner = Seed.Learner(i % 100), Kind = InteractionKind.Viewed, OccurredAt = Seed.T0 });
            if (batch.Count == batch.Capacity)
            {
                await _provider.AppendBatchAsync(_store, batch);
                batch.Clear();
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _provider.DisposeAsync();

    [Benchmark(OperationsPerInvoke = Changes)]
    public async Task<long> ReadFeed()
    {
        var after = _from;
        long read = 0;
        while (read < Changes)
        {
            var batch = await _store.ReadChangesAsync(after, PageSize);
            read += batch.Changes.Count;
            after = batch.LastPosition;
        }

        return read;
    }
}
