using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

/// <summary>Tips, colleagues and learning paths for skills given by name or alias, as a contribution's skills are.</summary>
public sealed class SkillNamesInRequestsTests
{
    private static async Task<EngineFixture> TaxonomyAsync()
    {
        var f = new EngineFixture();
        await f.Skills.ImportAsync(T1,
        [
            new SkillDefinition { Id = new SkillId("esco-1f2e"), Name = "apply VAT rules", Aliases = ["sales tax", "value added tax"] },
            new SkillDefinition { Id = new SkillId("esco-77aa"), Name = "manage budgets", Aliases = ["budgeting"] },
            new SkillDefinition { Id = new SkillId("us-tax"), Name = "US sales tax", Aliases = ["sales tax"] },
            new SkillDefinition { Id = new SkillId("esco-0c0c"), Name = "close the books" },
        ],
        [new SkillEdgeDefinition { From = new SkillId("esco-1f2e"), To = new SkillId("esco-0c0c"), Kind = SkillEdgeKind.Prerequisite }]);
        foreach (var who in new[] { "ann", "bob", "me" })
        {
            await f.Learner(who);
        }

        await f.Share("ann", "Reverse charge", "Tick reverse charge for EU suppliers", skills: ["esco-1f2e"]);
        await f.Share("ann", "Nexus", "Collect sales tax where you have nexus", skills: ["us-tax"]);
        await f.Share("bob", "Quarterly budget", "Start from last quarter's actuals", skills: ["esco-77aa"]);
        return f;
    }

    [Theory]
    [InlineData("Value  Added Tax")]
    [InlineData("apply vat rules")]
    [InlineData("esco-1f2e")]
    public async Task Tips_for_a_skill_given_by_name_or_alias_are_those_for_its_id(string entry)
    {
        await using var f = await TaxonomyAsync();

        var result = await f.Tips.RecommendAsync(Request("me", skills: [entry]) with { RequireSkills = [entry] });

        Assert.Equal(["Reverse charge"], result.Items.Select(i => i.Title));
    }

    [Fact]
    public async Task A_label_two_skills_carry_stands_for_both_in_tips_and_peers()
    {
        await using var f = await TaxonomyAsync();

        var tips = await f.Tips.RecommendAsync(Request("me", skills: ["Sales tax"]) with { RequireSkills = ["sales tax"] });
        var peers = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("me"), Skills = ["budgeting"] });

        Assert.Equal(["Nexus", "Reverse charge"], tips.Items.Select(i => i.Title).Order());
        Assert.Equal("bob", Assert.Single(peers.Items).Learner.Value);
    }

    [Fact]
    public async Task A_label_nobody_carries_matches_nothing_as_an_unknown_id_did()
    {
        await using var f = await TaxonomyAsync();

        var result = await f.Tips.RecommendAsync(Request("me", skills: ["payroll"]) with { RequireSkills = ["payroll"] });

        Assert.Empty(result.Items);
    }

    [Fact]
    public async Task A_learning_path_target_may_be_a_name_an_ambiguous_one_is_refused_and_errors_keep_their_position()
    {
        await using var f = await TaxonomyAsync();

        var path = await f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("me"), TargetSkills = ["Close the books"], TipsPerStep = 0, MentorsPerStep = 0 });
        Assert.Equal(["esco-1f2e", "esco-0c0c"], path.Steps.Select(s => s.Skill.Value));

        var ambiguous = await Assert.ThrowsAsync<ArgumentException>(() => f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("me"), TargetSkills = ["budgeting", "sales tax"] }).AsTask());
        Assert.Equal("request.TargetSkills[1]", ambiguous.ParamName);
        Assert.Contains("esco-1f2e, us-tax", ambiguous.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<EntityNotFoundException>(() => f.Paths.PlanAsync(new LearningPathRequest { Tenant = T1, Learner = new LearnerId("me"), TargetSkills = ["budgeting", "manage budgets", "payroll"] }).AsTask());
        Assert.Equal("request.TargetSkills[2]", unknown.Field);
    }

    [Theory]
    [InlineData("sales\ttax")]
    [InlineData(" ")]
    public async Task A_skill_entry_with_control_characters_or_nothing_in_it_is_refused_naming_the_field(string entry)
    {
        await using var f = await TaxonomyAsync();

        var tips = await Assert.ThrowsAsync<ArgumentException>(() => f.Tips.RecommendAsync(Request("me", skills: ["vat", entry])).AsTask());
        var longer = await Assert.ThrowsAsync<ArgumentException>(() => f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("me"), Skills = [new string('x', 201)] }).AsTask());

        Assert.Equal("request.Skills", tips.ParamName);
        Assert.Contains("request.Skills[1]", tips.Message, StringComparison.Ordinal);
        Assert.Equal("request.Skills", longer.ParamName);
    }
}
