using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Testing.Data;
using Xunit;

namespace SocialLearning.Testing.Ranking;

/// <summary>
/// Conformance tests every tip ranker should pass, run through the real engine over a seeded synthetic corpus:
/// honours k, deterministic order (same request, same answer, on a fresh instance too), empty candidate sets,
/// explanations on every result, non-increasing scores, and no results from another tenant or that the filters
/// exclude. For a custom ranker subclass <see cref="TipRankerConformanceTests{TRanker}"/> in one line:
/// <code>public sealed class MyRankerConformance : TipRankerConformanceTests&lt;MyRanker&gt;;</code>
/// </summary>
public abstract class TipRankerConformanceTests
{
    /// <summary>Tenant with the corpus under test.</summary>
    protected static readonly TenantId TenantA = new("conformance-a");

    /// <summary>A second tenant with a different corpus (ids prefixed <c>x</c>).</summary>
    protected static readonly TenantId TenantB = new("conformance-b");

    /// <summary>The registered name of the ranker under test.</summary>
    protected abstract string RankerName { get; }

    /// <summary>Registers the ranker (and anything it needs).</summary>
    protected virtual void Register(ISocialLearningBuilder builder)
    {
    }

    /// <summary>The corpus: small enough to load in a fraction of a second.</summary>
    protected virtual SyntheticCorpusOptions CorpusOptions(string idPrefix, int seed) => new()
    {
        Seed = seed,
        IdPrefix = idPrefix,
        Contributions = 600,
        Learners = 120,
        Skills = 30,
        ContextKeys = 40,
        Vocabulary = 1_000,
    };

    /// <summary>Builds a provider with the in-memory store and both tenants loaded.</summary>
    protected async Task<(ServiceProvider Provider, SyntheticCorpus Corpus)> CreateAsync(bool loadSecondTenant = true)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var builder = services.AddSocialLearning().UseInMemoryStorage();
        builder.ConfigureRecommendations(o => o.PeerLoadPenalty = 0);
        Register(builder);
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ISocialLearningStore>();
        var corpus = new SyntheticCorpus(TenantA, CorpusOptions("c", 11));
        await corpus.LoadAsync(store);
        if (loadSecondTenant)
        {
            await new SyntheticCorpus(TenantB, CorpusOptions("x", 12)).LoadAsync(store);
        }

        return (provider, corpus);
    }

    private TipRequest Query(SyntheticCorpus corpus, int i, int k = 10) => corpus.Queries(i + 1)[i].ToRequest(TenantA, k, RankerName);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task Returns_exactly_k_when_enough_items_match(int k)
    {
        var (provider, corpus) = await CreateAsync(loadSecondTenant: false);
        await using var _ = provider;
        var tips = provider.GetRequiredService<ITipRecommender>();

        // No clause: every visible item is a candidate, far more than k.
        var all = await tips.RecommendAsync(new TipRequest { Tenant = TenantA, Learner = new LearnerId("conformance-reader"), K = k, Ranker = RankerName });
        Assert.Equal(k, all.Items.Count);

        var some = await tips.RecommendAsync(Query(corpus, 0, k));
        Assert.InRange(some.Items.Count, 0, k);
        Assert.Equal(RankerName, some.Ranker);
    }

    [Fact]
    public async Task Orders_deterministically_with_stable_tie_breaks()
    {
        var (p1, corpus) = await CreateAsync(loadSecondTenant: false);
        var (p2, _) = await CreateAsync(loadSecondTenant: false);
        await using var a = p1;
        await using var b = p2;
        var first = p1.GetRequiredService<ITipRecommender>();
        var second = p2.GetRequiredService<ITipRecommender>();
        for (var q = 0; q < 5; q++)
        {
            var request = Query(corpus, q, 20);
            var r1 = await first.RecommendAsync(request);
            var again = await first.RecommendAsync(request);
            var r2 = await second.RecommendAsync(request);
            Assert.Equal(r1.Items.Select(i => i.ContributionId), again.Items.Select(i => i.ContributionId));
            Assert.Equal(r1.Items.Select(i => i.ContributionId), r2.Items.Select(i => i.ContributionId));
            Assert.Equal(r1.Items.Select(i => i.Score), r2.Items.Select(i => i.Score));
            for (var i = 1; i < r1.Items.Count; i++)
            {
                Assert.True(r1.Items[i - 1].Score >= r1.Items[i].Score, $"scores must not increase down the list (position {i}).");
            }
        }
    }

    [Fact]
    public async Task Returns_nothing_for_an_empty_candidate_set()
    {
        var (provider, corpus) = await CreateAsync(loadSecondTenant: false);
        await using var _ = provider;
        var tips = provider.GetRequiredService<ITipRecommender>();

        var emptyTenant = await tips.RecommendAsync(new TipRequest { Tenant = new TenantId("conformance-empty"), Learner = new LearnerId("r"), ContextKeys = ["route:/x"], Text = "anything", Ranker = RankerName });
        Assert.Empty(emptyTenant.Items);

        var filteredOut = await tips.RecommendAsync(Query(corpus, 1) with { RequireSkills = ["no-such-skill"] });
        Assert.Empty(filteredOut.Items);
    }

    [Fact]
    public async Task Explains_every_result()
    {
        var (provider, corpus) = await CreateAsync(loadSecondTenant: false);
        await using var _ = provider;
        var tips = provider.GetRequiredService<ITipRecommender>();
        for (var q = 0; q < 5; q++)
        {
            var result = await tips.RecommendAsync(Query(corpus, q));
            foreach (var item in result.Items)
            {
                Assert.NotEmpty(item.Explanation);
                Assert.All(item.Explanation, e =>
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Signal), "every signal needs a name");
                    Assert.False(string.IsNullOrWhiteSpace(e.Text), "every signal needs a sentence");
                    Assert.True(double.IsFinite(e.Value), $"signal {e.Signal} has a non-finite value");
                });
            }
        }
    }

    [Fact]
    public async Task Never_returns_another_tenants_items_nor_what_the_filters_exclude()
    {
        var (provider, corpus) = await CreateAsync();
        await using var _ = provider;
        var tips = provider.GetRequiredService<ITipRecommender>();
        var store = provider.GetRequiredService<ISocialLearningStore>();
        for (var q = 0; q < 5; q++)
        {
            var request = Query(corpus, q, 50);
            var result = await tips.RecommendAsync(request);
            Assert.All(result.Items, i => Assert.StartsWith("c", i.ContributionId.Value, StringComparison.Ordinal));
            Assert.All(result.Items, i => Assert.NotEqual(request.Learner, i.Author));
            if (result.Items.Count == 0)
            {
                continue;
            }

            // Dismiss the first and hide the second: both must go.
            var dismissed = result.Items[0].ContributionId;
            await store.AppendInteractionAsync(new Interaction { Tenant = TenantA, ContributionId = dismissed, Learner = request.Learner, Kind = InteractionKind.Dismissed });
            ContributionId? hidden = null;
            if (result.Items.Count > 1)
            {
                hidden = result.Items[1].ContributionId;
                var current = await store.GetContributionAsync(TenantA, hidden.Value);
                await store.UpdateContributionAsync(current! with { Status = ContributionStatus.Hidden }, current!.Version);
            }

            var after = await tips.RecommendAsync(request);
            Assert.DoesNotContain(dismissed, after.Items.Select(i => i.ContributionId));
            if (hidden is { } h)
            {
                Assert.DoesNotContain(h, after.Items.Select(i => i.ContributionId));
            }
        }
    }
}

/// <summary>A clock that never moves, so time-dependent scores repeat exactly.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>The conformance tests for a ranker type, registered under the name <c>under-test</c>.</summary>
/// <typeparam name="TRanker">The ranker.</typeparam>
public abstract class TipRankerConformanceTests<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TRanker> : TipRankerConformanceTests
    where TRanker : class, ITipRanker
{
    /// <inheritdoc />
    protected override string RankerName => "under-test";

    /// <inheritdoc />
    protected override void Register(ISocialLearningBuilder builder) => builder.AddTipRanker<TRanker>("under-test");
}
