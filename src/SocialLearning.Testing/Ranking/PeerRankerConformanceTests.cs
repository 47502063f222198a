using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Testing.Data;
using Xunit;

namespace SocialLearning.Testing.Ranking;

/// <summary>
/// Conformance tests for peer rankers, run through the real <see cref="IPeerFinder"/> over a seeded corpus with
/// load balancing off: honours k, never the asker, deterministic order, explanations on every result, and nobody
/// from another tenant. Subclass <see cref="PeerRankerConformanceTests{TRanker}"/> in one line for a custom ranker.
/// </summary>
public abstract class PeerRankerConformanceTests
{
    private static readonly TenantId TenantA = new("peer-conformance-a");
    private static readonly TenantId TenantB = new("peer-conformance-b");

    /// <summary>The registered name of the ranker under test.</summary>
    protected abstract string RankerName { get; }

    /// <summary>Registers the ranker.</summary>
    protected virtual void Register(ISocialLearningBuilder builder)
    {
    }

    private async Task<(ServiceProvider Provider, SyntheticCorpus Corpus)> CreateAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var builder = services.AddSocialLearning().UseInMemoryStorage();
        builder.ConfigureRecommendations(o => o.PeerLoadPenalty = 0);
        Register(builder);
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ISocialLearningStore>();
        var options = new SyntheticCorpusOptions { Seed = 21, Contributions = 600, Learners = 80, Skills = 20, ContextKeys = 30, Vocabulary = 800 };
        var corpus = new SyntheticCorpus(TenantA, options);
        await corpus.LoadAsync(store);

        // Tenant B: a star expert on every skill tenant A asks about, who must never be suggested there.
        var other = new SyntheticCorpus(TenantB, new SyntheticCorpusOptions { Seed = 22, Contributions = 200, Learners = 30, Skills = 20, ContextKeys = 30, Vocabulary = 800, IdPrefix = "x" });
        await other.LoadAsync(store);
        var star = new Learner { Tenant = TenantB, Id = new LearnerId("only-in-b"), DisplayName = "B star" };
        await store.CreateLearnerAsync(star);
        for (var s = 0; s < options.Skills; s++)
        {
            await store.CreateContributionAsync(new Contribution
            {
                Tenant = TenantB,
                Id = new ContributionId("star-" + s.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Kind = ContributionKind.Tip,
                Author = star.Id,
                Title = "expert tip",
                Body = string.Join(' ', corpus.Queries(1, seed: s)[0].Terms),
                Skills = [new SkillId(SyntheticCorpus.SkillId(s))],
            });
        }

        return (provider, corpus);
    }

    private PeerRequest Query(SyntheticCorpus corpus, int i, int k = 10)
    {
        var q = corpus.Queries(i + 1, seed: 3)[i];
        return new PeerRequest { Tenant = TenantA, Asker = q.Learner, Skills = q.Skills, Text = q.Text, K = k, Ranker = RankerName };
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(100)]
    public async Task Honours_k_and_never_suggests_the_asker(int k)
    {
        var (provider, corpus) = await CreateAsync();
        await using var _ = provider;
        var peers = provider.GetRequiredService<IPeerFinder>();
        for (var q = 0; q < 5; q++)
        {
            var request = Query(corpus, q, k);
            var result = await peers.FindAsync(request);
            Assert.InRange(result.Items.Count, 0, k);
            Assert.DoesNotContain(result.Items, p => p.Learner == request.Asker);
            Assert.Equal(result.Items.Count, result.Items.Select(p => p.Learner).Distinct().Count());
        }

        var broad = await peers.FindAsync(Query(corpus, 0, 1) with { Skills = [SyntheticCorpus.SkillId(0)] });
        Assert.Single(broad.Items);
    }

    [Fact]
    public async Task Orders_deterministically_and_explains_every_result()
    {
        var (p1, corpus) = await CreateAsync();
        var (p2, _) = await CreateAsync();
        await using var a = p1;
        await using var b = p2;
        for (var q = 0; q < 5; q++)
        {
            var request = Query(corpus, q);
            var r1 = await p1.GetRequiredService<IPeerFinder>().FindAsync(request);
            var r2 = await p2.GetRequiredService<IPeerFinder>().FindAsync(request);
            Assert.Equal(r1.Items.Select(p => p.Learner), r2.Items.Select(p => p.Learner));
            Assert.Equal(r1.Items.Select(p => p.Score), r2.Items.Select(p => p.Score));
            for (var i = 1; i < r1.Items.Count; i++)
            {
                Assert.True(r1.Items[i - 1].Score >= r1.Items[i].Score, $"scores must not increase down the list (position {i}).");
            }

            Assert.All(r1.Items, p =>
            {
                Assert.NotEmpty(p.Explanation);
                Assert.All(p.Explanation, e => Assert.False(string.IsNullOrWhiteSpace(e.Text)));
            });
        }
    }

    [Fact]
    public async Task Never_suggests_someone_from_another_tenant()
    {
        var (provider, corpus) = await CreateAsync();
        await using var _ = provider;
        var peers = provider.GetRequiredService<IPeerFinder>();
        for (var q = 0; q < 10; q++)
        {
            var result = await peers.FindAsync(Query(corpus, q, 100));
            Assert.DoesNotContain(result.Items, p => p.Learner.Value == "only-in-b");
        }
    }
}

/// <summary>Peer conformance tests for a ranker type, registered under the name <c>under-test</c>.</summary>
/// <typeparam name="TRanker">The ranker.</typeparam>
public abstract class PeerRankerConformanceTests<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TRanker> : PeerRankerConformanceTests
    where TRanker : class, IPeerRanker
{
    /// <inheritdoc />
    protected override string RankerName => "under-test";

    /// <inheritdoc />
    protected override void Register(ISocialLearningBuilder builder) => builder.AddPeerRanker<TRanker>("under-test");
}
