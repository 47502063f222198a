using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class TipFilterTests
{
    private static async Task<EngineFixture> WithAuthorsAsync()
    {
        var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        await f.Learner("cat");
        return f;
    }

    [Fact]
    public async Task Dismissed_items_are_never_recommended_to_that_learner()
    {
        await using var f = await WithAuthorsAsync();
        var a = await f.Share("ann", "Export invoices", "Use the export button", keys: ["route:/invoices"]);
        var b = await f.Share("ann", "Filter invoices", "Use the filter box", keys: ["route:/invoices"]);
        Assert.Equal(2, (await f.Ids(Request("bob", keys: ["route:/invoices"]))).Count);

        await f.Feedback("bob", a, FeedbackKind.Dismissed);

        Assert.Equal([b.Id.Value], await f.Ids(Request("bob", keys: ["route:/invoices"])));
        Assert.Equal(2, (await f.Ids(Request("cat", keys: ["route:/invoices"]))).Count);
    }

    [Theory]
    [InlineData(ContributionStatus.Draft)]
    [InlineData(ContributionStatus.PendingReview)]
    public async Task Unpublished_items_are_not_recommended(ContributionStatus status)
    {
        await using var f = await WithAuthorsAsync();
        await f.Share("ann", "Draft tip", "work in progress", keys: ["route:/x"], status: status);
        var published = await f.Share("ann", "Published tip", "ready", keys: ["route:/x"]);

        Assert.Equal([published.Id.Value], await f.Ids(Request("bob", keys: ["route:/x"])));
    }

    [Theory]
    [InlineData(ContributionStatus.Archived)]
    [InlineData(ContributionStatus.Hidden)]
    public async Task Items_archived_or_hidden_after_publishing_disappear(ContributionStatus status)
    {
        await using var f = await WithAuthorsAsync();
        var tip = await f.Share("ann", "Tip", "body text", keys: ["route:/x"]);
        Assert.Single(await f.Ids(Request("bob", keys: ["route:/x"])));

        var current = await f.Store.GetContributionAsync(T1, tip.Id);
        await f.Store.UpdateContributionAsync(current! with { Status = status }, current!.Version);

        Assert.Empty(await f.Ids(Request("bob", keys: ["route:/x"])));
    }

    [Fact]
    public async Task Items_hidden_by_flags_disappear()
    {
        await using var f = await WithAuthorsAsync();
        await f.Learner("dan");
        var tip = await f.Share("ann", "Tip", "body text", keys: ["route:/x"]);
        f.Time.Advance(TimeSpan.FromDays(1)); // flaggers known for a day are trusted
        foreach (var who in new[] { "bob", "cat", "dan" })
        {
            await f.Contributions.FlagAsync(T1, new LearnerId(who), tip.Id, "spam");
        }

        Assert.Empty(await f.Ids(Request("bob", keys: ["route:/x"])));
    }

    [Fact]
    public async Task Another_tenants_items_are_never_recommended()
    {
        await using var f = await WithAuthorsAsync();
        await f.Learner("ann", T2);
        await f.Share("ann", "Globex tip", "same words invoices", keys: ["route:/invoices"], skills: ["invoicing"], tenant: T2);
        var mine = await f.Share("ann", "Acme tip", "same words invoices", keys: ["route:/invoices"], skills: ["invoicing"]);

        var ids = await f.Ids(Request("bob", keys: ["route:/invoices"], skills: ["invoicing"], text: "invoices"));
        Assert.Equal([mine.Id.Value], ids);

        // Cold start for the other tenant's learner with no clauses still sees only their tenant.
        var other = await f.Ids(Request("zed", tenant: T2));
        Assert.Single(other);
        Assert.NotEqual(mine.Id.Value, other[0]);
    }

    [Fact]
    public async Task Own_items_are_left_out_unless_asked_for()
    {
        await using var f = await WithAuthorsAsync();
        var own = await f.Share("ann", "My tip", "about invoices", keys: ["route:/invoices"]);
        var other = await f.Share("bob", "Bob tip", "about invoices", keys: ["route:/invoices"]);

        Assert.Equal([other.Id.Value], await f.Ids(Request("ann", keys: ["route:/invoices"])));
        var withOwn = await f.Ids(Request("ann", keys: ["route:/invoices"]) with { IncludeOwn = true });
        Assert.Equal(2, withOwn.Count);
        Assert.Contains(own.Id.Value, withOwn);
    }

    [Fact]
    public async Task Audience_restricted_items_reach_only_their_team_or_role()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann", team: "finance");
        await f.Learner("fin", team: "finance", roles: ["clerk"]);
        await f.Learner("ops", team: "ops", roles: ["clerk"]);
        var teamOnly = await f.Share("ann", "Finance only", "close the month", keys: ["route:/x"], audience: new Audience { Teams = ["finance"] });
        var roleOnly = await f.Share("ann", "Managers only", "approve", keys: ["route:/x"], audience: new Audience { Roles = ["manager"] });

        Assert.Equal([teamOnly.Id.Value], await f.Ids(Request("fin", keys: ["route:/x"])));
        Assert.Empty(await f.Ids(Request("ops", keys: ["route:/x"])));
        Assert.DoesNotContain(roleOnly.Id.Value, await f.Ids(Request("fin", keys: ["route:/x"])));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    public async Task K_out_of_range_is_rejected_naming_request_K(int k)
    {
        await using var f = await WithAuthorsAsync();
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => f.Tips.RecommendAsync(Request("bob", k: k)).AsTask());
        Assert.Equal("request.K", error.ParamName);
        var peerError = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("bob"), Skills = ["x"], K = k }).AsTask());
        Assert.Equal("request.K", peerError.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task K_at_the_bounds_is_honoured(int k)
    {
        await using var f = await WithAuthorsAsync();
        for (var i = 0; i < 105; i++)
        {
            await f.Share("ann", $"Tip {i}", $"body {i}", keys: ["route:/x"]);
        }

        var result = await f.Tips.RecommendAsync(Request("bob", keys: ["route:/x"], k: k));
        Assert.Equal(k, result.Items.Count);
    }

    [Fact]
    public async Task Invalid_context_key_and_unknown_ranker_are_rejected_naming_the_field()
    {
        await using var f = await WithAuthorsAsync();
        var key = await Assert.ThrowsAsync<ArgumentException>(() => f.Tips.RecommendAsync(Request("bob", keys: ["no-colon"])).AsTask());
        Assert.Equal("request.ContextKeys[0]", key.ParamName);
        var ranker = await Assert.ThrowsAsync<ArgumentException>(() => f.Tips.RecommendAsync(Request("bob", ranker: "nope")).AsTask());
        Assert.Equal("request.Ranker", ranker.ParamName);
        Assert.Contains("blend", ranker.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kinds_required_skills_and_exclude_seen_filter()
    {
        await using var f = await WithAuthorsAsync();
        var tip = await f.Share("ann", "Tip", "invoices", keys: ["route:/x"], skills: ["invoicing"]);
        var howTo = await f.Share("ann", "How to", "invoices", keys: ["route:/x"], skills: ["excel"], kind: ContributionKind.HowTo);

        Assert.Equal([howTo.Id.Value], await f.Ids(Request("bob", keys: ["route:/x"]) with { Kinds = [ContributionKind.HowTo] }));
        Assert.Equal([tip.Id.Value], await f.Ids(Request("bob", keys: ["route:/x"]) with { RequireSkills = ["invoicing"] }));

        await f.Feedback("bob", tip, FeedbackKind.Viewed);
        Assert.Equal([howTo.Id.Value], await f.Ids(Request("bob", keys: ["route:/x"]) with { ExcludeSeen = true }));
        Assert.Equal(2, (await f.Ids(Request("bob", keys: ["route:/x"]))).Count);
    }

    [Fact]
    public async Task Cold_start_empty_tenant_new_learner_and_new_item()
    {
        await using var f = new EngineFixture();
        var empty = await f.Tips.RecommendAsync(Request("nobody", keys: ["route:/x"], text: "anything"));
        Assert.Empty(empty.Items);

        await f.Learner("ann");
        var old = await f.Share("ann", "Old tip", "invoices export", keys: ["route:/x"]);
        f.Time.Advance(TimeSpan.FromDays(60));
        var fresh = await f.Share("ann", "New tip", "invoices export", keys: ["route:/x"]);

        // A request naming only things nobody wrote about gets nothing rather than unrelated items.
        Assert.Empty((await f.Tips.RecommendAsync(Request("brand-new", keys: ["route:/elsewhere"]))).Items);

        // A learner the index has never seen, with no clauses at all: fresh items first, each explained.
        var result = await f.Tips.RecommendAsync(Request("brand-new"));
        Assert.Equal([fresh.Id.Value, old.Id.Value], result.Items.Select(i => i.ContributionId.Value));
        Assert.All(result.Items, i => Assert.NotEmpty(i.Explanation));
    }
}
