using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SocialLearning;
using SocialLearning.Index;
using SocialLearning.Ranking;
using SocialLearning.Recommendations;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the recommendation engine and adds rankers by name.</summary>
public static class SocialLearningRecommendationExtensions
{
    /// <summary>Configures <see cref="RecommendationOptions"/> (validated on start).</summary>
    public static ISocialLearningBuilder ConfigureRecommendations(this ISocialLearningBuilder builder, Action<RecommendationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Registers a tip ranker under <paramref name="name"/>; a later registration of the same name replaces it.</summary>
    public static ISocialLearningBuilder AddTipRanker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TRanker>(this ISocialLearningBuilder builder, string name)
        where TRanker : class, ITipRanker
    {
        ArgumentNullException.ThrowIfNull(builder);
        RankerName(name);
        builder.Services.AddSingleton(new RankerRegistration<ITipRanker>(name, RankerFactory.Of<ITipRanker, TRanker>()));
        return builder;
    }

    /// <summary>Registers a peer ranker under <paramref name="name"/>.</summary>
    public static ISocialLearningBuilder AddPeerRanker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TRanker>(this ISocialLearningBuilder builder, string name)
        where TRanker : class, IPeerRanker
    {
        ArgumentNullException.ThrowIfNull(builder);
        RankerName(name);
        builder.Services.AddSingleton(new RankerRegistration<IPeerRanker>(name, RankerFactory.Of<IPeerRanker, TRanker>()));
        return builder;
    }

    /// <summary>Registers a learning-step ranker under <paramref name="name"/>.</summary>
    public static ISocialLearningBuilder AddLearningStepRanker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TRanker>(this ISocialLearningBuilder builder, string name)
        where TRanker : class, ILearningStepRanker
    {
        ArgumentNullException.ThrowIfNull(builder);
        RankerName(name);
        builder.Services.AddSingleton(new RankerRegistration<ILearningStepRanker>(name, RankerFactory.Of<ILearningStepRanker, TRanker>()));
        return builder;
    }

    /// <summary>Called once by <c>AddSocialLearning()</c>: the index, the recommenders and the built-in rankers.</summary>
    internal static void AddRecommendationEngine(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(RecommendationIndex)))
        {
            return;
        }

        services.AddOptions<RecommendationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecommendationOptions>, RecommendationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecommendationOptions>, RecommendationRankerNamesValidator>());
        services.TryAddSingleton<RecommendationIndex>();
        services.TryAddSingleton<IRecommendationIndex>(static sp => sp.GetRequiredService<RecommendationIndex>());
        services.TryAddSingleton<TipRankerRegistry>();
        services.TryAddSingleton<PeerRankerRegistry>();
        services.TryAddSingleton<StepRankerRegistry>();
        services.TryAddSingleton<TipRecommender>();
        services.TryAddSingleton<ITipRecommender>(sp => sp.GetRequiredService<TipRecommender>());
        services.TryAddSingleton<PeerFinder>();
        services.TryAddSingleton<IPeerFinder>(sp => sp.GetRequiredService<PeerFinder>());
        services.TryAddSingleton<ILearningPathPlanner, LearningPathPlanner>();

        // Built-ins first, so a host's registration of the same name (added later) wins.
        Tip<RecencyTipRanker>(services, "recency");
        Tip<PopularityTipRanker>(services, "popularity");
        Tip<WilsonTipRanker>(services, "wilson");
        Tip<BayesianTipRanker>(services, "bayesian");
        Tip<HotTipRanker>(services, "hot");
        Tip<Bm25TipRanker>(services, "bm25");
        Tip<OverlapTipRanker>(services, "overlap");
        Tip<PersonalFitTipRanker>(services, "personal-fit");
        Tip<BlendTipRanker>(services, "blend");
        Tip<RrfTipRanker>(services, "rrf");
        Tip<MmrTipRanker>(services, "mmr");
        Peer<AnswerCountPeerRanker>(services, "answers");
        Peer<ZScorePeerRanker>(services, "zscore");
        Peer<ExpertiseRankPeerRanker>(services, "expertise-rank");
        Peer<AffinityPeerRanker>(services, "affinity");
        Peer<Bm25PeerRanker>(services, "bm25");
        Peer<FusionPeerRanker>(services, "fusion");
        Peer<AvailabilityPeerRanker>(services, "availability");
        Peer<LearnedPeerRanker>(services, "learned");
        Step<FrontierStepRanker>(services, "prerequisite-frontier");
        Step<PageRankStepRanker>(services, "pagerank");
        Step<TransitionStepRanker>(services, "transitions");
        Step<BlendStepRanker>(services, "blend");
        Step<PopularityStepRanker>(services, "popularity");
        Step<LearnedStepRanker>(services, "learned");
    }

    private static void Tip<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(IServiceCollection services, string name)
        where T : class, ITipRanker =>
        services.AddSingleton(new RankerRegistration<ITipRanker>(name, RankerFactory.Of<ITipRanker, T>()));

    private static void Peer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(IServiceCollection services, string name)
        where T : class, IPeerRanker =>
        services.AddSingleton(new RankerRegistration<IPeerRanker>(name, RankerFactory.Of<IPeerRanker, T>()));

    private static void Step<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(IServiceCollection services, string name)
        where T : class, ILearningStepRanker =>
        services.AddSingleton(new RankerRegistration<ILearningStepRanker>(name, RankerFactory.Of<ILearningStepRanker, T>()));

    private static void RankerName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new ArgumentException("name must be 1 to 100 characters.", nameof(name));
        }
    }
}
