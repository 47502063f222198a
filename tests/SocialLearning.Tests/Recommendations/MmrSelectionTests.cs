using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Index;
using SocialLearning.Ranking;
using SocialLearning.Recommendations;
using SocialLearning.Testing.Data;

namespace SocialLearning.Tests.Recommendations;

/// <summary>
/// MMR keeps, for each pool member, its highest similarity to the items picked so far and raises it once per pick
/// (O(pool²) similarities). That must pick exactly what the textbook greedy loop picks, which compares each
/// remaining member with every picked item on every round (O(pool³)).
/// </summary>
public sealed class MmrSelectionTests
{
    private static readonly TenantId Tenant = new("mmr");

    [Theory]
    [InlineData(10, 50, 0.5, "blend")]
    [InlineData(100, 50, 0.5, "blend")]
    [InlineData(30, 30, 0.2, "blend")]
    [InlineData(30, 30, 0.9, "blend")]
    [InlineData(30, 50, 0.5, "overlap")]   // few distinct base scores: ties in the MMR value, broken by pool order
    public async Task Picks_exactly_what_comparing_with_every_picked_item_picks(int k, int poolSize, double lambda, string baseRanker)
    {
        // Few skills and context keys, so that many pool members are similar and similarity ties are common.
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 3_000, Learners = 100, Skills = 12, ContextKeys = 20, Vocabulary = 1_500 });
        var index = MaxScoreTests.Build(corpus);
        await using var fixture = new EngineFixture(o =>
        {
            o.MmrPoolSize = poolSize;
            o.MmrLambda = lambda;
            o.MmrBaseRanker = baseRanker;
        });
        var registry = fixture.Provider.GetRequiredService<TipRankerRegistry>();
        var options = fixture.Provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RecommendationOptions>>().Value;
        var engine = new TipEngine(options);
        var now = corpus.Options.Start + corpus.Options.Span;
        var mmr = registry.Get("mmr");
        var reference = new CubicMmr(registry.Get(baseRanker), poolSize, lambda);
        var (docsA, scoresA, docsB, scoresB) = (new int[k], new double[k], new int[k], new double[k]);
        var reordered = 0;
        foreach (var query in corpus.Queries(40))
        {
            var request = query.ToRequest(Tenant, k);
            var a = engine.Search(index, request, mmr, now, k, docsA, scoresA, out _);
            var b = engine.Search(index, request, reference, now, k, docsB, scoresB, out _);
            Assert.Equal(b, a);
            Assert.Equal(docsB.Take(b), docsA.Take(a));
            Assert.Equal(scoresB.Take(b), scoresA.Take(a));
            var baseTop = new int[k];
            var baseScores = new double[k];
            var n = engine.Search(index, request, new MaxScoreTests.Exhaustive(registry.Get(baseRanker)), now, k, baseTop, baseScores, out _);
            reordered += baseTop.Take(n).SequenceEqual(docsA.Take(a)) ? 0 : 1;
        }

        // The case under test: diversification changed the base ranker's order, so similarities were used.
        Assert.True(reordered > 0, "MMR never changed the base ranker's order: the similarities were not exercised.");
    }

    /// <summary>The greedy loop as usually written: every round compares each remaining item with every picked item.</summary>
    private sealed class CubicMmr(ITipRanker baseRanker, int poolSize, double lambda) : ITipRanker
    {
        public void Score(TipRankingContext context, Span<double> scores)
        {
            var n = context.Candidates.Length;
            if (n == 0)
            {
                return;
            }

            var baseScores = new double[n];
            baseRanker.Score(context, baseScores);
            var pool = Math.Min(n, Math.Max(poolSize, context.Request.K));
            var top = new int[pool];
            Ranks.Top(baseScores, top);
            var max = Math.Max(1e-12, baseScores[top[0]]);
            var min = Math.Min(0, baseScores[Ranks.Last(baseScores)]);
            for (var i = 0; i < n; i++)
            {
                scores[i] = 0.5 * (baseScores[i] - min) / (max - min + 1e-12);
            }

            var features = context.Features as TipColumns;
            var picked = new List<int>(pool);
            var remaining = new List<int>(top);
            while (remaining.Count > 0)
            {
                var best = -1;
                var bestValue = double.NegativeInfinity;
                foreach (var i in remaining)
                {
                    var maxSim = 0.0;
                    foreach (var j in picked)
                    {
                        maxSim = Math.Max(maxSim, MmrTipRanker.Similarity(features, context.Candidates[i], context.Candidates[j]));
                    }

                    var value = (lambda * baseScores[i] / max) - ((1 - lambda) * maxSim);
                    if (value > bestValue)
                    {
                        bestValue = value;
                        best = i;
                    }
                }

                remaining.Remove(best);
                scores[best] = 1 + ((double)(pool - picked.Count) / pool);
                picked.Add(best);
            }
        }

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
        {
        }
    }
}
