using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SocialLearning.AspNetCore.Identity;

namespace SocialLearning.AspNetCore.Endpoints;

/// <summary>Everything the endpoint handlers need, resolved once.</summary>
internal sealed class EndpointServices(
    IServiceProvider services,
    CallerAccessor callers,
    IContributionService contributions,
    IModerationService moderation,
    ILearningInsights insights,
    IXApiExporter xapi,
    ISkillService skills,
    ISocialLearningStore store,
    IContributionRenderer renderer,
    WriteRateLimiter limiter,
    IOptions<SocialLearningWebOptions> options,
    IModeratorPolicy moderators)
{
    public CallerAccessor Callers { get; } = callers;

    public IContributionService Contributions { get; } = contributions;

    public IModerationService Moderation { get; } = moderation;

    public ILearningInsights Insights { get; } = insights;

    public IXApiExporter XApi { get; } = xapi;

    public IModeratorPolicy Moderators { get; } = moderators;

    public ISkillService Skills { get; } = skills;

    public ISocialLearningStore Store { get; } = store;

    public IContributionRenderer Renderer { get; } = renderer;

    public WriteRateLimiter Limiter { get; } = limiter;

    public SocialLearningWebOptions Options { get; } = options.Value;

    // Recommenders are looked up per request so hosts may register them after mapping (and a missing one is a clear 501).
    public T? Optional<T>()
        where T : class => services.GetService<T>();
}
