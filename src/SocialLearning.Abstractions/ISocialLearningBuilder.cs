using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning;

/// <summary>
/// Returned by <c>services.AddSocialLearning()</c>; storage providers, rankers and integrations extend it
/// (<c>.UseSqliteStorage(...)</c>, <c>.UseInMemoryStorage()</c>).
/// </summary>
public interface ISocialLearningBuilder
{
    /// <summary>The service collection the SDK is registered in.</summary>
    IServiceCollection Services { get; }
}
