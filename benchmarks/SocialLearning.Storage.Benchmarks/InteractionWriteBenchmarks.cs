using BenchmarkDotNet.Attributes;

namespace SocialLearning.Storage.Benchmarks;

/// <summary>
/// Interactions written per second. Every write is a vote that replaces the learner's previous vote on the item
/// (the heaviest path: unique-slot conflict, slot update, counters, log row, feed row). Results are per interaction
/// (OperationsPerInvoke), so 1 / mean is interactions per second.
/// <list type="bullet">
/// <item><c>Single</c>: one awaited write at a time, as one request handler would: one transaction (and one sync) each.</item>
/// <item><c>Concurrent</c>: the same writes from 1,000 concurrent callers through the public contract; a store may group them (SQLite: group commit).</item>
/// <item><c>Batched</c>: the provider's own batch path (SQLite: one transaction for 1,000 interactions); the default is the concurrent path.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class InteractionWriteBenchmarks
{
    private const int Writes = 1_000;
    private const int Learners = 64;
    private const int Items = 100;

    private StoreProvider _provider = null!;
    private ISocialLearningStore _store = null!;
    private Interaction[][] _rounds = null!;
    private int _round;

    [ParamsSource(typeof(StoreProviders), nameof(StoreProviders.Names))]
    public string Provider { get; set; } = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _provider = StoreProviders.Create(Provider);
        _store = await _provider.CreateAsync();
        await Seed.LearnersAsync(_store, Learners);
        await Seed.ContributionsAsync(_store, Items, Learners);

        // Two rounds of the same 1,000 (learner, item) slots with opposite votes: after the first invocation every
        // write replaces a vote, so each invocation does the same work.
        _rounds = new Interaction[2][];
        for (var r = 0; r < 2; r++)
        {
            _rounds[r] = new Interaction[Writes];
            for (var i = 0; i < Writes; i++)
            {
                _rounds[r][i] = new Interaction
                {
                    Tenant = Seed.Tenant,
                    ContributionId = Seed.Contribution(i % Items),
                    Learner = Seed.Learner(i / Items % Learners),
                    Kind = r == 0 ? InteractionKind.Helpful : InteractionKind.NotHelpful,
                    OccurredAt = Seed.T0,
                };
            }
        }

        await _provider.AppendBatchAsync(_store, _rounds[1]);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _provider.DisposeAsync();

    private Interaction[] NextRound() => _rounds[_round++ & 1];

    [Benchmark(Baseline = true, OperationsPerInvoke = Writes)]
    public async Task Single()
    {
        foreach (var interaction in NextRound())
        {
            await _store.AppendInteractionAsync(interaction);
        }
    }

    [Benchmark(OperationsPerInvoke = Writes)]
    public async Task Concurrent()
    {
        var round = NextRound();
        var tasks = new Task[round.Length];
        for (var i = 0; i < round.Length; i++)
        {
            tasks[i] = _store.AppendInteractionAsync(round[i]);
        }

        await Task.WhenAll(tasks);
    }

    [Benchmark(OperationsPerInvoke = Writes)]
    public Task Batched() => _provider.AppendBatchAsync(_store, NextRound());
}
