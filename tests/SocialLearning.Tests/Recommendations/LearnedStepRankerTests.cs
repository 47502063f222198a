using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Index;
using SocialLearning.Recommendations;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class LearnedStepRankerTests
{
    private static readonly string[] SkillNames = ["s0", "s1", "s2", "s3", "s4"];

    [Fact]
    public void Formula_matches_hand_values()
    {
        // (own + μ · P) / (total + μ): (3 + 10 · 0.2) / (12 + 10) = 5 / 22; μ = ∞ is the background alone.
        Assert.Equal(5.0 / 22, SkillInterestModel.Probability(3, 12, 0.2, 10), 12);
        Assert.Equal(0.2, SkillInterestModel.Probability(3, 12, 0.2, double.PositiveInfinity), 12);
        Assert.Equal(0.25, SkillInterestModel.Probability(3, 12, 0.2, 0), 12);
    }

    [Fact]
    public async Task Where_people_specialise_the_fit_trusts_their_own_skills()
    {
        await using var f = await Tenant(specialists: true);
        var model = SkillInterestModel.Compute(await Index(f));

        Assert.True(model.Mu <= 3, $"μ = {model.Mu}");
        Assert.True(model.HeldOutLearners >= SkillInterestModel.MinHeldOutLearners);

        // "me" shares on s3, a less popular skill than s0: their own skill comes first.
        var path = await Plan(f);
        Assert.Equal("s3", path.Steps[0].Skill.Value);
        Assert.Contains(path.Steps[0].Explanation, e => e.Signal == "your-activity" && e.Value > 0);
    }

    [Fact]
    public async Task Where_people_follow_what_is_asked_the_fit_trusts_popularity()
    {
        await using var f = await Tenant(specialists: false);
        var model = SkillInterestModel.Compute(await Index(f));

        Assert.True(model.Mu >= 30, $"μ = {model.Mu}");

        // Same "me" (most of their shares on s3), but here a person's past says little: the popular s0 comes first.
        var path = await Plan(f);
        Assert.Equal("s0", path.Steps[0].Skill.Value);
    }

    [Fact]
    public async Task With_too_little_history_it_is_popularity_alone()
    {
        await using var f = new EngineFixture(o => o.DefaultStepRanker = "learned");
        await Skills(f);
        await f.Learner("me");
        await f.Learner("ann");
        await f.Share("me", "t", "x", skills: ["s3"]);
        await f.Share("ann", "t", "x", skills: ["s0"]);
        await f.Share("ann", "t", "x", skills: ["s0"]);

        var model = SkillInterestModel.Compute(await Index(f));

        Assert.True(double.IsPositiveInfinity(model.Mu));
        Assert.Equal(0, model.HeldOutLearners);
        Assert.Equal("s0", (await Plan(f)).Steps[0].Skill.Value);
    }

    [Fact]
    public async Task IncludeMastered_lets_mastered_skills_be_steps_but_never_adds_mastered_prerequisites()
    {
        await using var f = new EngineFixture(o => o.DefaultStepRanker = "popularity");
        foreach (var s in new[] { "a", "b", "pre", "target" })
        {
            await f.Skills.DefineSkillAsync(T1, new SkillId(s), s);
        }

        await f.Skills.AddEdgeAsync(T1, new SkillId("a"), new SkillId("b"), SkillEdgeKind.Related, 0.5);
        await f.Skills.AddEdgeAsync(T1, new SkillId("target"), new SkillId("pre"), SkillEdgeKind.Prerequisite, 1);
        await f.Learner("me");
        await f.Learner("ann");
        foreach (var s in new[] { "a", "pre" })
        {
            await f.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = T1, Learner = new LearnerId("me"), Skill = new SkillId(s), Source = EvidenceSource.Self, Level = 0.9 });
        }

        for (var i = 0; i < 3; i++)
        {
            await f.Share("ann", $"a tip {i}", "x", skills: ["a"]);
        }

        await f.Share("ann", "b tip", "x", skills: ["b"]);

        LearningPathRequest Request(bool include, params string[] targets) =>
            new() { Tenant = T1, Learner = new LearnerId("me"), TargetSkills = targets, MaxSteps = 5, TipsPerStep = 0, MentorsPerStep = 0, IncludeMastered = include };

        // Without: a is mastered, so only b (then the rest) is suggested; with: a, the most shared, first.
        Assert.DoesNotContain("a", (await f.Paths.PlanAsync(Request(false))).Steps.Select(s => s.Skill.Value));
        var deepen = await f.Paths.PlanAsync(Request(true));
        Assert.Equal("a", deepen.Steps[0].Skill.Value);
        Assert.Equal(0.9, deepen.Steps[0].CurrentLevel, 6);

        // A target's mastered prerequisite is never a step, with or without the flag.
        Assert.Equal(["target"], (await f.Paths.PlanAsync(Request(true, "target"))).Steps.Select(s => s.Skill.Value));
        Assert.Equal(["target"], (await f.Paths.PlanAsync(Request(false, "target"))).Steps.Select(s => s.Skill.Value));
    }

    /// <summary>
    /// 20 colleagues, 10 shares each, interleaved in time. Home skills: 8 people on s0, 3 on each of s1–s4; "me" on
    /// s3. Specialists share 9 in 10 on their home skill; followers draw every share from one tenant-wide mix
    /// (s0 half of the time), except "me", who shares on s3 six times out of ten in both.
    /// </summary>
    private static async Task<EngineFixture> Tenant(bool specialists)
    {
        var f = new EngineFixture(o => o.DefaultStepRanker = "learned");
        await Skills(f);
        var people = Enumerable.Range(0, 19).Select(i => "p" + i).Append("me").ToArray();
        foreach (var p in people)
        {
            await f.Learner(p);
        }

        var random = new Random(7);
        double[] mix = [0.5, 0.2, 0.1, 0.1, 0.1];
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < people.Length; i++)
            {
                string skill;
                if (people[i] == "me")
                {
                    skill = round % 5 < 3 ? "s3" : SkillNames[round % 3];
                }
                else if (specialists)
                {
                    var home = i < 8 ? 0 : 1 + (i % 4);
                    skill = random.NextDouble() < 0.9 ? SkillNames[home] : SkillNames[random.Next(5)];
                }
                else
                {
                    var u = random.NextDouble();
                    var k = 0;
                    while (k < mix.Length - 1 && (u -= mix[k]) > 0)
                    {
                        k++;
                    }

                    skill = SkillNames[k];
                }

                await f.Share(people[i], $"{people[i]} {round}", "x", skills: [skill]);
                f.Time.Advance(TimeSpan.FromHours(1));
            }
        }

        return f;
    }

    /// <summary>Five skills, every pair related (so every skill is near every learner's in the graph).</summary>
    private static async Task Skills(EngineFixture f)
    {
        foreach (var s in SkillNames)
        {
            await f.Skills.DefineSkillAsync(T1, new SkillId(s), s);
        }

        for (var a = 0; a < SkillNames.Length; a++)
        {
            for (var b = a + 1; b < SkillNames.Length; b++)
            {
                await f.Skills.AddEdgeAsync(T1, new SkillId(SkillNames[a]), new SkillId(SkillNames[b]), SkillEdgeKind.Related, 0.5);
            }
        }
    }

    private static async Task<TenantIndex> Index(EngineFixture f) =>
        await f.Provider.GetRequiredService<RecommendationIndex>().GetCurrentAsync(T1);

    private static Task<LearningPath> Plan(EngineFixture f) =>
        f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("me"), MaxSteps = 5, TipsPerStep = 0, MentorsPerStep = 0, IncludeMastered = true }).AsTask();
}
