using Lucene.Net.Search;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SocialLearning.Index;
using SocialLearning.Ranking;
using SocialLearning.Recommendations;
using SocialLearning.Testing.Data;

namespace SocialLearning.Benchmarks;

/// <summary>Runs one query on each system; shared by the BenchmarkDotNet benchmarks and the latency harness.</summary>
internal sealed class TipRunners
{
    private readonly TipCorpus _corpus;
    private readonly TipEngine _engine = new(new RecommendationOptions());
    private readonly ITipRanker _blend = new BlendTipRanker(Microsoft.Extensions.Options.Options.Create(new RecommendationOptions()));
    private readonly int[] _docs = new int[10];
    private readonly double[] _scores = new double[10];
    private SqliteCommand? _fts;
    private SqliteParameter? _ftsQuery;

    public TipRunners(TipCorpus corpus)
    {
        _corpus = corpus;
        if (corpus.Sqlite is not null)
        {
            _fts = corpus.Sqlite.CreateCommand();
            _fts.CommandText = "SELECT rowid FROM docs WHERE docs MATCH $q ORDER BY bm25(docs) LIMIT 10";
            _ftsQuery = _fts.Parameters.Add("$q", SqliteType.Text);
            _fts.Prepare();
        }
    }

    /// <summary>SocialLearning engine, blend ranker, top 10; returns candidates scored.</summary>
    public int Engine(int q)
    {
        _engine.Search(_corpus.Index, _corpus.Requests[q], _blend, _corpus.Now, 10, _docs, _scores, out var scored);
        return scored;
    }

    /// <summary>Lucene.NET BM25 top 10 over the same clauses; returns total hits.</summary>
    public int Lucene(int q) => _corpus.LuceneSearcher!.Search(_corpus.LuceneQueries[q], 10).TotalHits;

    /// <summary>SQLite FTS5 bm25() top 10; returns rows read.</summary>
    public int Fts5(int q)
    {
        _ftsQuery!.Value = _corpus.FtsQueries[q];
        using var reader = _fts!.ExecuteReader();
        var n = 0;
        while (reader.Read())
        {
            n++;
        }

        return n;
    }
}

/// <summary>Peers and paths fixtures: 100k people; a 10k-skill graph.</summary>
internal sealed class PeopleCorpus
{
    private static PeopleCorpus? s_instance;
    public static readonly TenantId Tenant = new("bench-people");

    public required TenantIndex Index { get; init; }
    public required PeerFinder Finder { get; init; }
    public required IPeerRanker Fusion { get; init; }
    public required IPeerRanker Affinity { get; init; }

    public required PeerRankerRegistry PeerRankers { get; init; }
    public required LearningPathPlanner Planner { get; init; }
    public required ILearningStepRanker StepRanker { get; init; }

    public required StepRankerRegistry StepRankers { get; init; }
    public required PeerRequest[] PeerRequests { get; init; }
    public required PeerRequest[] PeerTextRequests { get; init; }
    public required LearningPathRequest[] PathRequests { get; init; }
    public required LearningPathRequest[] FullPathRequests { get; init; }
    public required DateTimeOffset Now { get; init; }

    public static PeopleCorpus Get()
    {
        if (s_instance is not null)
        {
            return s_instance;
        }

        var options = new SyntheticCorpusOptions
        {
            Seed = 99,
            Learners = 100_000,
            Contributions = 400_000,
            Skills = 10_000,
            ContextKeys = 5_000,
            Vocabulary = 50_000,
        };
        var corpus = new SyntheticCorpus(Tenant, options);
        var index = new TenantIndex(Tenant, TimeSpan.FromDays(180).TotalSeconds);
        foreach (var learner in corpus.Learners())
        {
            index.UpsertLearner(learner);
        }

        foreach (var skill in corpus.Skills())
        {
            index.UpsertSkill(skill);
        }

        index.SetEdges(corpus.SkillEdges().ToList());
        var now = options.Start + options.Span;
        foreach (var group in corpus.Evidence().GroupBy(e => e.Learner))
        {
            index.SetEvidence(group.Key, group.ToList(), now, TimeSpan.FromDays(365));
        }

        foreach (var item in corpus.Items())
        {
            index.Upsert(item.Contribution, item.Counters);
        }

        index.TrimExcess();
        var services = new ServiceCollection();
        services.AddSocialLearning().UseInMemoryStorage().ConfigureRecommendations(o => o.ExpertiseRankRefreshInterval = TimeSpan.FromHours(1));
        var provider = services.BuildServiceProvider();
        var finder = provider.GetRequiredService<PeerFinder>();
        var peerRankers = provider.GetRequiredService<PeerRankerRegistry>();
        var planner = (LearningPathPlanner)provider.GetRequiredService<ILearningPathPlanner>();
        var queries = corpus.Queries(1_000, seed: 5);
        var random = new Random(3);
        s_instance = new PeopleCorpus
        {
            Index = index,
            Finder = finder,
            Fusion = peerRankers.Get("fusion"),
            Affinity = peerRankers.Get("affinity"),
            PeerRankers = peerRankers,
            Planner = planner,
            StepRanker = provider.GetRequiredService<StepRankerRegistry>().Get("blend"),
            StepRankers = provider.GetRequiredService<StepRankerRegistry>(),
            PeerRequests = queries.Select(q => new PeerRequest { Tenant = Tenant, Asker = q.Learner, Skills = q.Skills, K = 10 }).ToArray(),
            PeerTextRequests = queries.Select(q => new PeerRequest { Tenant = Tenant, Asker = q.Learner, Skills = q.Skills, Text = q.Text, K = 10 }).ToArray(),
            PathRequests = Enumerable.Range(0, 200).Select(i => new LearningPathRequest
            {
                Tenant = Tenant,
                Learner = new LearnerId(SyntheticCorpus.LearnerId(random.Next(options.Learners))),
                TargetSkills = [SyntheticCorpus.SkillId(random.Next(5_000, options.Skills))],
                MaxSteps = 10,
                TipsPerStep = 0,
                MentorsPerStep = 0,
            }).ToArray(),
            FullPathRequests = Enumerable.Range(0, 200).Select(i => new LearningPathRequest
            {
                Tenant = Tenant,
                Learner = new LearnerId(SyntheticCorpus.LearnerId(random.Next(options.Learners))),
                TargetSkills = [SyntheticCorpus.SkillId(random.Next(5_000, options.Skills))],
                MaxSteps = 10,
                TipsPerStep = 3,
                MentorsPerStep = 2,
            }).ToArray(),
            Now = now,
        };

        // Warm the cached derived structures (ExpertiseRank, graph, transitions) once, as a running service would.
        s_instance.Peer(0, text: false);
        s_instance.Path(0, full: false);
        return s_instance;
    }

    public int Peer(int q, bool text) =>
        Finder.Find(Index, text ? PeerTextRequests[q] : PeerRequests[q], Fusion, "fusion", null, Now, balance: false).CandidatesScored;

    /// <summary>Top 10 people for skills + words with any registered peer ranker, explained; returns candidates scored.</summary>
    public int Peer(int q, string ranker) =>
        Finder.Find(Index, PeerTextRequests[q], PeerRankers.Get(ranker), ranker, null, Now, balance: false).CandidatesScored;

    public int Path(int q, bool full) =>
        Planner.Plan(Index, full ? FullPathRequests[q] : PathRequests[q], StepRanker, Now).Steps.Count;

    /// <summary>A 10-step path with no target ("what next") for request <paramref name="q"/>'s learner, with any step ranker.</summary>
    public int Suggest(int q, string ranker, bool includeMastered) =>
        Planner.Plan(Index, PathRequests[q] with { TargetSkills = [], IncludeMastered = includeMastered }, StepRankers.Get(ranker), Now).Steps.Count;
}

/// <summary>Full recommendations (ranked and explained) with any registered tip ranker, as <c>ITipRecommender</c> runs them.</summary>
internal sealed class TipRankerRunners
{
    private readonly TipCorpus _corpus;
    private readonly TipEngine _engine;
    private readonly TipRankerRegistry _registry;
    private readonly TipRequest[] _requests;

    public TipRankerRunners(TipCorpus corpus)
    {
        _corpus = corpus;
        var services = new ServiceCollection();
        services.AddSocialLearning().UseInMemoryStorage().AddTipRanker<HostNewestFirst>(HostNewestFirst.Name);
        var provider = services.BuildServiceProvider();
        _registry = provider.GetRequiredService<TipRankerRegistry>();
        _engine = new TipEngine(provider.GetRequiredService<IOptions<RecommendationOptions>>().Value, _registry);
        _requests = corpus.Requests.Select(r => r with { K = 10 }).ToArray();
    }

    /// <summary>Ranks and explains the top 10 of query <paramref name="q"/>; returns the number of items.</summary>
    public int Recommend(string ranker, int q) =>
        _engine.Recommend(_corpus.Index, _requests[q], _registry.Get(ranker), ranker, null, _corpus.Now).Items.Count;
}

/// <summary>
/// A ranker as a host would write it against the public API (<see cref="ITipRanker"/> only): newest first. The engine
/// cannot see inside it, so it gathers every candidate and takes the top k of the scores it fills.
/// </summary>
internal sealed class HostNewestFirst : ITipRanker
{
    public const string Name = "host-newest-first";

    public void Score(TipRankingContext context, Span<double> scores)
    {
        var created = context.Features.CreatedAtSeconds;
        var candidates = context.Candidates;
        for (var i = 0; i < candidates.Length; i++)
        {
            scores[i] = created[candidates[i]];
        }
    }

    public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation) =>
        explanation.Add(new ExplanationSignal { Signal = Name, Value = context.Features.CreatedAtSeconds[context.Candidates[candidate]], Text = "newest first" });
}

