using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SocialLearning.AspNetCore;

/// <summary>
/// Who the caller is, as the host's identity system says. Learners are created or updated from it on first use.
/// </summary>
public sealed record LearnerIdentity
{
    /// <summary>The learner id.</summary>
    public required LearnerId Id { get; init; }

    /// <summary>Name shown to colleagues.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Team, if the host knows it.</summary>
    public string? Team { get; init; }

    /// <summary>Roles the host knows.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
}

/// <summary>
/// Finds the tenant of a request. The default reads <see cref="SocialLearningWebOptions.TenantIdClaimType"/> (then <c>tid</c>)
/// from <see cref="HttpContext.User"/>, falling back to <see cref="SocialLearningWebOptions.DefaultTenant"/>.
/// Register your own singleton to map tenants another way (host name, route value, header set by a gateway).
/// </summary>
public interface ISocialLearningTenantResolver
{
    /// <summary>The tenant, or null when the request has none (answered 401).</summary>
    ValueTask<TenantId?> ResolveTenantAsync(HttpContext httpContext, CancellationToken cancellationToken = default);
}

/// <summary>
/// Finds the learner of a request. The default reads <see cref="SocialLearningWebOptions.LearnerIdClaimType"/> (then <c>sub</c>),
/// the display name, team and role claims from an authenticated <see cref="HttpContext.User"/>.
/// </summary>
public interface ISocialLearningLearnerResolver
{
    /// <summary>The learner, or null when the request is anonymous (answered 401).</summary>
    ValueTask<LearnerIdentity?> ResolveLearnerAsync(HttpContext httpContext, TenantId tenant, CancellationToken cancellationToken = default);
}

internal sealed class ClaimsTenantResolver(IOptions<SocialLearningWebOptions> options) : ISocialLearningTenantResolver
{
    private readonly SocialLearningWebOptions _options = options.Value;

    public ValueTask<TenantId?> ResolveTenantAsync(HttpContext httpContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var user = httpContext.User;
        var value = user.Identity?.IsAuthenticated == true
            ? user.FindFirst(_options.TenantIdClaimType)?.Value ?? user.FindFirst("tid")?.Value
            : null;
        value ??= _options.DefaultTenant;
        return ValueTask.FromResult(Parse(value));
    }

    private static TenantId? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return new TenantId(value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

internal sealed class ClaimsLearnerResolver(IOptions<SocialLearningWebOptions> options) : ISocialLearningLearnerResolver
{
    private readonly SocialLearningWebOptions _options = options.Value;

    public ValueTask<LearnerIdentity?> ResolveLearnerAsync(HttpContext httpContext, TenantId tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var user = httpContext.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return ValueTask.FromResult<LearnerIdentity?>(null);
        }

        var id = user.FindFirst(_options.LearnerIdClaimType)?.Value ?? user.FindFirst("sub")?.Value;
        if (string.IsNullOrWhiteSpace(id))
        {
            return ValueTask.FromResult<LearnerIdentity?>(null);
        }

        LearnerId learnerId;
        try
        {
            learnerId = new LearnerId(id);
        }
        catch (ArgumentException)
        {
            return ValueTask.FromResult<LearnerIdentity?>(null);
        }

        var name = user.FindFirst(_options.DisplayNameClaimType)?.Value ?? user.FindFirst("name")?.Value ?? id;
        var roles = user.FindAll(_options.RoleClaimType).Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).Take(50).ToList();
        return ValueTask.FromResult<LearnerIdentity?>(new LearnerIdentity
        {
            Id = learnerId,
            DisplayName = Clip(name, 200),
            Team = user.FindFirst(_options.TeamClaimType)?.Value is { Length: > 0 } team ? Clip(team, 200) : null,
            Roles = roles,
        });
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
