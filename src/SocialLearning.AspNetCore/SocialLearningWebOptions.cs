using System.Security.Claims;

namespace SocialLearning.AspNetCore;

/// <summary>Options for <c>MapSocialLearning()</c>: identity claims, rendering limits and rate limits. Validated on start.</summary>
public sealed class SocialLearningWebOptions
{
    /// <summary>Claim holding the learner id. Default <see cref="ClaimTypes.NameIdentifier"/>; <c>sub</c> is tried next.</summary>
    public string LearnerIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>Claim holding the tenant id. Default <c>tenant_id</c>; <c>tid</c> is tried next.</summary>
    public string TenantIdClaimType { get; set; } = "tenant_id";

    /// <summary>Claim holding the display name. Default <see cref="ClaimTypes.Name"/>; <c>name</c> is tried next, then the learner id.</summary>
    public string DisplayNameClaimType { get; set; } = ClaimTypes.Name;

    /// <summary>Claim holding the learner's team. Default <c>team</c>.</summary>
    public string TeamClaimType { get; set; } = "team";

    /// <summary>Claim type of roles. Default <see cref="ClaimTypes.Role"/>.</summary>
    public string RoleClaimType { get; set; } = ClaimTypes.Role;

    /// <summary>
    /// Tenant used when the principal has no tenant claim, for single-tenant hosts. Default null: a principal
    /// without a tenant claim is answered 401.
    /// </summary>
    public string? DefaultTenant { get; set; }

    /// <summary>Longest markdown the renderer accepts, in characters. Default 20,000.</summary>
    public int MaxMarkdownLength { get; set; } = 20_000;

    /// <summary>Deepest markdown nesting (quotes in lists in emphasis...) before a body is shown as plain text. Default 16.</summary>
    public int MaxMarkdownNestingDepth { get; set; } = 16;

    /// <summary>How many rendered bodies are cached. Default 4,096.</summary>
    public int RenderCacheSize { get; set; } = 4_096;

    /// <summary>Most tips one request may ask for (<c>k</c>). Default 20.</summary>
    public int MaxTips { get; set; } = 20;

    /// <summary>Longest JSON request body in bytes. Default 64 KiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Longest body of <c>PUT moderation/skills</c> (a whole skill graph) in bytes. Default 32 MiB (ESCO's graph is about 10 MB).</summary>
    public int MaxSkillGraphBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Rate limits on writes, per learner. See <see cref="SocialLearningRateLimitOptions"/>.</summary>
    public SocialLearningRateLimitOptions RateLimits { get; set; } = new();

    /// <summary>
    /// What <c>GET moderation/xapi</c> starts activity ids with (absolute http(s), ending with <c>/</c>). Null (the
    /// default): the request's own origin and path base, which is only right when the app is not behind a proxy that
    /// rewrites them.
    /// </summary>
    public Uri? XApiActivityBaseUri { get; set; }

    /// <summary>The <c>actor.account.homePage</c> of <c>GET moderation/xapi</c>; null (the default) for the request's origin.</summary>
    public Uri? XApiAccountHomePage { get; set; }

    /// <summary><c>Cache-Control</c> max-age of the widget script and stylesheet. Default 1 hour (revalidated by ETag after that).</summary>
    public TimeSpan WidgetAssetMaxAge { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Per-learner limits on writes, enforced with <c>System.Threading.RateLimiting</c> token buckets; a rejected
/// request is answered 429 with <c>Retry-After</c>. Defaults follow the published starting points.
/// </summary>
public sealed class SocialLearningRateLimitOptions
{
    /// <summary>Turns the limits on (default) or off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A learner first seen less than this long ago is new. Default 1 day.</summary>
    public TimeSpan NewLearnerPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>One post (share or edit) per this interval for new learners. Default 30 seconds.</summary>
    public TimeSpan NewLearnerPostInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One post (share or edit) per this interval for everyone else. Default 5 seconds.</summary>
    public TimeSpan PostInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Votes (helpful, not helpful) and flags per day. Default 40, refilled evenly over the day.</summary>
    public int VotesPerDay { get; set; } = 40;
}
