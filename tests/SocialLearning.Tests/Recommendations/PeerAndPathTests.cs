using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class PeerFinderTests
{
    private static async Task<EngineFixture> QaAsync(Action<RecommendationOptions>? configure = null)
    {
        var f = new EngineFixture(configure);
        foreach (var who in new[] { "asker", "ann", "bob", "cat" })
        {
            await f.Learner(who);
        }

        // ann answers 3 questions on excel (2 accepted), bob answers 1, the asker answers 2 (must never be suggested).
        for (var i = 0; i < 3; i++)
        {
            var q = await f.Share("cat", $"Question {i}", "how do pivot tables work", skills: ["excel"], kind: ContributionKind.Question);
            var a = await f.Share("ann", $"Answer {i}", "use pivot tables like this", skills: ["excel"], kind: ContributionKind.Answer, parent: q.Id);
            if (i < 2)
            {
                await f.Feedback("cat", a, FeedbackKind.Accepted);
            }

            await f.Share("asker", $"Asker answer {i}", "pivot", skills: ["excel"], kind: ContributionKind.Answer, parent: q.Id);
        }

        var q2 = await f.Share("cat", "Question x", "vlookup", skills: ["excel"], kind: ContributionKind.Question);
        await f.Share("bob", "Answer x", "use vlookup", skills: ["excel"], kind: ContributionKind.Answer, parent: q2.Id);
        return f;
    }

    [Fact]
    public async Task Answer_counts_rank_people_and_explain_with_accepted_answers()
    {
        await using var f = await QaAsync();
        var result = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Ranker = "answers" });

        Assert.Equal(["ann", "bob"], result.Items.Take(2).Select(p => p.Learner.Value));
        Assert.DoesNotContain(result.Items, p => p.Learner.Value == "asker");
        Assert.Equal(3, result.Items[0].Score);
        Assert.Equal("answered 3 questions on excel, 2 accepted", result.Items[0].Explanation.Single(e => e.Signal == "answers").Text);
        Assert.Equal("ANN", result.Items[0].DisplayName);
    }

    [Theory]
    [InlineData(ContributionStatus.Hidden)]
    [InlineData(ContributionStatus.Archived)]
    public async Task Text_counts_only_visible_answers_and_never_questions(ContributionStatus status)
    {
        // dan's only evidence is text: one answer in another skill, and a question using the same word. The text pass
        // reads a per-document word (author, length, counts) that must follow status changes.
        await using var f = await QaAsync();
        await f.Learner("dan");
        var q = await f.Share("cat", "Quaternion question", "what is a quaternion", skills: ["math"], kind: ContributionKind.Question);
        var answer = await f.Share("dan", "Quaternion answer", "a quaternion extends complex numbers", skills: ["math"], kind: ContributionKind.Answer, parent: q.Id);
        await f.Share("dan", "Another quaternion question", "quaternion rotation", skills: ["math"], kind: ContributionKind.Question);
        var request = new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Text = "quaternion", Ranker = "bm25", K = 10 };

        var before = await f.Peers.FindAsync(request);
        var dan = Assert.Single(before.Items, p => p.Learner.Value == "dan");
        Assert.True(dan.Score > 0);
        Assert.DoesNotContain(before.Items, p => p.Learner.Value == "cat" && p.Score > 0);   // cat only asked

        var current = await f.Store.GetContributionAsync(T1, answer.Id);
        await f.Store.UpdateContributionAsync(current! with { Status = status }, current!.Version);
        var after = await f.Peers.FindAsync(request);
        Assert.DoesNotContain(after.Items, p => p.Learner.Value == "dan");

        current = await f.Store.GetContributionAsync(T1, answer.Id);
        await f.Store.UpdateContributionAsync(current! with { Status = ContributionStatus.Published }, current!.Version);
        // Back again (the score itself moves a little: the question's thread text was re-indexed twice, and replaced
        // documents still count in BM25's document statistics, as deleted ones do in Lucene until a merge).
        var again = await f.Peers.FindAsync(request);
        Assert.True(Assert.Single(again.Items, p => p.Learner.Value == "dan").Score > 0);
    }

    [Theory]
    [InlineData("fusion")]
    [InlineData("zscore")]
    [InlineData("expertise-rank")]
    [InlineData("affinity")]
    [InlineData("bm25")]
    public async Task Every_peer_ranker_leaves_out_the_asker_and_explains(string ranker)
    {
        await using var f = await QaAsync();
        var result = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Text = "pivot tables", Ranker = ranker, K = 10 });
        Assert.NotEmpty(result.Items);
        Assert.DoesNotContain(result.Items, p => p.Learner.Value == "asker");
        Assert.All(result.Items, p => Assert.NotEmpty(p.Explanation));
        Assert.Equal(ranker, result.Ranker);
    }

    [Fact]
    public async Task Z_score_and_expertise_rank_match_hand_values()
    {
        await using var f = await QaAsync();
        var z = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Ranker = "zscore", K = 10 });
        // ann: 3 answers, 0 questions → 3/√3; bob 1/√1. cat only asked, so is no candidate (asking is not expertise).
        Assert.Equal(Math.Sqrt(3), z.Items.Single(p => p.Learner.Value == "ann").Score, 6);
        Assert.Equal(1, z.Items.Single(p => p.Learner.Value == "bob").Score, 6);
        Assert.DoesNotContain(z.Items, p => p.Learner.Value == "cat");

        // Asker → answerer graph: cat → ann (×3), cat → asker (×3), cat → bob. ann gets the largest share of cat's mass.
        var er = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("bob"), Skills = ["excel"], Ranker = "expertise-rank", K = 10 });
        Assert.Equal(["ann", "asker"], er.Items.Select(p => p.Learner.Value).Order());
        Assert.Equal(er.Items[0].Score, er.Items[1].Score, 6);
    }

    [Fact]
    public async Task Load_balancing_rotates_the_top_expert_when_enabled()
    {
        await using var f = await QaAsync(o => o.PeerLoadPenalty = 5);
        var request = new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Ranker = "answers", K = 1 };
        var first = await f.Peers.FindAsync(request);
        var second = await f.Peers.FindAsync(request);
        Assert.Equal("ann", first.Items[0].Learner.Value);
        Assert.Equal("bob", second.Items[0].Learner.Value);
        Assert.DoesNotContain(first.Items[0].Explanation, e => e.Signal == "load-balanced");

        // An hour later half the load is gone, four hours later ann is back on top.
        f.Time.Advance(TimeSpan.FromHours(4));
        Assert.Equal("ann", (await f.Peers.FindAsync(request)).Items[0].Learner.Value);
    }
}

public sealed class LearningPathTests
{
    [Fact]
    public async Task Steps_respect_prerequisites_and_skip_what_is_mastered()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        foreach (var s in new[] { "basics", "formulas", "pivot", "macros", "charts" })
        {
            await f.Skills.DefineSkillAsync(T1, new SkillId(s), s.ToUpperInvariant());
        }

        // basics → formulas → pivot → macros; charts needs basics. bob has mastered basics.
        await f.Skills.AddEdgeAsync(T1, new SkillId("basics"), new SkillId("formulas"), SkillEdgeKind.Prerequisite);
        await f.Skills.AddEdgeAsync(T1, new SkillId("formulas"), new SkillId("pivot"), SkillEdgeKind.Prerequisite);
        await f.Skills.AddEdgeAsync(T1, new SkillId("pivot"), new SkillId("macros"), SkillEdgeKind.Prerequisite);
        await f.Skills.AddEdgeAsync(T1, new SkillId("basics"), new SkillId("charts"), SkillEdgeKind.Prerequisite);
        await f.Skills.AddEdgeAsync(T1, new SkillId("pivot"), new SkillId("charts"), SkillEdgeKind.Related, 0.8);
        await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId("bob"), Skill = new SkillId("basics"), Source = EvidenceSource.Self, Level = 0.9 });
        var tip = await f.Share("ann", "Pivot in 5 minutes", "drag fields", skills: ["pivot"]);
        await f.Share("ann", "Answer on pivot", "x", skills: ["pivot"]);

        var path = await f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("bob"), TargetSkills = ["macros"] });

        Assert.Equal(["formulas", "pivot", "macros"], path.Steps.Select(s => s.Skill.Value));
        Assert.Equal("needed before PIVOT", path.Steps[0].Explanation.First().Text);
        Assert.Equal("one of your targets", path.Steps[2].Explanation.First().Text);
        var pivotStep = path.Steps[1];
        Assert.Contains(tip.Id, pivotStep.Tips.Select(t => t.ContributionId));
        Assert.Equal("ann", Assert.Single(pivotStep.Mentors).Learner.Value);
        Assert.Contains(new SkillId("charts"), path.Related);
    }

    [Fact]
    public async Task Without_a_target_suggests_from_people_like_you_and_orders_prerequisites_first()
    {
        await using var f = new EngineFixture();
        foreach (var s in new[] { "a", "b", "c", "d" })
        {
            await f.Skills.DefineSkillAsync(T1, new SkillId(s), s);
        }

        await f.Skills.AddEdgeAsync(T1, new SkillId("b"), new SkillId("c"), SkillEdgeKind.Prerequisite);
        foreach (var who in new[] { "p1", "p2", "me" })
        {
            await f.Learner(who);
        }

        // p1 and p2 learned a then c: "people like you learned c next".
        foreach (var who in new[] { "p1", "p2" })
        {
            await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId(who), Skill = new SkillId("a"), Source = EvidenceSource.Self, Level = 0.8 });
            f.Time.Advance(TimeSpan.FromDays(1));
            await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId(who), Skill = new SkillId("c"), Source = EvidenceSource.Self, Level = 0.8 });
        }

        await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId("me"), Skill = new SkillId("a"), Source = EvidenceSource.Self, Level = 0.9 });
        var path = await f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("me"), MaxSteps = 2, TipsPerStep = 0, MentorsPerStep = 0 });

        Assert.Equal(["b", "c"], path.Steps.Select(s => s.Skill.Value));
        Assert.Contains(path.Steps[1].Explanation, e => e.Signal == "transitions" && e.Value == 2);
    }

    [Fact]
    public async Task Unknown_target_skill_names_the_field()
    {
        await using var f = new EngineFixture();
        var error = await Assert.ThrowsAsync<EntityNotFoundException>(() => f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("me"), TargetSkills = ["nope"] }).AsTask());
        Assert.Equal("request.TargetSkills[0]", error.Field);
    }
}
