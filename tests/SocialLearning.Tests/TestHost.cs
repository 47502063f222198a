using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace SocialLearning.Tests;

/// <summary>A service provider with the in-memory store, a fake clock and a fresh tenant with two learners.</summary>
internal sealed class TestHost : IDisposable
{
    private readonly ServiceProvider _provider;

    public TestHost(Action<SocialLearningOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSocialLearning(configure).UseInMemoryStorage();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));

    public TenantId Tenant { get; } = new("acme-" + Guid.NewGuid().ToString("N")[..8]);

    public LearnerId Ada { get; } = new("ada");

    public LearnerId Bob { get; } = new("bob");

    public IContributionService Contributions => _provider.GetRequiredService<IContributionService>();

    public ISkillService Skills => _provider.GetRequiredService<ISkillService>();

    public ILearnerService Learners => _provider.GetRequiredService<ILearnerService>();

    public IServiceProvider Services => _provider;

    public IModerationService Moderation => _provider.GetRequiredService<IModerationService>();

    public ISocialLearningStore Store => _provider.GetRequiredService<ISocialLearningStore>();

    public static async Task<TestHost> CreateAsync(Action<SocialLearningOptions>? configure = null)
    {
        var host = new TestHost(configure);
        await host.Learners.UpsertAsync(host.Tenant, host.Ada, "Ada", "finance", ["clerk"]);
        await host.Learners.UpsertAsync(host.Tenant, host.Bob, "Bob", "finance", ["clerk"]);
        await host.Skills.DefineSkillAsync(host.Tenant, new SkillId("invoicing"), "Invoicing");
        return host;
    }

    public ShareContributionRequest Tip(string title = "Use templates", params string[] skills) => new()
    {
        Tenant = Tenant,
        Author = Ada,
        Title = title,
        Body = "Save time with **templates**.",
        Skills = skills.Length == 0 ? ["invoicing"] : skills,
        ContextKeys = ["route:/invoices/new"],
    };

    public void Dispose() => _provider.Dispose();
}
