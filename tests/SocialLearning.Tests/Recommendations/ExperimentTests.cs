using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Recommendations;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class ExperimentTests
{
    private static void TwoWay(RecommendationOptions o)
    {
        o.TipExperiment = new RankerExperiment { Name = "ranking-2026" };
        o.TipExperiment.Variants["blend"] = 1;
        o.TipExperiment.Variants["bm25"] = 3;
    }

    [Fact]
    public async Task Learners_get_a_stable_variant_reported_in_the_result()
    {
        await using var f1 = new EngineFixture(TwoWay);
        await using var f2 = new EngineFixture(TwoWay);
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 400; i++)
        {
            var request = Request($"learner-{i}");
            var r1 = await f1.Tips.RecommendAsync(request);
            var r2 = await f2.Tips.RecommendAsync(request);
            var again = await f1.Tips.RecommendAsync(request);
            Assert.NotNull(r1.Variant);
            Assert.Equal(r1.Variant, r2.Variant);
            Assert.Equal(r1.Variant, again.Variant);
            Assert.Equal(r1.Variant, r1.Ranker);
            counts[r1.Variant!] = counts.GetValueOrDefault(r1.Variant!) + 1;
        }

        // Weights 1 : 3 → about 100 : 300.
        Assert.InRange(counts["blend"], 60, 140);
        Assert.InRange(counts["bm25"], 260, 340);
    }

    [Fact]
    public async Task A_named_ranker_overrides_the_experiment()
    {
        await using var f = new EngineFixture(TwoWay);
        var result = await f.Tips.RecommendAsync(Request("x", ranker: "recency"));
        Assert.Equal("recency", result.Ranker);
        Assert.Null(result.Variant);
    }

    [Fact]
    public void Hash_depends_on_every_part_and_not_on_the_process()
    {
        var h = ExperimentAssignment.Hash("acme", "ann", "exp");
        Assert.Equal(System.IO.Hashing.XxHash3.HashToUInt64("acme\nann\nexp"u8), h);
        Assert.NotEqual(h, ExperimentAssignment.Hash("acme", "ann", "exp2"));
        Assert.NotEqual(h, ExperimentAssignment.Hash("acme", "bob", "exp"));
        Assert.NotEqual(h, ExperimentAssignment.Hash("globex", "ann", "exp"));
    }

    [Fact]
    public async Task A_custom_ranker_registered_by_name_is_used()
    {
        await using var f = new EngineFixture(build: b => b.AddTipRanker<ShortestTitleFirst>("shortest"));
        await f.Learner("ann");
        await f.Share("ann", "A much longer title", "x", keys: ["route:/a"]);
        var shortOne = await f.Share("ann", "Short", "x", keys: ["route:/a"]);
        var result = await f.Tips.RecommendAsync(Request("bob", keys: ["route:/a"], ranker: "shortest"));
        Assert.Equal(shortOne.Id, result.Items[0].ContributionId);
        Assert.Equal("title length 5", result.Items[0].Explanation.Single().Text);
    }

    private sealed class ShortestTitleFirst : ITipRanker
    {
        public void Score(TipRankingContext context, Span<double> scores)
        {
            for (var i = 0; i < context.Candidates.Length; i++)
            {
                scores[i] = -context.Features.GetTitle(context.Candidates[i]).Length;
            }
        }

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation) =>
            explanation.Add(new ExplanationSignal { Signal = "title", Value = 0, Text = $"title length {context.Features.GetTitle(context.Candidates[candidate]).Length}" });
    }
}
