using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SocialLearning;
using SocialLearning.AspNetCore;
using SocialLearning.AspNetCore.Endpoints;
using SocialLearning.AspNetCore.Identity;
using SocialLearning.AspNetCore.Rendering;
using SocialLearning.AspNetCore.Widget;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what <c>MapSocialLearning()</c> needs.</summary>
public static class SocialLearningWebServiceCollectionExtensions
{
    /// <summary>
    /// Adds the endpoint services: claim-based tenant and learner resolvers (replace them by registering your own
    /// <see cref="ISocialLearningTenantResolver"/> / <see cref="ISocialLearningLearnerResolver"/>), the safe markdown
    /// renderer (<see cref="IContributionRenderer"/>) and per-learner write limits. Idempotent; options are validated on start.
    /// </summary>
    public static ISocialLearningBuilder AddAspNetCore(this ISocialLearningBuilder builder, Action<SocialLearningWebOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SocialLearningWebOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocialLearningWebOptions>, SocialLearningWebOptionsValidator>());
        services.TryAddSingleton<ISocialLearningTenantResolver, ClaimsTenantResolver>();
        services.TryAddSingleton<ISocialLearningLearnerResolver, ClaimsLearnerResolver>();
        services.TryAddSingleton<IContributionRenderer, SafeMarkdownRenderer>();
        services.TryAddSingleton<CallerAccessor>();
        services.TryAddSingleton<WriteRateLimiter>();
        services.TryAddSingleton<EndpointServices>();
        services.TryAddSingleton<EndpointOptionsAccessor>();
        return builder;
    }
}

internal sealed class SocialLearningWebOptionsValidator : IValidateOptions<SocialLearningWebOptions>
{
    public ValidateOptionsResult Validate(string? name, SocialLearningWebOptions options)
    {
        var failures = new List<string>();
        Range(options.MaxMarkdownLength, 1, 1_000_000, nameof(options.MaxMarkdownLength), failures);
        Range(options.MaxMarkdownNestingDepth, 1, 128, nameof(options.MaxMarkdownNestingDepth), failures);
        Range(options.RenderCacheSize, 1, 1_000_000, nameof(options.RenderCacheSize), failures);
        Range(options.MaxTips, 1, 100, nameof(options.MaxTips), failures);
        Range(options.MaxRequestBodyBytes, 1_024, 16 * 1024 * 1024, nameof(options.MaxRequestBodyBytes), failures);
        Range(options.MaxSkillGraphBodyBytes, 1_024, 1024 * 1024 * 1024, nameof(options.MaxSkillGraphBodyBytes), failures);
        foreach (var (value, option) in new[] { (options.LearnerIdClaimType, nameof(options.LearnerIdClaimType)), (options.TenantIdClaimType, nameof(options.TenantIdClaimType)), (options.DisplayNameClaimType, nameof(options.DisplayNameClaimType)), (options.RoleClaimType, nameof(options.RoleClaimType)), (options.TeamClaimType, nameof(options.TeamClaimType)) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"SocialLearningWebOptions.{option} must not be empty.");
            }
        }

        if (options.DefaultTenant is not null && !TenantIdIsValid(options.DefaultTenant))
        {
            failures.Add($"SocialLearningWebOptions.{nameof(options.DefaultTenant)} '{options.DefaultTenant}' is not a valid tenant id.");
        }

        if (options.WidgetAssetMaxAge < TimeSpan.Zero)
        {
            failures.Add($"SocialLearningWebOptions.{nameof(options.WidgetAssetMaxAge)} must not be negative.");
        }

        foreach (var (iri, option, slash) in new[] { (options.XApiActivityBaseUri, nameof(options.XApiActivityBaseUri), true), (options.XApiAccountHomePage, nameof(options.XApiAccountHomePage), false) })
        {
            if (iri is not null && (!iri.IsAbsoluteUri || iri.Scheme is not ("http" or "https") || (slash && !iri.AbsoluteUri.EndsWith('/'))))
            {
                failures.Add($"SocialLearningWebOptions.{option} must be an absolute http or https IRI{(slash ? " ending with '/'" : string.Empty)}; it was '{iri}'.");
            }
        }

        var limits = options.RateLimits;
        if (limits is null)
        {
            failures.Add($"SocialLearningWebOptions.{nameof(options.RateLimits)} must be set.");
        }
        else
        {
            Positive(limits.PostInterval, "RateLimits." + nameof(limits.PostInterval), failures);
            Positive(limits.NewLearnerPostInterval, "RateLimits." + nameof(limits.NewLearnerPostInterval), failures);
            if (limits.NewLearnerPeriod < TimeSpan.Zero)
            {
                failures.Add($"SocialLearningWebOptions.RateLimits.{nameof(limits.NewLearnerPeriod)} must not be negative.");
            }

            Range(limits.VotesPerDay, 1, 1_000_000, "RateLimits." + nameof(limits.VotesPerDay), failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool TenantIdIsValid(string value)
    {
        try
        {
            _ = new TenantId(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Range(int value, int min, int max, string option, List<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add($"SocialLearningWebOptions.{option} must be between {min} and {max}; it was {value}.");
        }
    }

    private static void Positive(TimeSpan value, string option, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"SocialLearningWebOptions.{option} must be positive; it was {value}.");
        }
    }
}
