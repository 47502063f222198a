using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

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

    [Benchmark(OperationsPerInvoke = Ops, Description = "rrf")]
    public int Rrf() => Run("rrf");

    [Benchmark(OperationsPerInvoke = Ops, Description = "mmr")]
    public int Mmr() => Run("mmr");

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
