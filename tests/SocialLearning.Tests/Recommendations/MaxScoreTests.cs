using Microsoft.Extensions.Options;
using SocialLearning.Index;
using SocialLearning.Ranking;
using SocialLearning.Recommendations;
using SocialLearning.Testing.Data;

namespace SocialLearning.Tests.Recommendations;

/// <summary>MaxScore pruning must return exactly what scoring every candidate returns.</summary>
public sealed class MaxScoreTests
{
    private static readonly TenantId Tenant = new("maxscore");

    internal static TenantIndex Build(SyntheticCorpus corpus, bool threadExpansion = false, int titleWeight = 1)
    {
        var index = new TenantIndex(corpus.Tenant, TimeSpan.FromDays(180).TotalSeconds, threadExpansion: threadExpansion, titleWeight: titleWeight);
        var seen = new Dictionary<string, (Contribution Contribution, ContributionCounters Counters)>(StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in corpus.Items())
        {
            // As the feed follower does: an answer re-indexes its question, whose text (and length) grows.
            seen[item.Contribution.Id.Value] = (item.Contribution, item.Counters);
            changed.Clear();
            index.UpdateThread(item.Contribution, changed);
            index.Upsert(item.Contribution, item.Counters);
            foreach (var parent in changed)
            {
                if (seen.TryGetValue(parent, out var p))
                {
                    index.Upsert(p.Contribution, p.Counters);
                }
            }
        }

        return index;
    }

    /// <summary>Wraps a ranker so the engine cannot see its type (linear, prior-only) and scores every gathered candidate.</summary>
    internal sealed class Exhaustive(ITipRanker inner) : ITipRanker
    {
        public void Score(TipRankingContext context, Span<double> scores) => inner.Score(context, scores);

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation) => inner.Explain(context, candidate, explanation);
    }

    /// <summary>
    /// Runs each query pruned and exhaustively and asserts the same top 10: count, scores, the same documents, and the
    /// same document at every rank whose score differs from the next one. Returns the candidates each scored.
    /// </summary>
    private static (int Pruned, int Exhaustive) ComparePrunedWithExhaustive(
        SyntheticCorpus corpus, TenantIndex index, RecommendationOptions options, ITipRanker ranker, IEnumerable<SyntheticQuery> queries)
    {
        var engine = new TipEngine(options);
        var now = corpus.Options.Start + corpus.Options.Span;
        int prunedScored = 0, exhaustiveScored = 0;
        var docsA = new int[10];
        var docsB = new int[10];
        var scoresA = new double[10];
        var scoresB = new double[10];
        foreach (var query in queries)
        {
            var request = query.ToRequest(Tenant);
            var a = engine.Search(index, request, ranker, now, 10, docsA, scoresA, out var sa);
            var b = engine.Search(index, request, new Exhaustive(ranker), now, 10, docsB, scoresB, out var sb);
            Assert.Equal(b, a);
            for (var i = 0; i < a; i++)
            {
                Assert.Equal(scoresB[i], scoresA[i], 1e-9);
                if (i + 1 < a && Math.Abs(scoresB[i] - scoresB[i + 1]) > 1e-9)
                {
                    Assert.Equal(docsB[i], docsA[i]);
                }
            }

            Assert.Equal(docsB.Take(b).Order(), docsA.Take(a).Order());
            prunedScored += sa;
            exhaustiveScored += sb;
        }

        return (prunedScored, exhaustiveScored);
    }

    [Theory]
    [InlineData("blend", false)]
    [InlineData("bm25", false)]
    [InlineData("overlap", false)]
    [InlineData("personal-fit", false)]
    [InlineData("blend", true)]
    [InlineData("bm25", true)]
    public void Pruned_top_k_equals_exhaustive_top_k(string name, bool threadExpansion)
    {
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 8_000, Learners = 300, Skills = 80, ContextKeys = 200, Vocabulary = 4_000 });
        var index = Build(corpus, threadExpansion, threadExpansion ? 2 : 1);
        if (threadExpansion)
        {
            // The threaded build must really have grown questions (re-indexed them), or this case tests nothing new.
            Assert.True(index.DocumentCount > corpus.Items().Count(), "No question was re-indexed with its answers.");
        }

        var options = Options.Create(new RecommendationOptions());
        ITipRanker ranker = name switch
        {
            "blend" => new BlendTipRanker(options),
            "bm25" => new Bm25TipRanker(options),
            "overlap" => new OverlapTipRanker(options),
            _ => new PersonalFitTipRanker(options),
        };
        var (prunedScored, exhaustiveScored) = ComparePrunedWithExhaustive(corpus, index, options.Value, ranker, corpus.Queries(60));
        Assert.True(prunedScored < exhaustiveScored, $"MaxScore scored {prunedScored} candidates, exhaustive {exhaustiveScored}: nothing was pruned.");
    }

    [Fact]
    public void Pruned_top_k_equals_exhaustive_after_votes_raise_and_lower_quality()
    {
        // The per-document quality bound and the per-block bounds must follow counters that change after indexing.
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 6_000, Learners = 300, Skills = 80, ContextKeys = 200, Vocabulary = 4_000 });
        var index = Build(corpus);
        var random = new Random(11);
        foreach (var item in corpus.Items())
        {
            if (random.NextDouble() < 0.3)
            {
                var helpful = random.Next(0, 60);
                index.SetCounters(item.Contribution.Id, new ContributionCounters { Helpful = helpful, NotHelpful = random.Next(0, 60 - helpful + 1) });
            }
        }

        var options = Options.Create(new RecommendationOptions());
        var ranker = new BlendTipRanker(options);
        var (prunedScored, exhaustiveScored) = ComparePrunedWithExhaustive(corpus, index, options.Value, ranker, corpus.Queries(60, seed: 3));
        Assert.True(prunedScored < exhaustiveScored / 2, $"MaxScore scored {prunedScored} candidates, exhaustive {exhaustiveScored}.");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    [InlineData(1_000)]
    [InlineData(65_535)]
    public void Length_code_never_decodes_above_the_length(int length)
    {
        var code = PostingList.LengthCode(length);
        Assert.True(PostingList.LengthFloor[code] <= length, $"code {code} decodes to {PostingList.LengthFloor[code]} > {length}");
        Assert.True(length < 64 ? PostingList.LengthFloor[code] == length : PostingList.LengthFloor[code] > length * 0.9, $"code {code} decodes to {PostingList.LengthFloor[code]}, too far below {length}");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.999f)]
    [InlineData(1f)]
    public void Quality_bound_is_never_below_the_quality(float quality)
    {
        var bound = TenantIndex.QualityBoundOf(quality);
        Assert.True(bound / 255.0 >= quality, $"{bound}/255 < {quality}");
        Assert.True(bound / 255.0 <= quality + (1.0 / 255) + 1e-6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.7)]
    [InlineData(63.99)]
    [InlineData(100.0)]
    [InlineData(10_000.0)]
    public void Freshness_bound_is_never_below_freshness(double halfLives)
    {
        var exact = Formulas.Freshness(halfLives * 86_400, 86_400);
        var bound = TipEngine.FreshnessBound(16 * halfLives);
        Assert.True(bound >= exact, $"{bound} < {exact}");
        Assert.True(halfLives > 60 || bound <= exact * Math.Pow(2, 1 / 16.0) * (1 + 1e-9), $"{bound} is more than one step above {exact}");
    }
}
