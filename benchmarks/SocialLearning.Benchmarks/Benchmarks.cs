using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SocialLearning.Index;
using SocialLearning.Recommendations;
using SocialLearning.Ranking;
using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Benchmarks;

/// <summary>
/// Short in-process runs (the corpora are built once per process), with median, P95 and allocation columns.
/// With SOCIALLEARNING_BENCH_DRY=1 (CI's <c>--job Dry</c> smoke) it adds no job of its own, so only the command
/// line's job runs.
/// </summary>
public sealed class ShortInProcessConfig : ManualConfig
{
    public ShortInProcessConfig()
    {
        if (Environment.GetEnvironmentVariable("SOCIALLEARNING_BENCH_DRY") != "1")
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(5).WithId("short-inproc"));
        }

        AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
    }
}

/// <summary>Tip recommendation top 10 over the same corpus and the same 20 queries on three systems.</summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class TipQueryBenchmarks
{
    public const int Ops = 20;
    private TipRunners _run = null!;

    /// <summary>Corpus sizes (env SOCIALLEARNING_BENCH_SIZES, comma-separated; default 100000): FTS5 exists only up to SOCIALLEARNING_BENCH_FTS_MAX.</summary>
    public static IEnumerable<int> Sizes =>
        (Environment.GetEnvironmentVariable("SOCIALLEARNING_BENCH_SIZES") ?? "100000").Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture));

    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup() => _run = new TipRunners(TipCorpus.Get(Size, withBaselines: true));

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "SocialLearning blend (MaxScore)")]
    public int SocialLearning()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _run.Engine(q);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "Lucene.NET BM25")]
    public int Lucene()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _run.Lucene(q);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "SQLite FTS5 bm25()")]
    public int Fts5()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _run.Fts5(q);
        }

        return n;
    }
}

/// <summary>Peer finding top 10 over 100k people, and learning paths over a 10k-skill graph.</summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class PeopleBenchmarks
{
    public const int Ops = 50;
    private PeopleCorpus _people = null!;

    [GlobalSetup]
    public void Setup() => _people = PeopleCorpus.Get();

    [Benchmark(OperationsPerInvoke = Ops, Description = "peers: fusion, 1-2 skills")]
    public int Peers()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _people.Peer(q, text: false);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "peers: fusion, skills + text")]
    public int PeersWithText()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _people.Peer(q, text: true);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "path: 10 steps, graph only")]
    public int Path()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _people.Path(q, full: false);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "path: 10 steps, 3 tips + 2 mentors each")]
    public int PathWithTipsAndMentors()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _people.Path(q, full: true);
        }

        return n;
    }
}

/// <summary>
/// One full tip recommendation (rank the top 10 and explain each) per built-in tip ranker, over the same corpus and
/// queries. Linear rankers (blend, bm25) run MaxScore; the others score every candidate, so their cost grows with
/// the candidate count. Baseline: blend, the default.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class TipRankerBenchmarks
{
    public const int Ops = 5;
    private TipRankerRunners _run = null!;

    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    public static IEnumerable<int> Sizes => TipQueryBenchmarks.Sizes;

    [GlobalSetup]
    public void Setup() => _run = new TipRankerRunners(TipCorpus.Get(Size, withBaselines: false));

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "blend")]
    public int Blend() => Run("blend");

    [Benchmark(OperationsPerInvoke = Ops, Description = "bm25")]
    public int Bm25() => Run("bm25");

    [Benchmark(OperationsPerInvoke = Ops, Description = "recency")]
    public int Recency() => Run("recency");

    [Benchmark(OperationsPerInvoke = Ops, Description = "hot")]
    public int Hot() => Run("hot");

    [Benchmark(OperationsPerInvoke = Ops, Description = "popularity")]
    public int Popularity() => Run("popularity");

    [Benchmark(OperationsPerInvoke = Ops, Description = "wilson")]
    public int Wilson() => Run("wilson");

    [Benchmark(OperationsPerInvoke = Ops, Description = "bayesian")]
    public int Bayesian() => Run("bayesian");

    [Benchmark(OperationsPerInvoke = Ops, Description = "rrf")]
    public int Rrf() => Run("rrf");

    [Benchmark(OperationsPerInvoke = Ops, Description = "mmr")]
    public int Mmr() => Run("mmr");

    /// <summary>A host's own ranker through the public interface (newest first): the engine's generic path.</summary>
    [Benchmark(OperationsPerInvoke = Ops, Description = "host newest-first")]
    public int HostNewestFirst() => Run(SocialLearning.Benchmarks.HostNewestFirst.Name);

    private int Run(string ranker)
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _run.Recommend(ranker, q);
        }

        return n;
    }
}

/// <summary>
/// Top 10 people (skills + 2–3 words, explained) over 100k people per built-in peer ranker, the same 20 queries
/// each. Baseline: fusion, the ranker the latency targets are measured on.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class PeerRankerBenchmarks
{
    public const int Ops = 20;
    private PeopleCorpus _people = null!;

    [GlobalSetup]
    public void Setup() => _people = PeopleCorpus.Get();

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "fusion")]
    public int Fusion() => Run("fusion");

    [Benchmark(OperationsPerInvoke = Ops, Description = "answers")]
    public int Answers() => Run("answers");

    [Benchmark(OperationsPerInvoke = Ops, Description = "zscore")]
    public int ZScore() => Run("zscore");

    [Benchmark(OperationsPerInvoke = Ops, Description = "expertise-rank")]
    public int ExpertiseRank() => Run("expertise-rank");

    [Benchmark(OperationsPerInvoke = Ops, Description = "affinity")]
    public int Affinity() => Run("affinity");

    [Benchmark(OperationsPerInvoke = Ops, Description = "bm25")]
    public int Bm25() => Run("bm25");

    [Benchmark(OperationsPerInvoke = Ops, Description = "availability")]
    public int Availability() => Run("availability");

    [Benchmark(OperationsPerInvoke = Ops, Description = "learned")]
    public int Learned() => Run("learned");

    private int Run(string ranker)
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _people.Peer(q, ranker);
        }

        return n;
    }
}

/// <summary>
/// Derived per-tenant state over the 100k-people fixture (400k contributions). The first four rows rebuild one piece
/// each: what a request that found it stale used to pay inline (ExpertiseRank on every peer request, activity for
/// <c>availability</c>, history and, at +10% answers, the fit for <c>learned</c>). The last two are whole
/// <c>learned</c> requests (top 10, skills + words, explained): with the state current, and with the tenant written
/// to before every request and a 1 ms refresh interval, so every request finds its state stale and gets it as
/// it was while one rebuild runs in the background (<c>DerivedCache</c>). Baseline: ExpertiseRank.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class DerivedStateBenchmarks
{
    public const int Ops = 20;
    private PeopleCorpus _people = null!;
    private PeerFinder _changing = null!;
    private IPeerRanker _learnedChanging = null!;
    private Learner _touch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _people = PeopleCorpus.Get();
        var services = new ServiceCollection();
        services.AddSocialLearning().UseInMemoryStorage().ConfigureRecommendations(o => o.ExpertiseRankRefreshInterval = TimeSpan.FromMilliseconds(1));
        var provider = services.BuildServiceProvider();
        _changing = provider.GetRequiredService<PeerFinder>();
        _learnedChanging = provider.GetRequiredService<PeerRankerRegistry>().Get("learned");
        var first = _people.Index.LearnerAt(0);
        _touch = new Learner { Tenant = PeopleCorpus.Tenant, Id = new LearnerId(_people.Index.LearnerIds[0]), DisplayName = first.DisplayName ?? "learner", Team = first.Team, Roles = first.Roles.ToArray() };
        _people.Peer(0, "learned");
        _people.Suggest(0, "learned", includeMastered: true);
    }

    [Benchmark(Baseline = true, Description = "rebuild: expertise-rank")]
    public int ExpertiseRank() => ExpertiseRanks.Compute(_people.Index, 0.15, 20).Length;

    [Benchmark(Description = "rebuild: availability activity")]
    public int Activity() => PeerActivity.Compute(_people.Index, TimeSpan.FromDays(7).TotalSeconds, (_people.Now - TipFeatureColumns.Epoch).TotalSeconds).Recent.Length;

    [Benchmark(Description = "rebuild: learned history")]
    public int LearnedHistory() => LearnedPeerHistory.Compute(_people.Index, (_people.Now - TipFeatureColumns.Epoch).TotalSeconds).Answered;

    [Benchmark(Description = "rebuild: learned examples + fit")]
    public int LearnedFit()
    {
        var examples = LearnedPeerHistory.Examples(_people.Index);
        return examples.Count >= LearnedPeerModels.MinQuestions ? LearnedPeerFit.Fit(examples, LearnedPeerFeatures.Count).Weights.Length : 0;
    }

    [Benchmark(Description = "rebuild: learned step ranker's fit (skill interest)")]
    public int SkillInterest() => SkillInterestModel.Compute(_people.Index).Own.Count;

    [Benchmark(OperationsPerInvoke = Ops, Description = "request: path, no target, blend")]
    public int SuggestBlend()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _people.Suggest(q, "blend", includeMastered: false);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "request: path, no target, learned + IncludeMastered, state current")]
    public int SuggestLearned()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _people.Suggest(q, "learned", includeMastered: true);
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "request: learned, state current")]
    public int LearnedCurrent()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            n += _people.Peer(q, "learned");
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "request: learned, tenant changing")]
    public int LearnedChanging()
    {
        var n = 0;
        for (var q = 0; q < Ops; q++)
        {
            _people.Index.UpsertLearner(_touch);
            n += _changing.Find(_people.Index, _people.PeerTextRequests[q], _learnedChanging, "learned", null, _people.Now, balance: false).CandidatesScored;
        }

        return n;
    }
}
