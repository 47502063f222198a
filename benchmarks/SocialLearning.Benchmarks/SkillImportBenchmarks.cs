using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Benchmarks;

/// <summary>
/// Seeding a skill graph: 2,000 skills with three aliases each and 4,000 edges (a broader tree and related pairs) into
/// an empty tenant, in memory and in a SQLite file (the default synchronous mode). Baseline: one awaited store write
/// after another, which is what <c>SkillGraphData.ImportAsync</c> did before <see cref="ISkillService.ImportAsync"/>;
/// then the service's import (every entry checked, then writes 64 at a time, which SQLite commits together), and the
/// same import again into a seeded tenant, which reads and compares and writes nothing. Every invocation gets a new store.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
[InvocationCount(1)]
public class SkillImportBenchmarks
{
    private static readonly TenantId Tenant = new("taxonomy");
    private BenchmarkStore? _bench;
    private ISocialLearningStore _store = null!;
    private ISkillService _skills = null!;
    private SkillDefinition[] _definitions = [];
    private SkillEdgeDefinition[] _edges = [];

    /// <summary>2,000 skills; 200 under CI's dry run (SOCIALLEARNING_BENCH_DRY=1), which only checks that every row runs.</summary>
    [ParamsSource(nameof(SkillCounts))]
    public int Skills { get; set; }

    public static IEnumerable<int> SkillCounts => [Environment.GetEnvironmentVariable("SOCIALLEARNING_BENCH_DRY") == "1" ? 200 : 2_000];

    [Params("InMemory", "Sqlite")]
    public string Store { get; set; } = "InMemory";

    [GlobalSetup]
    public void Setup()
    {
        _definitions = [.. Enumerable.Range(0, Skills).Select(i => new SkillDefinition
        {
            Id = new SkillId($"esco-{i:x8}"),
            Name = $"skill number {i}",
            Aliases = [$"alias {i}", $"other name {i}", $"label {i} of the skill"],
            Description = "A skill defined by the taxonomy, with a sentence or two about what it covers.",
        })];
        var random = new Random(2026);
        _edges = [.. Enumerable.Range(1, Skills - 1).SelectMany(i => new[]
        {
            new SkillEdgeDefinition { From = _definitions[i].Id, To = _definitions[(i - 1) / 8].Id, Kind = SkillEdgeKind.Broader },
            new SkillEdgeDefinition { From = _definitions[i].Id, To = _definitions[random.Next(i)].Id, Kind = SkillEdgeKind.Related, Weight = 0.5 },
        }).Where(e => e.From != e.To).DistinctBy(e => (e.From, e.To, e.Kind))];
    }

    /// <summary>A new store for every invocation (the in-memory store scans every tenant's skills when it lists one's).</summary>
    [IterationSetup(Targets = [nameof(OneWriteAtATime), nameof(Import)])]
    public void EmptyStore() => Open();

    [IterationSetup(Target = nameof(ImportAgain))]
    public void SeededStore()
    {
        Open();
        _skills.ImportAsync(Tenant, _definitions, _edges).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void Close()
    {
        _bench?.Dispose();
        _bench = null;
    }

    private void Open()
    {
        _bench = new BenchmarkStore(Store, "sl-import-bench-");
        _store = _bench.Store;
        _skills = _bench.Provider.GetRequiredService<ISkillService>();
    }

    [Benchmark(Baseline = true, Description = "one store write after another")]
    public async Task<int> OneWriteAtATime()
    {
        var tenant = Tenant;
        foreach (var s in _definitions)
        {
            await _store.CreateSkillAsync(new Skill { Tenant = tenant, Id = s.Id, Name = s.Name, Aliases = s.Aliases, Description = s.Description, CreatedAt = DateTimeOffset.UnixEpoch });
        }

        var added = 0;
        foreach (var e in _edges)
        {
            added += await _store.AddSkillEdgeAsync(new SkillEdge { Tenant = tenant, From = e.From, To = e.To, Kind = e.Kind, Weight = e.Weight }) ? 1 : 0;
        }

        return added;
    }

    [Benchmark(Description = "ISkillService.ImportAsync into an empty tenant")]
    public async Task<int> Import() => (await _skills.ImportAsync(Tenant, _definitions, _edges)).EdgesAdded;

    [Benchmark(Description = "the same import again (nothing written)")]
    public async Task<int> ImportAgain() => (await _skills.ImportAsync(Tenant, _definitions, _edges)).SkillsUnchanged;
}
