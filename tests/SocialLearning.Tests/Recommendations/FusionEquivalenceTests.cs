using Microsoft.Extensions.Options;
using SocialLearning.Ranking;
using SocialLearning.Recommendations;
using Xunit;

namespace SocialLearning.Tests.Recommendations;

/// <summary>The default peer ranker (RRF fusion with its bounded heaps) against exhaustive scoring: full sort of every component.</summary>
public sealed class FusionEquivalenceTests
{
    private sealed class Columns(int n, int seed, bool text) : PeerRankingContext
    {
        private readonly Random _random = new(seed);
        private int[]? _answers;
        private int[]? _questions;
        private float[]? _affinity;
        private float[]? _proficiency;
        private float[]? _rank;
        private float[]? _text;

        public override PeerRequest Request { get; } = new() { Tenant = new TenantId("t"), Asker = new LearnerId("a"), Skills = ["s"], Text = text ? "words" : null };

        public override DateTimeOffset Now => DateTimeOffset.UnixEpoch;

        public override ReadOnlySpan<int> Candidates => Enumerable.Range(0, n).ToArray();

        // Small integer ranges and Zipf-like floats so many candidates tie: ties must break by candidate index in both.
        public override ReadOnlySpan<int> Answers => _answers ??= Ints(12);

        public override ReadOnlySpan<int> AcceptedAnswers => new int[n];

        public override ReadOnlySpan<int> Questions => _questions ??= Ints(6);

        public override ReadOnlySpan<int> Shared => new int[n];

        public override ReadOnlySpan<int> HelpfulVotes => new int[n];

        public override ReadOnlySpan<int> Endorsements => new int[n];

        public override ReadOnlySpan<float> Affinity => _affinity ??= Floats(0.3);

        public override ReadOnlySpan<float> Proficiency => _proficiency ??= Floats(0.8);

        public override ReadOnlySpan<float> ExpertiseRank => _rank ??= Floats(0.5);

        public override ReadOnlySpan<float> TextScores => _text ??= Floats(0.6);

        public override LearnerId GetLearner(int person) => new($"p{person}");

        private int[] Ints(int max) => Enumerable.Range(0, n).Select(_ => (int)Math.Floor(max * Math.Pow(_random.NextDouble(), 3))).ToArray();

        // A share of zeros, the rest quantised to 1/8 so values repeat.
        private float[] Floats(double zeroShare) =>
            Enumerable.Range(0, n).Select(_ => _random.NextDouble() < zeroShare ? 0f : MathF.Round((float)(1 / Math.Max(0.01, _random.NextDouble())) * 8) / 8).ToArray();
    }

    private static double[] Exhaustive(PeerRankingContext context, int k, int depth, bool text)
    {
        IPeerRanker[] components = [new AffinityPeerRanker(), new ExpertiseRankPeerRanker(), new ZScorePeerRanker(), new AnswerCountPeerRanker(), new Bm25PeerRanker()];
        var n = context.Candidates.Length;
        var scores = new double[n];
        foreach (var component in components)
        {
            if (component is Bm25PeerRanker && !text)
            {
                continue;
            }

            var simple = (SimplePeerRanker)component;
            var order = Enumerable.Range(0, n).OrderByDescending(i => simple.Score(context, i)).ThenBy(i => i).Take(depth).ToArray();
            for (var r = 0; r < order.Length; r++)
            {
                scores[order[r]] += Formulas.Rrf(r + 1, k);
            }
        }

        return scores;
    }

    [Theory]
    [InlineData(5, 1, false)]
    [InlineData(150, 2, false)]
    [InlineData(5_000, 3, false)]
    [InlineData(5_000, 4, true)]
    [InlineData(40_000, 5, true)]
    public void Fusion_scores_equal_exhaustive_scoring(int n, int seed, bool text)
    {
        var options = new RecommendationOptions();
        var context = new Columns(n, seed, text);
        var ranker = new FusionPeerRanker(Options.Create(options));
        var scores = new double[n];
        ranker.Score(context, scores);
        var expected = Exhaustive(context, options.RrfK, options.RrfDepth, text);
        Assert.Equal(expected, scores);

        // And the top 10 the finder takes from them (score, then candidate order).
        var top = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(10);
        var expectedTop = Enumerable.Range(0, n).OrderByDescending(i => expected[i]).ThenBy(i => i).Take(10);
        Assert.Equal(expectedTop, top);
    }
}
