using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace SocialLearning.AspNetCore.Identity;

/// <summary>The tenant and learner behind one request.</summary>
internal sealed record Caller(TenantId Tenant, Learner Learner)
{
    public LearnerId Id => Learner.Id;
}

/// <summary>Thrown when a request has no tenant or learner; answered 401.</summary>
internal sealed class CallerUnknownException(string message) : Exception(message);

/// <summary>
/// Resolves the caller through the replaceable resolvers and creates or updates the learner from the claims
/// the first time they are seen (and whenever name, team or roles change).
/// </summary>
internal sealed class CallerAccessor(
    ISocialLearningTenantResolver tenants,
    ISocialLearningLearnerResolver learners,
    ILearnerService learnerService)
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<(TenantId, LearnerId), (LearnerIdentity Identity, Learner Learner)> _known = new();

    public async Task<Caller> GetAsync(HttpContext httpContext)
    {
        if (httpContext.Items.TryGetValue(typeof(Caller), out var existing) && existing is Caller cached)
        {
            return cached;
        }

        var ct = httpContext.RequestAborted;
        var tenant = await tenants.ResolveTenantAsync(httpContext, ct).ConfigureAwait(false)
            ?? throw new CallerUnknownException("The request has no tenant. Sign in, or configure a tenant resolver.");
        var identity = await learners.ResolveLearnerAsync(httpContext, tenant, ct).ConfigureAwait(false)
            ?? throw new CallerUnknownException("The request has no signed-in learner.");

        Learner learner;
        if (_known.TryGetValue((tenant, identity.Id), out var known) && Same(known.Identity, identity))
        {
            learner = known.Learner;
        }
        else
        {
            learner = await learnerService.UpsertAsync(tenant, identity.Id, identity.DisplayName, identity.Team, identity.Roles, ct).ConfigureAwait(false);
            if (_known.Count >= MaxRemembered)
            {
                _known.Clear();
            }

            _known[(tenant, identity.Id)] = (identity, learner);
        }

        var caller = new Caller(tenant, learner);
        httpContext.Items[typeof(Caller)] = caller;
        return caller;
    }

    private static bool Same(LearnerIdentity a, LearnerIdentity b) =>
        a.Id == b.Id && a.DisplayName == b.DisplayName && a.Team == b.Team && a.Roles.SequenceEqual(b.Roles);
}
