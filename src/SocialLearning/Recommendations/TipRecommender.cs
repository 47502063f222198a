using Microsoft.Extensions.Options;
using SocialLearning.Index;
using SocialLearning.Ranking;

namespace SocialLearning.Recommendations;

internal sealed class TipRecommender : ITipRecommender
{
    private readonly RecommendationIndex _indexes;
    private readonly TipRankerRegistry _registry;
    private readonly RecommendationOptions _options;
    private readonly TimeProvider _time;
    private readonly ExperimentAssignment? _experiment;
    private readonly Services.SkillCatalog _catalog;

    public TipRecommender(RecommendationIndex indexes, TipRankerRegistry registry, IOptions<RecommendationOptions> options, TimeProvider time, Services.SkillCatalog catalog)
    {
        _catalog = catalog;
        _indexes = indexes;
        _registry = registry;
        _options = options.Value;
        _time = time;
        Engine = new TipEngine(_options, registry);
        _experiment = _options.TipExperiment is { Variants.Count: > 0 } e ? new ExperimentAssignment(e) : null;
    }

    public TipEngine Engine { get; }

    public async ValueTask<RecommendationResult<TipRecommendation>> RecommendAsync(TipRequest request, CancellationToken cancellationToken = default)
    {
        RequestRules.Validate(request);
        var (name, variant) = Choose(request);
        var ranker = _registry.Get(name, request.Ranker is null ? "RecommendationOptions.DefaultTipRanker" : "request.Ranker");
        var index = await _indexes.GetCurrentAsync(request.Tenant, cancellationToken).ConfigureAwait(false);
        var skills = await SkillEntries.ResolveAsync(_catalog, index, request.Tenant, request.Skills, null, cancellationToken).ConfigureAwait(false);
        var required = request.RequireSkills is { Count: > 0 } require
            ? await SkillEntries.ResolveAsync(_catalog, index, request.Tenant, require, null, cancellationToken).ConfigureAwait(false)
            : request.RequireSkills;
        if (!ReferenceEquals(skills, request.Skills) || !ReferenceEquals(required, request.RequireSkills))
        {
            request = request with { Skills = skills, RequireSkills = required };
        }

        return Engine.Recommend(index, request, ranker, name, variant, _time.GetUtcNow());
    }

    private (string Name, string? Variant) Choose(TipRequest request)
    {
        if (request.Ranker is { } named)
        {
            return (named, null);
        }

        if (_experiment is not null)
        {
            var variant = _experiment.Assign(request.Tenant, request.Learner);
            return (variant, variant);
        }

        return (_options.DefaultTipRanker, null);
    }
}

/// <summary>Input rules shared by the recommenders; each error names the field.</summary>
internal static class RequestRules
{
    public const int MaxKeys = 20;
    public const int MaxTextLength = 4_000;

    public static void Validate(TipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Tenant(request.Tenant, "request.Tenant");
        if (request.Learner.IsDefault)
        {
            throw new ArgumentException("request.Learner must be set.", "request.Learner");
        }

        K(request.K, "request.K");
        if (request.ContextKeys is null)
        {
            throw new ArgumentNullException("request.ContextKeys");
        }

        if (request.ContextKeys.Count > MaxKeys)
        {
            throw new ArgumentException($"request.ContextKeys may hold at most {MaxKeys} keys (had {request.ContextKeys.Count}).", "request.ContextKeys");
        }

        for (var i = 0; i < request.ContextKeys.Count; i++)
        {
            if (!ContextKey.TryParse(request.ContextKeys[i], out _))
            {
                _ = ContextKey.Parse(request.ContextKeys[i], $"request.ContextKeys[{i}]");
            }
        }

        Skills(request.Skills, "request.Skills");
        if (request.RequireSkills is not null)
        {
            Skills(request.RequireSkills, "request.RequireSkills");
        }

        Text(request.Text, "request.Text");
        if (request.Kinds is not null)
        {
            foreach (var kind in request.Kinds)
            {
                if (!Enum.IsDefined(kind))
                {
                    throw new ArgumentOutOfRangeException("request.Kinds", kind, "request.Kinds holds an undefined contribution kind.");
                }
            }
        }

        RankerName(request.Ranker);
    }

    public static void Validate(PeerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Tenant(request.Tenant, "request.Tenant");
        if (request.Asker.IsDefault)
        {
            throw new ArgumentException("request.Asker must be set.", "request.Asker");
        }

        K(request.K, "request.K");
        Skills(request.Skills, "request.Skills");
        Text(request.Text, "request.Text");
        RankerName(request.Ranker);
    }

    public static void Validate(LearningPathRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Tenant(request.Tenant, "request.Tenant");
        if (request.Learner.IsDefault)
        {
            throw new ArgumentException("request.Learner must be set.", "request.Learner");
        }

        Skills(request.TargetSkills, "request.TargetSkills");
        if (request.MaxSteps is < 1 or > 50)
        {
            throw new ArgumentOutOfRangeException("request.MaxSteps", request.MaxSteps, "request.MaxSteps must be between 1 and 50.");
        }

        if (request.TipsPerStep is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException("request.TipsPerStep", request.TipsPerStep, "request.TipsPerStep must be between 0 and 10.");
        }

        if (request.MentorsPerStep is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException("request.MentorsPerStep", request.MentorsPerStep, "request.MentorsPerStep must be between 0 and 10.");
        }

        if (request.TargetRole is { Length: > 200 })
        {
            throw new ArgumentException("request.TargetRole must be at most 200 characters.", "request.TargetRole");
        }
    }

    private static void Tenant(TenantId tenant, string field)
    {
        if (tenant.IsDefault)
        {
            throw new ArgumentException($"{field} must be set.", field);
        }
    }

    private static void K(int k, string field)
    {
        if (k is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(field, k, $"{field} must be between 1 and 100.");
        }
    }

    private static void Skills(IReadOnlyList<string>? skills, string field)
    {
        if (skills is null)
        {
            throw new ArgumentNullException(field);
        }

        if (skills.Count > MaxKeys)
        {
            throw new ArgumentException($"{field} may hold at most {MaxKeys} skills (had {skills.Count}).", field);
        }

        for (var i = 0; i < skills.Count; i++)
        {
            var s = skills[i];
            if (string.IsNullOrWhiteSpace(s) || s.Length > 200 || s.AsSpan().IndexOfAnyInRange('\0', '\u001f') >= 0)
            {
                throw new ArgumentException($"{field}[{i}] must be a skill's id, name or alias: 1 to 200 characters without control characters.", field);
            }
        }
    }

    private static void Text(string? text, string field)
    {
        if (text is { Length: > MaxTextLength })
        {
            throw new ArgumentException($"{field} must be at most {MaxTextLength} characters (was {text.Length}).", field);
        }
    }

    private static void RankerName(string? ranker)
    {
        if (ranker is not null && string.IsNullOrWhiteSpace(ranker))
        {
            throw new ArgumentException("request.Ranker must be a registered ranker name or null.", "request.Ranker");
        }
    }
}
