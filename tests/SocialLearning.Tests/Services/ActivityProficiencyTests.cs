using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SocialLearning.Tests.Services;

public sealed class ActivityProficiencyTests
{
    private static async Task<SkillProficiency?> LevelAsync(TestHost host, LearnerId learner, string skill) =>
        (await host.Learners.GetProfileAsync(host.Tenant, learner)).Skills.SingleOrDefault(s => s.Skill.Value == skill);

    private static async Task<int> ActivityEvidenceAsync(TestHost host, LearnerId learner)
    {
        var n = 0;
        await foreach (var e in host.Store.ListEvidenceAsync(host.Tenant, learner))
        {
            n += e.Source == EvidenceSource.Activity ? 1 : 0;
        }

        return n;
    }

    [Fact]
    public async Task Sharing_a_published_tip_records_activity_proficiency_in_its_skills_but_drafts_and_questions_do_not()
    {
        using var host = await TestHost.CreateAsync(o => o.AutoCreateSkills = true);
        await host.Contributions.ShareAsync(host.Tip("Draft", "drafting") with { Status = ContributionStatus.Draft });
        await host.Contributions.ShareAsync(host.Tip("Asking", "asking") with { Kind = ContributionKind.Question });
        Assert.Equal(0, await ActivityEvidenceAsync(host, host.Ada));

        await host.Contributions.ShareAsync(host.Tip("Tip", "invoicing", "vat"));

        foreach (var skill in new[] { "invoicing", "vat" })
        {
            var level = await LevelAsync(host, host.Ada, skill);
            Assert.NotNull(level);
            Assert.Equal((EvidenceSource.Activity, 0.5), (level.Source, level.Level));
        }

        Assert.Null(await LevelAsync(host, host.Ada, "drafting"));
        Assert.Null(await LevelAsync(host, host.Ada, "asking"));
    }

    [Fact]
    public async Task An_accepted_answer_raises_its_author_in_the_questions_skills_and_later_shares_never_lower_it()
    {
        using var host = await TestHost.CreateAsync(o => o.AutoCreateSkills = true);
        var question = await host.Contributions.ShareAsync(host.Tip("How?", "vat") with { Author = host.Bob, Kind = ContributionKind.Question });
        var answer = await host.Contributions.ShareAsync(host.Tip("Like this") with { Kind = ContributionKind.Answer, ParentId = question.Id, Skills = [] });
        Assert.Equal(0.5, (await LevelAsync(host, host.Ada, "vat"))!.Level); // the question's skill

        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, answer.Id, FeedbackKind.Accepted);
        Assert.Equal(0.8, (await LevelAsync(host, host.Ada, "vat"))!.Level);
        var evidence = await ActivityEvidenceAsync(host, host.Ada);

        await host.Contributions.ShareAsync(host.Tip("Another VAT tip", "vat"));
        Assert.Equal(0.8, (await LevelAsync(host, host.Ada, "vat"))!.Level);
        Assert.Equal(evidence, await ActivityEvidenceAsync(host, host.Ada));

        // A year later the accepted answer counts half (0.4); sharing again lifts it back to the share level.
        host.Clock.Advance(TimeSpan.FromDays(365));
        Assert.Equal(0.4, (await LevelAsync(host, host.Ada, "vat"))!.Level, 6);
        await host.Contributions.ShareAsync(host.Tip("Still current", "vat"));
        Assert.Equal(0.5, (await LevelAsync(host, host.Ada, "vat"))!.Level, 6);
    }

    [Fact]
    public async Task Endorsements_count_a_retried_share_records_once_and_zero_turns_it_off()
    {
        using var host = await TestHost.CreateAsync(o => o.AutoCreateSkills = true);
        var tip = await host.Contributions.ShareAsync(host.Tip("Tip", "excel") with { IdempotencyKey = "share-1" });
        await host.Contributions.ShareAsync(host.Tip("Tip", "excel") with { IdempotencyKey = "share-1" });
        Assert.Equal(1, await ActivityEvidenceAsync(host, host.Ada));
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, tip.Id, FeedbackKind.Endorsed);
        Assert.Equal(0.8, (await LevelAsync(host, host.Ada, "excel"))!.Level);

        using var off = await TestHost.CreateAsync(o =>
        {
            o.AutoCreateSkills = true;
            o.ActivityShareLevel = 0;
            o.ActivityRecognitionLevel = 0;
        });
        var quiet = await off.Contributions.ShareAsync(off.Tip("Tip", "excel"));
        await off.Contributions.GiveFeedbackAsync(off.Tenant, off.Bob, quiet.Id, FeedbackKind.Endorsed);
        Assert.Equal(0, await ActivityEvidenceAsync(off, off.Ada));
    }

    [Fact]
    public void Levels_outside_0_to_1_are_rejected_naming_the_option()
    {
        var services = new ServiceCollection();
        services.AddSocialLearning(o => o.ActivityRecognitionLevel = 1.5).UseInMemoryStorage();
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SocialLearningOptions>>().Value);
        Assert.Contains("SocialLearningOptions.ActivityRecognitionLevel", e.Message, StringComparison.Ordinal);
    }
}
