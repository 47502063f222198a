using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Graph;
using SocialLearning.Index;
using SocialLearning.Recommendations;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

/// <summary>
/// The planner's PageRank lookups (each candidate's rank, the top-ranked suggestions, <c>Related</c>) against the
/// push's own output, computed here from the same graph and seeds.
/// </summary>
public sealed class PlanPageRankTests
{
    [Fact]
    public async Task Steps_and_related_carry_the_push_rank_of_each_skill_in_rank_then_name_order()
    {
        await using var f = new EngineFixture(o => o.DefaultStepRanker = "pagerank");
        var names = Enumerable.Range(0, 40).Select(i => $"s{i:00}").ToArray();
        foreach (var s in names)
        {
            await f.Skills.DefineSkillAsync(T1, new SkillId(s), s);
        }

        // Three related edges per skill with seeded weights: ranks differ and arrive in no useful order.
        var random = new Random(11);
        for (var i = 0; i < names.Length; i++)
        {
            for (var e = 0; e < 3; e++)
            {
                var j = random.Next(names.Length);
                if (j != i)
                {
                    await f.Skills.AddEdgeAsync(T1, new SkillId(names[i]), new SkillId(names[j]), SkillEdgeKind.Related, 0.05 + (0.95 * random.NextDouble()));
                }
            }
        }

        await f.Learner("me");
        await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId("me"), Skill = new SkillId("s00"), Source = EvidenceSource.Self, Level = 0.9 });
        await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId("me"), Skill = new SkillId("s17"), Source = EvidenceSource.Self, Level = 0.3 });

        var path = await f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("me"), MaxSteps = 8, TipsPerStep = 0, MentorsPerStep = 0 });

        // The reference: the push from the learner's skills, weighted by level (at least 0.05), as the planner seeds it.
        var index = await f.Provider.GetRequiredService<RecommendationIndex>().GetCurrentAsync(T1);
        var learner = index.LearnerAt(index.FindLearner("me"));
        var seeds = learner.LevelSkills.Select((s, i) => (s, Math.Max(0.05, (double)learner.Levels[i]))).ToList();
        var options = new RecommendationOptions();
        var push = PushPageRank.Compute(SkillGraphView.Get(index).Undirected, seeds, options.PageRankRestart, options.PageRankPushEpsilon);
        var rank = push.Nodes.Select((s, i) => (Label: index.Skills.Label(s), Rank: (float)push.Values[i])).ToDictionary(n => n.Label, n => n.Rank);
        var byRank = rank.Where(n => n.Value > 0 && n.Key != "s00")
            .OrderByDescending(n => n.Value).ThenBy(n => n.Key, StringComparer.Ordinal).Select(n => n.Key).ToList();
        Assert.True(byRank.Count >= 13, "the fixture must reach enough skills for 8 steps and 5 related");

        Assert.Equal(8, path.Steps.Count);
        foreach (var step in path.Steps)
        {
            Assert.Equal(rank[step.Skill.Value], step.Explanation.Single(e => e.Signal == "pagerank").Value);
        }

        // The pagerank step ranker scores by rank, so the steps are the 8 best; Related the next 5, in order.
        Assert.Equal(byRank.Take(8).Order(StringComparer.Ordinal), path.Steps.Select(s => s.Skill.Value).Order(StringComparer.Ordinal));
        Assert.Equal(byRank.Skip(8).Take(5), path.Related.Select(s => s.Value));
    }
}

public sealed class PlanScratchTests
{
    [Fact]
    public void Touched_skills_come_back_ascending_once_each_and_a_plan_that_stopped_early_leaves_nothing_behind()
    {
        var scratch = new PlanScratch();
        var random = new Random(5);
        for (var round = 0; round < 6; round++)
        {
            scratch.Begin(3_000);
            var expected = new SortedSet<int>();
            for (var i = 0; i < 400; i++)
            {
                var skill = random.Next(round % 2 == 0 ? 3_000 : 5_000); // odd rounds also grow the arrays
                scratch.AddTransition(skill, 1);
                expected.Add(skill);
            }

            if (round == 3)
            {
                continue; // stopped before reading: the next Begin must clear what this round marked
            }

            scratch.SortTouched();
            Assert.Equal(expected, scratch.Touched);
            Assert.All(scratch.Touched, s => Assert.True(scratch.TransitionOf(s) > 0));
        }
    }
}
