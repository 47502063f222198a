using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SocialLearning;
using SocialLearning.Services;
using SocialLearning.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SocialLearning services.</summary>
public static class SocialLearningServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SocialLearning services (singletons) and returns a builder to choose storage
    /// (<c>.UseInMemoryStorage()</c>, <c>.UseSqliteStorage(...)</c>) and rankers. Calling it again only
    /// applies <paramref name="configure"/> again; nothing is registered twice.
    /// Options are validated on start; a missing store is reported there, naming the methods that add one.
    /// </summary>
    public static ISocialLearningBuilder AddSocialLearning(this IServiceCollection services, Action<SocialLearningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<SocialLearningOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(SocialLearningBuilder))?.ImplementationInstance;
        if (existing is SocialLearningBuilder builder)
        {
            return builder;
        }

        builder = new SocialLearningBuilder(services);
        services.AddSingleton(builder);
        optionsBuilder
            .Validate(
                _ => services.Any(d => d.ServiceType == typeof(ISocialLearningStore)),
                "No SocialLearning store is configured. Call UseInMemoryStorage(), UseSqliteStorage(...) or UsePostgreSqlStorage(...) on the builder that AddSocialLearning() returns, or register your own ISocialLearningStore.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocialLearningOptions>, SocialLearningOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IContributionService, ContributionService>();
        services.TryAddSingleton<IModeratorPolicy, RoleModeratorPolicy>();
        services.TryAddSingleton<IModerationService, ModerationService>();
        services.TryAddSingleton<IXApiExporter, XApiExporter>();
        services.TryAddSingleton<ILearningInsights, LearningInsightsService>();
        services.TryAddSingleton<SkillCatalog>();
        services.TryAddSingleton<ISkillService, SkillService>();
        services.TryAddSingleton<ILearnerService, LearnerService>();
        SocialLearningRecommendationExtensions.AddRecommendationEngine(services);
        return builder;
    }

    /// <summary>Stores everything in process memory (<see cref="InMemorySocialLearningStore"/>); replaces any store registered before.</summary>
    public static ISocialLearningBuilder UseInMemoryStorage(this ISocialLearningBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<ISocialLearningStore>();
        builder.Services.AddSingleton<ISocialLearningStore, InMemorySocialLearningStore>();
        return builder;
    }

    private sealed class SocialLearningBuilder(IServiceCollection services) : ISocialLearningBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
