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

    internal static TenantIndex Build(SyntheticCorpus corpus)
    {
        var index = new TenantIndex(corpus.Tenant, TimeSpan.FromDays(180).TotalSeconds);
        foreach (var item in corpus.Items())
        {
            index.Upsert(item.Contribution, item.Counters);
        }

        return index;
    }

    /// <summary>Wraps a linear ranker so the engine cannot see it is linear and scores every candidate.</summary>
    private sealed class Exhaustive(ITipRanker inner) : ITipRanker
    {
        public void Score(TipRankingContext context, Span<double> scores) => inner.Score(context, scores);

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation) => inner.Explain(context, candidate, explanation);
    }

    [Theory]
    [InlineData("blend")]
    [InlineData("bm25")]
    [InlineData("overlap")]
    [InlineData("personal-fit")]
    public void Pruned_top_k_equals_exhaustive_top_k(string name)
    {
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 8_000, Learners = 300, Skills = 80, ContextKeys = 200, Vocabulary = 4_000 });
        var index = Build(corpus);
        var options = Options.Create(new RecommendationOptions());
        ITipRanker ranker = name switch
        {
            "blend" => new BlendTipRanker(options),
            "bm25" => new Bm25TipRanker(options),
            "overlap" => new OverlapTipRanker(options),
            _ => new PersonalFitTipRanker(options),
        };
        var engine = new TipEngine(options.Value);
        var now = corpus.Options.Start + corpus.Options.Span;
        int prunedScored = 0, exhaustiveScored = 0;
        var docsA = new int[10];
        var docsB = new int[10];
        var scoresA = new double[10];
        var scoresB = new double[10];
        foreach (var query in corpus.Queries(60))
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

        Assert.True(prunedScored < exhaustiveScored, $"MaxScore scored {prunedScored} candidates, exhaustive {exhaustiveScored}: nothing was pruned.");
    }
}
