using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Ranking;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

/// <summary>
/// RRF's top-depth selection (<see cref="Ranks.Top"/>, a bounded heap instead of a full sort) and its memo of the
/// component ranks between Score and Explain must give exactly what the full sort gives.
/// </summary>
public sealed class RrfSelectionTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 0, 5, 1 }, { 1, 1, 2 }, { 7, 3, 3 }, { 50, 10, 4 }, { 50, 50, 5 }, { 50, 80, 6 }, { 1_000, 100, 7 }, { 1_000, 1, 8 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Top_is_the_head_of_the_full_order(int n, int depth, int seed)
    {
        AssertTopIsHeadOfOrder(Scores(n, seed), depth);
    }

    [Theory]
    [InlineData("rising", 1_000, 100)]
    [InlineData("falling", 1_000, 100)]
    [InlineData("rising-ties", 1_000, 100)]
    [InlineData("falling-ties", 1_000, 30)]
    [InlineData("rising", 120, 100)]
    [InlineData("constant", 500, 50)]
    public void Top_is_the_head_of_the_full_order_for_sorted_scores(string shape, int n, int depth)
    {
        // Top seeds its heap from the end: sorted scores (recency over documents in creation order), with ties
        // straddling the seeded part, must still give the head of the order, ties by lower index.
        var scores = new double[n];
        for (var i = 0; i < n; i++)
        {
            scores[i] = shape switch
            {
                "rising" => i,
                "falling" => n - i,
                "rising-ties" => i / 37,
                "falling-ties" => (n - i) / 37,
                _ => 1.0,
            };
        }

        AssertTopIsHeadOfOrder(scores, depth);
    }

    private static void AssertTopIsHeadOfOrder(double[] scores, int depth)
    {
        var order = new int[scores.Length];
        Ranks.Order(scores, order);
        var top = new int[depth];

        var count = Ranks.Top(scores, top);

        Assert.Equal(Math.Min(scores.Length, depth), count);
        Assert.Equal(order.Take(count), top.Take(count));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RankOf_and_Last_are_places_in_the_full_order(int n, int depth, int seed)
    {
        _ = depth;
        var scores = Scores(n, seed);
        var order = new int[n];
        Ranks.Order(scores, order);
        for (var place = 0; place < n; place++)
        {
            Assert.Equal(place + 1, Ranks.RankOf(scores, order[place]));
        }

        if (n > 0)
        {
            Assert.Equal(order[n - 1], Ranks.Last(scores));
        }
    }

    [Fact]
    public async Task Fused_scores_and_explanations_follow_each_components_top_depth()
    {
        await using var f = new EngineFixture(o =>
        {
            o.RrfTipRankers.Clear();
            o.RrfTipRankers.Add("bm25");
            o.RrfTipRankers.Add("recency");
            o.RrfDepth = 4;
        });
        await f.Learner("ann");
        var random = new Random(11);
        for (var i = 0; i < 12; i++)
        {
            var words = string.Join(' ', Enumerable.Repeat("invoice", 1 + random.Next(4)).Concat(Enumerable.Repeat("filler", random.Next(6))));
            await f.Share("ann", $"Tip {i}", words, id: $"t{i:00}");
            f.Time.Advance(TimeSpan.FromMinutes(5 + random.Next(60)));
        }

        var bm25 = await f.Tips.RecommendAsync(Request("bob", text: "invoice", k: 12, ranker: "bm25"));
        var recency = await f.Tips.RecommendAsync(Request("bob", text: "invoice", k: 12, ranker: "recency"));
        var rrf = await f.Tips.RecommendAsync(Request("bob", text: "invoice", k: 12, ranker: "rrf"));

        Assert.Equal(12, bm25.Items.Count);
        var expected = bm25.Items.Select(i => i.ContributionId).ToDictionary(id => id, _ => 0.0);
        foreach (var component in new[] { bm25, recency })
        {
            for (var r = 0; r < 4; r++)
            {
                expected[component.Items[r].ContributionId] += 1.0 / (60 + r + 1);
            }
        }

        Assert.Equal(12, rrf.Items.Count);
        foreach (var item in rrf.Items)
        {
            Assert.Equal(expected[item.ContributionId], item.Score, 12);
            var bm25Rank = bm25.Items.Select(i => i.ContributionId).ToList().IndexOf(item.ContributionId) + 1;
            var recencyRank = recency.Items.Select(i => i.ContributionId).ToList().IndexOf(item.ContributionId) + 1;
            Assert.Equal(bm25Rank <= 4 ? [bm25Rank] : Array.Empty<double>(), item.Explanation.Where(e => e.Signal == "rrf:bm25").Select(e => e.Value));
            Assert.Equal(recencyRank <= 4 ? [recencyRank] : Array.Empty<double>(), item.Explanation.Where(e => e.Signal == "rrf:recency").Select(e => e.Value));
        }

        Assert.Equal(rrf.Items.Select(i => i.Score).OrderByDescending(s => s), rrf.Items.Select(i => i.Score));
    }

    [Fact]
    public async Task A_context_the_engine_did_not_prepare_gets_the_same_scores_and_explanations()
    {
        Probe.Results.Clear();
        Probe.Kept.Clear();
        await using var f = new EngineFixture(
            o =>
            {
                o.RrfTipRankers.Clear();
                o.RrfTipRankers.Add("bm25");
                o.RrfTipRankers.Add("recency");
                o.RrfTipRankers.Add("wilson");
                o.RrfDepth = 3;
            },
            b => b.AddTipRanker<Probe>("probe"));
        await f.Learner("ann");
        for (var i = 0; i < 8; i++)
        {
            await f.Share("ann", $"Tip {i}", string.Join(' ', Enumerable.Repeat("invoice", 1 + (i % 3))), id: $"t{i}");
            f.Time.Advance(TimeSpan.FromMinutes(10 + i));
        }

        await f.Tips.RecommendAsync(Request("bob", text: "invoice", k: 8, ranker: "probe"));

        var (engine, wrapped) = Assert.Single(Probe.Results);
        Assert.Equal(engine.Scores, wrapped.Scores);
        Assert.Equal(engine.Explanations, wrapped.Explanations);
        Assert.Contains(engine.Explanations, e => e.Contains("rrf:wilson=3", StringComparison.Ordinal));
        Assert.Equal(8, engine.Explanations.Count);
        Assert.Equal([true], Probe.Kept);
    }

    [Fact]
    public async Task Mmr_over_a_ranker_that_scores_every_candidate_diversifies_that_rankers_top_pool()
    {
        await using var f = new EngineFixture(o =>
        {
            o.MmrBaseRanker = "recency";
            o.MmrPoolSize = 2;
        });
        await f.Learner("ann");
        for (var i = 0; i < 9; i++)
        {
            await f.Share("ann", $"Tip {i}", "invoice " + (i % 2 == 0 ? "export" : "approval"), skills: [i % 3 == 0 ? "vat" : "excel"], id: $"t{i}");
            f.Time.Advance(TimeSpan.FromMinutes(7));
        }

        var recency = await f.Tips.RecommendAsync(Request("bob", text: "invoice", k: 9, ranker: "recency"));
        var mmr = await f.Tips.RecommendAsync(Request("bob", text: "invoice", k: 4, ranker: "mmr"));

        // The pool is max(MmrPoolSize, k) = 4: MMR reorders recency's top 4 and nothing else.
        Assert.Equal(recency.Items.Take(4).Select(i => i.ContributionId.Value).Order(StringComparer.Ordinal), mmr.Items.Select(i => i.ContributionId.Value).Order(StringComparer.Ordinal));
        Assert.Equal(recency.Items[0].ContributionId, mmr.Items[0].ContributionId);
        Assert.All(mmr.Items, i => Assert.True(i.Score > 1, $"{i.ContributionId} was not picked from the pool"));
    }

    private static double[] Scores(int n, int seed)
    {
        // Few distinct values so that ties are common, plus NaN and infinities.
        var random = new Random(seed);
        var scores = new double[n];
        for (var i = 0; i < n; i++)
        {
            scores[i] = random.Next(12) switch
            {
                0 => double.NaN,
                1 => double.NegativeInfinity,
                2 => double.PositiveInfinity,
                _ => random.Next(6) * 0.5,
            };
        }

        return scores;
    }

    /// <summary>Scores with the registered rrf twice: on the engine's context and on a plain wrapper around it.</summary>
    internal sealed class Probe(IServiceProvider services) : ITipRanker
    {
        public static readonly List<(Run Engine, Run Wrapped)> Results = [];

        /// <summary>Whether rrf's ranks were still kept on the engine's context after it explained every candidate.</summary>
        public static readonly List<bool> Kept = [];

        public void Score(TipRankingContext context, Span<double> scores)
        {
            var rrf = services.GetRequiredService<TipRankerRegistry>().Get("rrf");
            var engine = Run.Of(rrf, context);
            Kept.Add(context is SocialLearning.Recommendations.TipContext own && own.MemoOf(rrf, 1) is not null);
            var wrapped = Run.Of(rrf, new Wrapper(context));
            Results.Add((engine, wrapped));
            engine.Scores.CopyTo(scores);
        }

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
        {
        }

        internal sealed record Run(double[] Scores, List<string> Explanations)
        {
            public static Run Of(ITipRanker rrf, TipRankingContext context)
            {
                var scores = new double[context.Candidates.Length];
                rrf.Score(context, scores);
                var explanations = new List<string>();
                for (var c = 0; c < scores.Length; c++)
                {
                    var signals = new List<ExplanationSignal>();
                    rrf.Explain(context, c, signals);
                    explanations.Add(string.Join(";", signals.Select(s => $"{s.Signal}={s.Value}")));
                }

                return new Run(scores, explanations);
            }
        }
    }

    private sealed class Wrapper(TipRankingContext inner) : TipRankingContext
    {
        public override TipRequest Request => inner.Request;

        public override DateTimeOffset Now => inner.Now;

        public override TipFeatureColumns Features => inner.Features;

        public override IReadOnlyList<TipQueryClause> Clauses => inner.Clauses;

        public override ReadOnlySpan<int> Candidates => inner.Candidates;

        public override ReadOnlySpan<float> ContextScores => inner.ContextScores;

        public override ReadOnlySpan<float> SkillScores => inner.SkillScores;

        public override ReadOnlySpan<float> TextScores => inner.TextScores;

        public override ReadOnlySpan<float> GapScores => inner.GapScores;

        public override ReadOnlySpan<uint> MatchedClauses => inner.MatchedClauses;

        public override ReadOnlySpan<byte> Seen => inner.Seen;
    }
}
