using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace SocialLearning.Tests.Recommendations;

/// <summary>A service provider with the in-memory store, a fake clock and helpers to write through the SDK services.</summary>
internal sealed class EngineFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 9, 0, 0, TimeSpan.Zero);

    public EngineFixture(Action<RecommendationOptions>? configure = null, Action<ISocialLearningBuilder>? build = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        var builder = services.AddSocialLearning(o => o.AutoCreateSkills = true).UseInMemoryStorage();
        builder.ConfigureRecommendations(o =>
        {
            o.PeerLoadPenalty = 0;
            o.ExpertiseRankRefreshInterval = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        build?.Invoke(builder);
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public ServiceProvider Provider { get; }

    public ITipRecommender Tips => Provider.GetRequiredService<ITipRecommender>();

    public IPeerFinder Peers => Provider.GetRequiredService<IPeerFinder>();

    public ILearningPathPlanner Paths => Provider.GetRequiredService<ILearningPathPlanner>();

    public IContributionService Contributions => Provider.GetRequiredService<IContributionService>();

    public ILearnerService Learners => Provider.GetRequiredService<ILearnerService>();

    public ISkillService Skills => Provider.GetRequiredService<ISkillService>();

    public ISocialLearningStore Store => Provider.GetRequiredService<ISocialLearningStore>();

    public static TenantId T1 { get; } = new("acme");

    public static TenantId T2 { get; } = new("globex");

    public Task<Learner> Learner(string id, TenantId? tenant = null, string? team = null, params string[] roles) =>
        Learners.UpsertAsync(tenant ?? T1, new LearnerId(id), id.ToUpperInvariant(), team, roles);

    public Task<Contribution> Share(
        string author,
        string title,
        string body,
        string[]? skills = null,
        string[]? keys = null,
        TenantId? tenant = null,
        ContributionKind kind = ContributionKind.Tip,
        ContributionStatus status = ContributionStatus.Published,
        Audience? audience = null,
        ContributionId? parent = null,
        string? id = null) =>
        Contributions.ShareAsync(new ShareContributionRequest
        {
            Tenant = tenant ?? T1,
            Author = new LearnerId(author),
            Title = title,
            Body = body,
            Skills = skills ?? [],
            ContextKeys = keys ?? [],
            Kind = kind,
            Status = status,
            Audience = audience ?? Audience.Everyone,
            ParentId = parent,
            Id = id is null ? null : new ContributionId(id),
        });

    public Task Feedback(string learner, Contribution c, FeedbackKind kind) =>
        Contributions.GiveFeedbackAsync(c.Tenant, new LearnerId(learner), c.Id, kind);

    public async Task<IReadOnlyList<string>> Ids(TipRequest request)
    {
        var result = await Tips.RecommendAsync(request);
        return result.Items.Select(i => i.ContributionId.Value).ToList();
    }

    public static TipRequest Request(string learner, string[]? keys = null, string[]? skills = null, string? text = null, int k = 10, TenantId? tenant = null, string? ranker = null) => new()
    {
        Tenant = tenant ?? T1,
        Learner = new LearnerId(learner),
        ContextKeys = keys ?? [],
        Skills = skills ?? [],
        Text = text,
        K = k,
        Ranker = ranker,
    };

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
