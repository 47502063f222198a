using Microsoft.Extensions.DependencyInjection;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class FeaturedTipsTests
{
    private static readonly LearnerId Mod = new("mod");

    private static async Task<(EngineFixture F, Contribution Quiet, Contribution Loved, Contribution Other)> SeedAsync(Action<RecommendationOptions>? configure = null)
    {
        var f = new EngineFixture(configure);
        foreach (var who in new[] { "ann", "bob", "cat", "dan" })
        {
            await f.Learner(who, team: who == "dan" ? "sales" : "finance");
        }

        await f.Learner("mod", null, null, "moderator");
        var quiet = await f.Share("ann", "Quiet tip", "use the export filter", keys: ["route:/x", "route:/y"]);
        var loved = await f.Share("ann", "Loved tip", "use the export filter", keys: ["route:/x"]);
        var other = await f.Share("cat", "Other tip", "use the export filter", keys: ["route:/x"]);
        foreach (var voter in new[] { "bob", "dan" })
        {
            await f.Feedback(voter, loved, FeedbackKind.Helpful);
            await f.Feedback(voter, other, FeedbackKind.Helpful);
        }

        return (f, quiet, loved, other);
    }

    private static IModerationService Moderation(EngineFixture f) => f.Provider.GetRequiredService<IModerationService>();

    [Fact]
    public async Task A_featured_tip_leads_for_its_context_keys_explained_and_only_once()
    {
        var (f, quiet, loved, other) = await SeedAsync();
        await using var _ = f;
        Assert.Equal(quiet.Id.Value, (await f.Ids(Request("bob", keys: ["route:/x"])))[^1]);

        await Moderation(f).FeatureAsync(T1, Mod, quiet.Id, Start.AddDays(30), quiet.Version);

        var result = await f.Tips.RecommendAsync(Request("bob", keys: ["route:/x"]));
        Assert.Equal(3, result.Items.Count);
        Assert.Equal(quiet.Id, result.Items[0].ContributionId);
        Assert.Equal("featured", result.Items[0].Explanation[0].Signal);
        Assert.Contains("route:/x until 2026-02-14", result.Items[0].Explanation[0].Text, StringComparison.Ordinal);
        Assert.True(result.Items[0].Explanation.Count > 1, "the ranker's own reasons follow the feature");
        Assert.Equal(3, result.Items.Select(i => i.ContributionId).Distinct().Count());

        // k counts the featured item; the other context key leads with it too; a context it lacks does not.
        Assert.Equal([quiet.Id.Value], await f.Ids(Request("bob", keys: ["route:/x"], k: 1)));
        Assert.Equal(quiet.Id.Value, (await f.Ids(Request("bob", keys: ["route:/y"])))[0]);
        await f.Share("cat", "Elsewhere", "use the export filter", keys: ["route:/z"]);
        Assert.DoesNotContain(quiet.Id.Value, await f.Ids(Request("bob", keys: ["route:/z"])));
        Assert.NotEqual(quiet.Id.Value, (await f.Ids(Request("bob", text: "export filter")))[0]);
    }

    [Fact]
    public async Task A_featured_tip_leads_requests_that_require_one_of_its_skills_and_learning_path_steps()
    {
        await using var f = new EngineFixture(o => o.DefaultTipRanker = "wilson");
        foreach (var who in new[] { "ann", "bob", "cat", "dan" })
        {
            await f.Learner(who);
        }

        await f.Learner("mod", null, null, "moderator");
        await f.Skills.DefineSkillAsync(T1, new SkillId("vat"), "VAT");
        await f.Skills.DefineSkillAsync(T1, new SkillId("excel"), "Excel");
        var quiet = await f.Share("ann", "Quiet VAT tip", "reverse charge", skills: ["vat"]);
        var loved = await f.Share("cat", "Loved VAT tip", "reverse charge", skills: ["vat"]);
        var sheet = await f.Share("ann", "Excel tip", "pivot", skills: ["excel"]);
        foreach (var voter in new[] { "bob", "dan" })
        {
            await f.Feedback(voter, loved, FeedbackKind.Helpful);
        }

        TipRequest Vat(bool require) => new() { Tenant = T1, Learner = new LearnerId("bob"), Skills = ["vat"], RequireSkills = require ? ["vat"] : null, K = 5 };
        Assert.Equal(loved.Id.Value, (await f.Ids(Vat(require: true)))[0]);

        await Moderation(f).FeatureAsync(T1, Mod, quiet.Id, Start.AddDays(30), quiet.Version);
        await Moderation(f).FeatureAsync(T1, Mod, sheet.Id, Start.AddDays(30), sheet.Version);

        var result = await f.Tips.RecommendAsync(Vat(require: true));
        Assert.Equal([quiet.Id, loved.Id], result.Items.Select(i => i.ContributionId));
        Assert.Contains("for vat until 2026-02-14", result.Items[0].Explanation[0].Text, StringComparison.Ordinal);

        // A preference (Skills without RequireSkills) is not a request about the skill: the ranker's order stands.
        Assert.Equal(loved.Id.Value, (await f.Ids(Vat(require: false)))[0]);

        // A learning path step asks for tips that require its skill, so the featured tip leads it.
        var path = await f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("bob"), TargetSkills = ["vat"], TipsPerStep = 2, MentorsPerStep = 0 });
        Assert.Equal(quiet.Id, Assert.Single(path.Steps).Tips[0].ContributionId);
    }

    [Fact]
    public async Task The_usual_filters_apply_and_the_feature_ends_on_time_or_when_taken_back()
    {
        var (f, quiet, _, other) = await SeedAsync();
        await using var _ = f;
        var featured = await Moderation(f).FeatureAsync(T1, Mod, quiet.Id, Start.AddDays(7), quiet.Version);

        Assert.DoesNotContain(quiet.Id.Value, await f.Ids(Request("ann", keys: ["route:/x"])));    // its author
        await f.Feedback("cat", quiet, FeedbackKind.Dismissed);
        Assert.NotEqual(quiet.Id.Value, (await f.Ids(Request("cat", keys: ["route:/x"])))[0]);   // dismissed it
        Assert.Equal(quiet.Id.Value, (await f.Ids(Request("bob", keys: ["route:/x"])))[0]);

        f.Time.Advance(TimeSpan.FromDays(7));
        Assert.NotEqual(quiet.Id.Value, (await f.Ids(Request("bob", keys: ["route:/x"])))[0]);   // ended

        var again = await Moderation(f).FeatureAsync(T1, Mod, quiet.Id, Start.AddDays(30), featured.Version);
        Assert.Equal(quiet.Id.Value, (await f.Ids(Request("bob", keys: ["route:/x"])))[0]);
        await Moderation(f).UnfeatureAsync(T1, Mod, quiet.Id, again.Version);
        Assert.NotEqual(quiet.Id.Value, (await f.Ids(Request("bob", keys: ["route:/x"])))[0]);

        // An audience the learner is outside of, and a hidden contribution, stay out even when featured.
        var finance = await f.Share("ann", "Finance only", "use the export filter", keys: ["route:/x"], audience: new Audience { Teams = ["finance"] });
        await Moderation(f).FeatureAsync(T1, Mod, finance.Id, Start.AddDays(60), finance.Version);
        Assert.Equal(finance.Id.Value, (await f.Ids(Request("bob", keys: ["route:/x"])))[0]);
        Assert.DoesNotContain(finance.Id.Value, await f.Ids(Request("dan", keys: ["route:/x"])));
        var shown = await f.Store.GetContributionAsync(T1, finance.Id);
        await Moderation(f).HideAsync(T1, Mod, finance.Id, shown!.Version);
        Assert.DoesNotContain(finance.Id.Value, await f.Ids(Request("bob", keys: ["route:/x"])));
        Assert.NotNull(other);
        Assert.NotNull(featured.FeaturedUntil);
    }

    [Fact]
    public async Task MaxFeaturedTips_caps_them_and_zero_turns_featuring_off()
    {
        foreach (var max in new[] { 0, 1, 2 })
        {
            var (f, quiet, loved, other) = await SeedAsync(o => o.MaxFeaturedTips = max);
            await using var _ = f;
            var unfeatured = await f.Ids(Request("bob", keys: ["route:/x"]));
            await Moderation(f).FeatureAsync(T1, Mod, quiet.Id, Start.AddDays(30), quiet.Version);
            var current = await f.Store.GetContributionAsync(T1, other.Id);
            await Moderation(f).FeatureAsync(T1, Mod, other.Id, Start.AddDays(20), current!.Version);

            var ids = await f.Ids(Request("bob", keys: ["route:/x"]));
            var expected = max switch
            {
                0 => unfeatured,
                1 => [quiet.Id.Value, .. unfeatured.Where(id => id != quiet.Id.Value)],
                _ => [quiet.Id.Value, other.Id.Value, loved.Id.Value],
            };
            Assert.Equal(expected, ids);
        }
    }

    [Fact]
    public async Task Featuring_checks_the_role_the_date_the_status_and_the_context_keys()
    {
        var (f, quiet, _, _) = await SeedAsync();
        await using var _ = f;
        var m = Moderation(f);
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => m.FeatureAsync(T1, new LearnerId("bob"), quiet.Id, Start.AddDays(1), quiet.Version));
        Assert.Equal("until", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => m.FeatureAsync(T1, Mod, quiet.Id, Start, quiet.Version))).ParamName);
        Assert.Equal("until", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => m.FeatureAsync(T1, Mod, quiet.Id, Start.AddDays(366), quiet.Version))).ParamName);
        var draft = await f.Share("ann", "Draft", "text", keys: ["route:/x"], status: ContributionStatus.Draft);
        Assert.Equal("contribution", (await Assert.ThrowsAsync<ArgumentException>(() => m.FeatureAsync(T1, Mod, draft.Id, Start.AddDays(1), draft.Version))).ParamName);
        var nowhere = await f.Share("ann", "No screen", "text");
        Assert.Contains("no context key or skill", (await Assert.ThrowsAsync<ArgumentException>(() => m.FeatureAsync(T1, Mod, nowhere.Id, Start.AddDays(1), nowhere.Version))).Message, StringComparison.Ordinal);
        Assert.Equal("contribution", (await Assert.ThrowsAsync<ArgumentException>(() => m.UnfeatureAsync(T1, Mod, quiet.Id, quiet.Version))).ParamName);
        await Assert.ThrowsAsync<VersionConflictException>(() => m.FeatureAsync(T1, Mod, quiet.Id, Start.AddDays(1), quiet.Version + 5));
        Assert.Null((await f.Store.GetContributionAsync(T1, quiet.Id))!.FeaturedUntil);

        var featured = await m.FeatureAsync(T1, Mod, quiet.Id, Start.AddDays(1), quiet.Version);
        Assert.Equal((Mod, Start.AddDays(1)), (featured.FeaturedBy!.Value, featured.FeaturedUntil!.Value));
    }
}
