using BenchmarkDotNet.Attributes;

namespace SocialLearning.Storage.Benchmarks;

/// <summary>
/// Time to load (list) 100,000 contributions, as the recommendation index does at start-up.
/// <c>ListAll</c> uses an open store; <c>ReopenAndListAll</c> opens a new store over the same data first
/// (a restart: new connections, schema check, cold statement cache; the OS page cache stays warm).
/// </summary>
[MemoryDiagnoser]
public class LoadContributionsBenchmarks
{
    private const int Count = 100_000;
    private StoreProvider _provider = null!;
    private ISocialLearningStore _store = null!;

    [ParamsSource(typeof(StoreProviders), nameof(StoreProviders.Names))]
    public string Provider { get; set; } = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _provider = StoreProviders.Create(Provider);
        _store = await _provider.CreateAsync();
        await Seed.LearnersAsync(_store, 500);
        await Seed.ContributionsAsync(_store, Count, 500);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _provider.DisposeAsync();

    [Benchmark(Baseline = true)]
    public Task<int> ListAll() => CountAsync(_store);

    [Benchmark]
    public async Task<int> ReopenAndListAll()
    {
        var store = await _provider.ReopenAsync(_store);
        var count = await CountAsync(store);
        if (!ReferenceEquals(store, _store) && store is IDisposable disposable)
        {
            disposable.Dispose();
        }

        return count;
    }

    private static async Task<int> CountAsync(ISocialLearningStore store)
    {
        var count = 0;
        await foreach (var contribution in store.ListContributionsAsync(Seed.Tenant))
        {
            count += contribution.Body.Length > 0 ? 1 : 0;
        }

        if (count != Count)
        {
            throw new InvalidOperationException($"Listed {count} contributions, expected {Count}.");
        }

        return count;
    }
}
