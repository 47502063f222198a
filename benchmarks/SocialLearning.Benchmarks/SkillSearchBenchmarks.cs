using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Benchmarks;

/// <summary>
/// Skills by what workers call them, on a taxonomy the size of ESCO's (about 14,000 skills with three alternative
/// labels each; in-memory store and SQLite in a temporary file): <see cref="ISkillService.FindAsync"/> for a skill
/// picker, and sharing a tip whose skill is given by an alias against the same tip given by id. Both read the skills
/// from the catalog the services keep current from the change feed. Baseline: reading every skill from the store,
/// which is what each search paid before the catalog.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class SkillSearchBenchmarks
{
    private static readonly TenantId Tenant = new("taxonomy");
    private static readonly string[] Words =
    [
        "apply", "manage", "data", "analysis", "spreadsheet", "modelling", "budget", "report", "customer", "service",
        "quality", "control", "software", "testing", "design", "safety", "procedures", "machine", "operation", "teaching",
        "language", "planning", "project", "risk", "assessment", "marketing", "sales", "financial", "legal", "compliance",
    ];

    private ISocialLearningStore _store = null!;
    private ISkillService _skills = null!;
    private IContributionService _contributions = null!;
    private int _shared;

    private BenchmarkStore _bench = null!;

    /// <summary>ESCO's size; 500 under CI's dry run (SOCIALLEARNING_BENCH_DRY=1), which only checks that every row runs.</summary>
    [ParamsSource(nameof(SkillCounts))]
    public int Skills { get; set; }

    public static IEnumerable<int> SkillCounts => [Environment.GetEnvironmentVariable("SOCIALLEARNING_BENCH_DRY") == "1" ? 500 : 14_000];

    [Params("InMemory", "Sqlite")]
    public string Store { get; set; } = "InMemory";

    [GlobalSetup]
    public async Task Setup()
    {
        _bench = new BenchmarkStore(Store, "sl-skill-bench-");
        _store = _bench.Store;
        _skills = _bench.Provider.GetRequiredService<ISkillService>();
        _contributions = _bench.Provider.GetRequiredService<IContributionService>();
        var random = new Random(2026);
        string Phrase(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));
        for (var s = 0; s < Skills; s++)
        {
            await _store.CreateSkillAsync(new Skill
            {
                Tenant = Tenant,
                Id = new SkillId($"esco-{s:x8}-5a64-4e0c-ade3-0140348d4125"),
                Name = Phrase(2 + random.Next(3)) + " " + s,
                Aliases = [Phrase(2), Phrase(3), Phrase(2) + " " + s],
                CreatedAt = DateTimeOffset.UnixEpoch,
            });
        }

        await _store.CreateSkillAsync(new Skill { Tenant = Tenant, Id = new SkillId("esco-target"), Name = "freeze header rows", Aliases = ["frozen panes"], CreatedAt = DateTimeOffset.UnixEpoch });
        await _store.CreateLearnerAsync(new Learner { Tenant = Tenant, Id = new LearnerId("ada"), DisplayName = "Ada", CreatedAt = DateTimeOffset.UnixEpoch });
    }

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Baseline = true, Description = "read every skill (floor)")]
    public async Task<int> ReadSkills()
    {
        var n = 0;
        await foreach (var skill in _store.ListSkillsAsync(Tenant))
        {
            n += skill.Aliases.Count;
        }

        return n;
    }

    [Benchmark(Description = "search: a prefix ('spreadsh', thousands of matches)")]
    public Task<IReadOnlyList<Skill>> SearchPrefix() => _skills.FindAsync(Tenant, "spreadsh", 10);

    [Benchmark(Description = "search: an exact alias ('frozen panes', one match)")]
    public Task<IReadOnlyList<Skill>> SearchExact() => _skills.FindAsync(Tenant, "Frozen Panes", 10);

    [Benchmark(Description = "search right after a skill changed (skills listed and labels indexed again)")]
    public async Task<IReadOnlyList<Skill>> SearchAfterChange()
    {
        await _skills.DefineSkillAsync(Tenant, new SkillId("esco-changing"), "changing skill " + Interlocked.Increment(ref _shared));
        return await _skills.FindAsync(Tenant, "spreadsh", 10);
    }

    [Benchmark(Description = "share a tip, skill by id")]
    public Task<Contribution> ShareById() => Share("esco-target");

    [Benchmark(Description = "share a tip, skill by alias")]
    public Task<Contribution> ShareByAlias() => Share("Frozen panes");

    private Task<Contribution> Share(string skill) => _contributions.ShareAsync(new ShareContributionRequest
    {
        Tenant = Tenant,
        Author = new LearnerId("ada"),
        Title = "Freeze the header row " + Interlocked.Increment(ref _shared),
        Body = "View, then Freeze panes.",
        Skills = [skill],
    });
}
