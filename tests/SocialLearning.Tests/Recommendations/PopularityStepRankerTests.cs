using SocialLearning.Recommendations;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class PopularityStepRankerTests
{
    [Fact]
    public void Formula_matches_hand_values()
    {
        // 10 × required + n / total: 10 + 3 / 12 = 10.25; not required 0.25; nothing written yet 0.
        Assert.Equal(10.25, PopularityStepRanker.Score(true, 3, 12), 12);
        Assert.Equal(0.25, PopularityStepRanker.Score(false, 3, 12), 12);
        Assert.Equal(0, PopularityStepRanker.Score(false, 0, 0), 12);
    }

    [Fact]
    public async Task Without_a_target_orders_the_nearby_skills_by_contributions()
    {
        await using var f = new EngineFixture(o => o.DefaultStepRanker = "popularity");
        foreach (var s in new[] { "a", "b", "c", "d" })
        {
            await f.Skills.DefineSkillAsync(T1, new SkillId(s), s);
        }

        // a is related to b, c and d; the learner knows a. d has 3 contributions, b 1, c none.
        foreach (var s in new[] { "b", "c", "d" })
        {
            await f.Skills.AddEdgeAsync(T1, new SkillId("a"), new SkillId(s), SkillEdgeKind.Related, 0.5);
        }

        await f.Learner("me");
        await f.Learner("ann");
        await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId("me"), Skill = new SkillId("a"), Source = EvidenceSource.Self, Level = 0.9 });
        for (var i = 0; i < 3; i++)
        {
            await f.Share("ann", $"d tip {i}", "x", skills: ["d"]);
        }

        await f.Share("ann", "b tip", "x", skills: ["b"]);

        var path = await f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("me"), MaxSteps = 3, TipsPerStep = 0, MentorsPerStep = 0 });

        // Scores 3/4 = 0.75 (d), 1/4 = 0.25 (b), 0 (c); a is mastered, so no step.
        Assert.Equal(["d", "b", "c"], path.Steps.Select(s => s.Skill.Value));
        Assert.Equal(3, path.Steps[0].Explanation.Single(e => e.Signal == "popularity").Value);
    }
}
