using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Tests.Insights;

public sealed class LearningInsightsTests
{
    [Fact]
    public async Task Gaps_put_skills_with_open_questions_and_few_contributors_first()
    {
        using var host = await CreateAsync();
        // vat: two questions, one answered; one contributor. invoicing: one question, three contributors.
        var q1 = await AskAsync(host, "bob", "vat");
        await AskAsync(host, "bob", "vat");
        await AnswerAsync(host, "ada", q1, "vat");
        await AskAsync(host, "ada", "invoicing");
        foreach (var author in new[] { "ada", "bob", "cy" })
        {
            await host.Contributions.ShareAsync(host.Tip() with { Author = new LearnerId(author) });
        }

        var report = await Insights(host).GetAsync(host.Tenant);

        Assert.Equal(["vat", "invoicing"], report.Gaps.Select(g => g.Skill.Value));
        var vat = report.Gaps[0];
        Assert.Equal((2, 1, 1, 1), (vat.QuestionsAsked, vat.OpenQuestions, vat.Shared, vat.Contributors));
        Assert.Equal(3 / 2.0, vat.Score);
        Assert.Equal((1, 1, 3), (report.Gaps[1].QuestionsAsked, report.Gaps[1].OpenQuestions, report.Gaps[1].Contributors));
        Assert.Equal(2 / 4.0, report.Gaps[1].Score);
    }

    [Fact]
    public async Task Unanswered_lists_open_published_questions_oldest_first_as_of_the_windows_end()
    {
        using var host = await CreateAsync();
        var old = await AskAsync(host, "bob", "vat");
        host.Clock.Advance(TimeSpan.FromDays(1));
        var answered = await AskAsync(host, "bob", "vat");
        await AnswerAsync(host, "ada", answered, "vat");
        host.Clock.Advance(TimeSpan.FromDays(1));
        var recent = await AskAsync(host, "ada", "invoicing");
        var hidden = await AskAsync(host, "ada", "invoicing");
        await host.Store.UpdateContributionAsync(hidden with { Status = ContributionStatus.Hidden }, hidden.Version);
        var answerTime = host.Clock.GetUtcNow().AddHours(1);
        host.Clock.Advance(TimeSpan.FromHours(2));
        await AnswerAsync(host, "bob", old, "vat");

        var now = await Insights(host).GetAsync(host.Tenant);
        Assert.Equal([recent.Id], now.Unanswered.Select(q => q.Id));
        Assert.Equal((recent.Title, recent.Author, recent.CreatedAt), (now.Unanswered[0].Title, now.Unanswered[0].Author, now.Unanswered[0].AskedAt));

        // Before the late answer, the first question was open too; the hidden one never counts.
        var earlier = await Insights(host).GetAsync(host.Tenant, new InsightsRequest { AsOf = answerTime });
        Assert.Equal([old.Id, recent.Id], earlier.Unanswered.Select(q => q.Id));
        var top = await Insights(host).GetAsync(host.Tenant, new InsightsRequest { AsOf = answerTime, Top = 1 });
        Assert.Equal([old.Id], top.Unanswered.Select(q => q.Id));
    }

    [Fact]
    public async Task Trends_compare_positive_activity_with_the_window_before()
    {
        using var host = await CreateAsync();
        var vatTip = await host.Contributions.ShareAsync(host.Tip("VAT tip", "vat"));
        var invoiceTip = await host.Contributions.ShareAsync(host.Tip("Invoice tip", "invoicing"));
        // The previous window: invoicing is busy (the two shares plus 4 views), vat quiet (its share).
        for (var i = 0; i < 4; i++)
        {
            await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, invoiceTip.Id, FeedbackKind.Viewed);
        }

        host.Clock.Advance(TimeSpan.FromDays(10));
        // This window: vat gets a helpful vote, a save, 3 views and a new question; invoicing only one view, and
        // negative signals count for nothing.
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, vatTip.Id, FeedbackKind.Helpful);
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, vatTip.Id, FeedbackKind.Saved);
        for (var i = 0; i < 3; i++)
        {
            await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, vatTip.Id, FeedbackKind.Viewed);
        }

        await AskAsync(host, "bob", "vat");
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, invoiceTip.Id, FeedbackKind.Viewed);
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, invoiceTip.Id, FeedbackKind.Dismissed);
        await host.Contributions.FlagAsync(host.Tenant, host.Bob, invoiceTip.Id, "old");

        var report = await Insights(host).GetAsync(host.Tenant, new InsightsRequest { Window = TimeSpan.FromDays(7) });

        var vat = Assert.Single(report.Rising);
        Assert.Equal(("vat", 6, 1), (vat.Skill.Value, vat.Current, vat.Previous));
        Assert.Equal(7 / 2.0, vat.Ratio);
        var invoicing = Assert.Single(report.Falling);
        Assert.Equal(("invoicing", 1, 5), (invoicing.Skill.Value, invoicing.Current, invoicing.Previous));
        Assert.Equal(report.To - TimeSpan.FromDays(7), report.From);

        // Below MinTrendActivity nothing is a trend.
        var strict = await Insights(host).GetAsync(host.Tenant, new InsightsRequest { Window = TimeSpan.FromDays(7), MinTrendActivity = 7 });
        Assert.Empty(strict.Rising);
        Assert.Empty(strict.Falling);
    }

    [Theory]
    [InlineData(0.5, 10, 3)]
    [InlineData(24 * 367, 10, 3)]
    [InlineData(24, 0, 3)]
    [InlineData(24, 101, 3)]
    [InlineData(24, 10, 0)]
    public async Task Out_of_range_requests_are_rejected_naming_the_field(double windowHours, int top, int minActivity)
    {
        using var host = await CreateAsync();
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Insights(host).GetAsync(
            host.Tenant, new InsightsRequest { Window = TimeSpan.FromHours(windowHours), Top = top, MinTrendActivity = minActivity }));
        Assert.Matches("request\\.(Window|Top|MinTrendActivity)", e.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Insights(host).GetAsync(default));
    }

    private static ILearningInsights Insights(TestHost host) => host.Services.GetRequiredService<ILearningInsights>();

    private static async Task<TestHost> CreateAsync()
    {
        var host = await TestHost.CreateAsync(o => o.AutoCreateSkills = true);
        await host.Learners.UpsertAsync(host.Tenant, new LearnerId("cy"), "Cy");
        return host;
    }

    private static Task<Contribution> AskAsync(TestHost host, string author, string skill) =>
        host.Contributions.ShareAsync(host.Tip("Question on " + skill, skill) with { Author = new LearnerId(author), Kind = ContributionKind.Question });

    private static Task<Contribution> AnswerAsync(TestHost host, string author, Contribution question, string skill) =>
        host.Contributions.ShareAsync(host.Tip("Answer", skill) with { Author = new LearnerId(author), Kind = ContributionKind.Answer, ParentId = question.Id });
}
