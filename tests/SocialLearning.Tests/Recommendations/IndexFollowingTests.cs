using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class IndexFollowingTests
{
    [Fact]
    public async Task A_write_through_the_services_is_visible_as_soon_as_the_call_returns()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        Assert.Empty(await f.Ids(Request("bob", keys: ["route:/a"])));   // index loaded now

        for (var i = 0; i < 20; i++)
        {
            var tip = await f.Share("ann", $"Tip {i}", "words", keys: ["route:/a"]);
            var ids = await f.Ids(Request("bob", keys: ["route:/a"], k: 100));
            Assert.Contains(tip.Id.Value, ids);
            Assert.Equal(i + 1, ids.Count);
        }
    }

    [Fact]
    public async Task RefreshAsync_catches_the_index_up_now_instead_of_at_the_next_check()
    {
        // Check the store at most hourly: a direct store write is not seen by requests until the next check.
        await using var f = new EngineFixture(o => o.StoreCheckInterval = TimeSpan.FromHours(1));
        await f.Learner("ann");
        await f.Learner("bob");
        Assert.Empty(await f.Ids(Request("bob", keys: ["route:/a"])));   // loaded and checked now
        await f.Store.CreateContributionAsync(Direct(f, "direct"));
        Assert.Empty(await f.Ids(Request("bob", keys: ["route:/a"])));

        var index = f.Provider.GetRequiredService<IRecommendationIndex>();
        await index.RefreshAsync(T1);

        Assert.Equal(["direct"], await f.Ids(Request("bob", keys: ["route:/a"])));
    }

    [Fact]
    public async Task RefreshAsync_loads_a_tenant_before_its_first_request_and_rejects_the_default_tenant()
    {
        await using var f = new EngineFixture(o => o.StoreCheckInterval = TimeSpan.FromHours(1));
        await f.Learner("ann");
        await f.Learner("bob");
        await f.Store.CreateContributionAsync(Direct(f, "before"));
        var index = f.Provider.GetRequiredService<IRecommendationIndex>();

        await index.RefreshAsync(T1);
        await f.Store.CreateContributionAsync(Direct(f, "after"));

        // Loaded (and checked) by RefreshAsync, so the first request is inside the check interval.
        Assert.Equal(["before"], await f.Ids(Request("bob", keys: ["route:/a"])));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => index.RefreshAsync(default).AsTask());
        Assert.Equal("tenant", error.ParamName);
    }

    private static Contribution Direct(EngineFixture f, string id) => new()
    {
        Tenant = T1,
        Id = new ContributionId(id),
        Kind = ContributionKind.Tip,
        Author = new LearnerId("ann"),
        Title = id,
        Body = "words",
        ContextKeys = [ContextKey.Parse("route:/a")],
        CreatedAt = f.Time.GetUtcNow(),
    };

    [Fact]
    public async Task Direct_store_writes_after_load_are_followed_from_the_change_feed()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        var first = await f.Share("ann", "First", "alpha", keys: ["route:/a"], skills: ["s1"]);
        Assert.Single(await f.Ids(Request("bob", keys: ["route:/a"])));

        // Create, re-skill and re-key through the store itself.
        var second = await f.Store.CreateContributionAsync(new Contribution
        {
            Tenant = T1,
            Id = new ContributionId("direct"),
            Kind = ContributionKind.Tip,
            Author = new LearnerId("ann"),
            Title = "Direct",
            Body = "beta gamma",
            ContextKeys = [ContextKey.Parse("route:/a")],
            CreatedAt = f.Time.GetUtcNow(),
        });
        Assert.Equal(2, (await f.Ids(Request("bob", keys: ["route:/a"]))).Count);

        var moved = await f.Store.UpdateContributionAsync(second with { ContextKeys = [ContextKey.Parse("route:/b")], Body = "delta" }, second.Version);
        Assert.Equal([first.Id.Value], await f.Ids(Request("bob", keys: ["route:/a"])));
        Assert.Equal(["direct"], await f.Ids(Request("bob", keys: ["route:/b"])));
        Assert.Equal(["direct"], await f.Ids(Request("bob", text: "delta")));
        Assert.Empty(await f.Ids(Request("bob", text: "gamma")));
        Assert.True(moved.Version > second.Version);
    }

    [Fact]
    public async Task Votes_change_counters_and_the_explanation()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        await f.Learner("cat");
        var tip = await f.Share("ann", "Tip", "words", keys: ["route:/a"]);
        await f.Feedback("bob", tip, FeedbackKind.Helpful);
        await f.Feedback("cat", tip, FeedbackKind.Helpful);

        var result = await f.Tips.RecommendAsync(Request("bob", keys: ["route:/a"]));
        var helpful = Assert.Single(result.Items[0].Explanation, e => e.Signal == "helpful");
        Assert.Equal(2, helpful.Value);
        Assert.Equal("helpful to 2 colleagues", helpful.Text);

        await f.Feedback("cat", tip, FeedbackKind.NotHelpful);   // replaces cat's vote
        result = await f.Tips.RecommendAsync(Request("bob", keys: ["route:/a"]));
        Assert.Equal(1, result.Items[0].Explanation.Single(e => e.Signal == "helpful").Value);
    }

    [Fact]
    public async Task A_second_instance_loading_later_sees_the_same_state()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        var a = await f.Share("ann", "A", "x", keys: ["route:/a"]);
        var b = await f.Share("ann", "B", "x", keys: ["route:/a"]);
        await f.Feedback("bob", a, FeedbackKind.Dismissed);
        await f.Feedback("bob", b, FeedbackKind.Helpful);

        // A fresh index built from the same store (start-up load path).
        var index = new SocialLearning.Index.RecommendationIndex(
            f.Store,
            Microsoft.Extensions.Options.Options.Create(new RecommendationOptions()),
            Microsoft.Extensions.Options.Options.Create(new SocialLearningOptions()),
            f.Time);
        var tenant = await index.GetCurrentAsync(T1);
        Assert.Equal(await f.Store.GetHeadPositionAsync(), tenant.Position);
        Assert.Equal(2, tenant.DocumentCount);
        var bob = tenant.LearnerAt(tenant.FindLearner("bob"));
        Assert.Equal([tenant.FindItem(a.Id.Value)], bob.Dismissed);
        Assert.Equal(1, tenant.Helpful[tenant.ItemDoc[tenant.FindItem(b.Id.Value)]]);
    }
}
