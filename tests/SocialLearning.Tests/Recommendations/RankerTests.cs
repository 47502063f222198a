using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

/// <summary>Built-in tip rankers end to end: scores against hand-computed values and explanations.</summary>
public sealed class RankerTests
{
    [Fact]
    public async Task Bm25_ranker_scores_match_a_hand_computation()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        // Lengths (stop words removed): d1 "invoice export invoice" = 3, d2 "invoice approval flow steps" = 4, d3 "holiday calendar" = 2.
        var d1 = await f.Share("ann", "invoice", "export invoice");
        var d2 = await f.Share("ann", "invoice", "approval flow steps");
        await f.Share("ann", "holiday", "calendar");

        var result = await f.Tips.RecommendAsync(Request("bob", text: "invoice", ranker: "bm25"));

        // N 3, df 2: idf = ln(1 + 1.5 / 2.5) = ln 1.6; avgdl = 9 / 3 = 3.
        var idf = Math.Log(1.6);
        var s1 = idf * (2 * 2.2) / (2 + (1.2 * (0.25 + (0.75 * 3 / 3.0))));
        var s2 = idf * (1 * 2.2) / (1 + (1.2 * (0.25 + (0.75 * 4 / 3.0))));
        Assert.Equal([d1.Id, d2.Id], result.Items.Select(i => i.ContributionId));
        Assert.Equal(s1, result.Items[0].Score, 1e-6);
        Assert.Equal(s2, result.Items[1].Score, 1e-6);
        Assert.Equal("mentions invoice", result.Items[0].Explanation.Single(e => e.Signal == "bm25").Text);
        Assert.Equal(2, result.CandidatesScored);
    }

    [Fact]
    public async Task Overlap_weights_rare_keys_above_common_ones()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        var common = new List<Contribution>();
        for (var i = 0; i < 5; i++)
        {
            common.Add(await f.Share("ann", $"Common {i}", "x", keys: ["route:/common"], id: $"c{i}"));
        }

        var rare = await f.Share("ann", "Rare", "x", keys: ["route:/rare"]);
        var result = await f.Tips.RecommendAsync(Request("bob", keys: ["route:/common", "route:/rare"], ranker: "overlap"));

        // N 6: idf(rare, df 1) = ln(1 + 5.5 / 1.5); idf(common, df 5) = ln(1 + 1.5 / 5.5).
        Assert.Equal(rare.Id, result.Items[0].ContributionId);
        Assert.Equal(Math.Log(1 + (5.5 / 1.5)), result.Items[0].Score, 1e-6);
        Assert.Equal(Math.Log(1 + (1.5 / 5.5)), result.Items[1].Score, 1e-6);
        Assert.Equal("matches context route:/rare", result.Items[0].Explanation.Single(e => e.Signal == "context").Text);
        // Equal scores keep a stable order: document order (id order at load, then arrival).
        Assert.Equal(common.Select(c => c.Id), result.Items.Skip(1).Select(i => i.ContributionId));
    }

    [Fact]
    public async Task Wilson_bayesian_popularity_hot_and_recency_order_by_their_formula()
    {
        await using var f = new EngineFixture();
        foreach (var who in new[] { "ann", "v1", "v2", "v3", "v4", "asker" })
        {
            await f.Learner(who);
        }

        var many = await f.Share("ann", "Many votes", "x", keys: ["route:/a"]);   // 3 of 4 helpful
        f.Time.Advance(TimeSpan.FromHours(10));
        var one = await f.Share("ann", "One vote", "x", keys: ["route:/a"]);      // 1 of 1 helpful, newer
        foreach (var v in new[] { "v1", "v2", "v3" })
        {
            await f.Feedback(v, many, FeedbackKind.Helpful);
        }

        await f.Feedback("v4", many, FeedbackKind.NotHelpful);
        await f.Feedback("v1", one, FeedbackKind.Helpful);

        var wilson = await f.Tips.RecommendAsync(Request("asker", keys: ["route:/a"], ranker: "wilson"));
        Assert.Equal(many.Id, wilson.Items[0].ContributionId);
        Assert.Equal(SocialLearning.Ranking.Formulas.Wilson(3, 4, 1.96), wilson.Items[0].Score, 12);
        Assert.Equal("3 of 4 votes helpful", wilson.Items[0].Explanation[0].Text);

        // Bayesian with C = 5 and the tenant mean m = 4 / 5: many = (4 + 3) / 9, one = (4 + 1) / 6.
        var bayesian = await f.Tips.RecommendAsync(Request("asker", keys: ["route:/a"], ranker: "bayesian"));
        Assert.Equal([one.Id, many.Id], bayesian.Items.Select(i => i.ContributionId));
        Assert.Equal(5.0 / 6, bayesian.Items[0].Score, 12);
        Assert.Equal(7.0 / 9, bayesian.Items[1].Score, 12);

        var recency = await f.Tips.RecommendAsync(Request("asker", keys: ["route:/a"], ranker: "recency"));
        Assert.Equal([one.Id, many.Id], recency.Items.Select(i => i.ContributionId));

        // Hot at now: many (3 − 1) / (10 + 2)^1.8, one 1 / 2^1.8.
        var hot = await f.Tips.RecommendAsync(Request("asker", keys: ["route:/a"], ranker: "hot"));
        Assert.Equal(one.Id, hot.Items[0].ContributionId);
        Assert.Equal(1 / Math.Pow(2, 1.8), hot.Items[0].Score, 9);
        Assert.Equal(2 / Math.Pow(12, 1.8), hot.Items[1].Score, 9);

        // Popularity ln(1 + helpful + … − not helpful): many ln(1 + 3 − 1) = ln 3, one ln 2.
        var popularity = await f.Tips.RecommendAsync(Request("asker", keys: ["route:/a"], ranker: "popularity"));
        Assert.Equal(Math.Log(3), popularity.Items[0].Score, 12);
        Assert.Equal(Math.Log(2), popularity.Items[1].Score, 12);
    }

    [Fact]
    public async Task Personal_fit_prefers_items_covering_the_learners_gaps_and_demotes_seen_ones()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        await f.Skills.DefineSkillAsync(T1, new SkillId("pivot"), "Pivot tables");
        await f.Skills.DefineSkillAsync(T1, new SkillId("vlookup"), "VLOOKUP");
        await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId("bob"), Skill = new SkillId("pivot"), Source = EvidenceSource.Self, Level = 0.9 });
        await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId("bob"), Skill = new SkillId("vlookup"), Source = EvidenceSource.Self, Level = 0.2 });
        var pivot = await f.Share("ann", "Pivot", "x", keys: ["route:/sheet"], skills: ["pivot"]);
        var vlookup = await f.Share("ann", "Lookup", "x", keys: ["route:/sheet"], skills: ["vlookup"]);

        var result = await f.Tips.RecommendAsync(Request("bob", keys: ["route:/sheet"], ranker: "personal-fit"));
        Assert.Equal([vlookup.Id, pivot.Id], result.Items.Select(i => i.ContributionId));
        var gap = result.Items[0].Explanation.Single(e => e.Signal == "skill-gap");
        Assert.Equal("covers your gap in skill vlookup", gap.Text);
        Assert.Equal(0.8, gap.Value, 6);

        // Gap score = 2 · gap · idf(vlookup, N 2, df 1) plus the context overlap; after a view it is halved.
        var before = result.Items[0].Score;
        await f.Feedback("bob", vlookup, FeedbackKind.Viewed);
        var after = await f.Tips.RecommendAsync(Request("bob", keys: ["route:/sheet"], ranker: "personal-fit"));
        Assert.Equal(before * 0.5, after.Items.Single(i => i.ContributionId == vlookup.Id).Score, 1e-6);
    }

    [Fact]
    public async Task Mmr_spreads_results_over_different_skills()
    {
        await using var f = new EngineFixture(o => o.MmrPoolSize = 10);
        await f.Learner("ann");
        for (var i = 0; i < 4; i++)
        {
            await f.Share("ann", $"Same {i}", "invoice export", keys: ["route:/a"], skills: ["same"]);
        }

        var different = await f.Share("ann", "Different", "invoice", keys: ["route:/b"], skills: ["other"]);
        var blend = await f.Tips.RecommendAsync(Request("bob", text: "invoice export", k: 2, ranker: "blend"));
        Assert.DoesNotContain(different.Id, blend.Items.Select(i => i.ContributionId));

        var mmr = await f.Tips.RecommendAsync(Request("bob", text: "invoice export", k: 2, ranker: "mmr"));
        Assert.Equal(different.Id, mmr.Items[1].ContributionId);
        Assert.Contains(mmr.Items[1].Explanation, e => e.Signal == "mmr");
    }

    [Fact]
    public async Task Rrf_fuses_component_ranks()
    {
        await using var f = new EngineFixture(o =>
        {
            o.RrfTipRankers.Clear();
            o.RrfTipRankers.Add("bm25");
            o.RrfTipRankers.Add("recency");
        });
        await f.Learner("ann");
        var a = await f.Share("ann", "A", "invoice invoice invoice", id: "t-a");
        f.Time.Advance(TimeSpan.FromHours(1));
        var b = await f.Share("ann", "B", "invoice and some other words here", id: "t-b");

        var result = await f.Tips.RecommendAsync(Request("bob", text: "invoice", ranker: "rrf"));
        // a: bm25 rank 1, recency rank 2; b: bm25 rank 2, recency rank 1 → equal fused scores 1/61 + 1/62; tie by order.
        Assert.Equal([a.Id, b.Id], result.Items.Select(i => i.ContributionId));
        Assert.Equal((1.0 / 61) + (1.0 / 62), result.Items[0].Score, 12);
        Assert.Equal(result.Items[0].Score, result.Items[1].Score, 12);
    }
}
