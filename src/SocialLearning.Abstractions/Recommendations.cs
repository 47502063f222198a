namespace SocialLearning;

/// <summary>One reason a result is where it is: the signal's name, its value and a sentence for people.</summary>
public sealed record ExplanationSignal
{
    /// <summary>Machine-readable signal name, for example <c>context</c>, <c>helpful</c>, <c>skill-gap</c>, <c>bm25</c>.</summary>
    public required string Signal { get; init; }

    /// <summary>The signal's raw value (a count, a score, a similarity).</summary>
    public required double Value { get; init; }

    /// <summary>A sentence for the worker, for example "matches context route:/invoices/new" or "helpful to 12 colleagues".</summary>
    public required string Text { get; init; }
}

/// <summary>Ranked results with the strategy that produced them.</summary>
/// <typeparam name="T">The result type.</typeparam>
public sealed record RecommendationResult<T>
{
    /// <summary>The results, best first, at most the requested k.</summary>
    public required IReadOnlyList<T> Items { get; init; }

    /// <summary>The name of the ranker (or pipeline) that ranked them.</summary>
    public required string Ranker { get; init; }

    /// <summary>The A/B experiment variant the learner was assigned to, when an experiment is configured.</summary>
    public string? Variant { get; init; }

    /// <summary>How many candidates were fully scored (the rest were pruned as unable to reach the top k).</summary>
    public int CandidatesScored { get; init; }
}

/// <summary>A request for the tips that help a learner where they are.</summary>
public sealed record TipRequest
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The learner asking (their dismissed items, own items and gaps matter).</summary>
    public required LearnerId Learner { get; init; }

    /// <summary>Where the learner is, for example <c>route:/invoices/new</c>.</summary>
    public IReadOnlyList<string> ContextKeys { get; init; } = [];

    /// <summary>
    /// Skills the learner is using: ids, or names and aliases (case and spacing aside), which stand for every skill
    /// carrying them; an entry that names no skill matches nothing. At most 20, each 1 to 200 characters.
    /// </summary>
    public IReadOnlyList<string> Skills { get; init; } = [];

    /// <summary>Optional free text (what they are doing or searching for).</summary>
    public string? Text { get; init; }

    /// <summary>How many results, 1 to 100. Default 10.</summary>
    public int K { get; init; } = 10;

    /// <summary>Only these kinds, or any kind when null or empty.</summary>
    public IReadOnlyList<ContributionKind>? Kinds { get; init; }

    /// <summary>Only contributions with at least one of these skills (ids, names or aliases, as <see cref="Skills"/>), when set.</summary>
    public IReadOnlyList<string>? RequireSkills { get; init; }

    /// <summary>Leave out what the learner has already viewed.</summary>
    public bool ExcludeSeen { get; init; }

    /// <summary>Include the learner's own contributions (left out by default).</summary>
    public bool IncludeOwn { get; init; }

    /// <summary>A registered ranker name to use instead of the default or the A/B assignment.</summary>
    public string? Ranker { get; init; }
}

/// <summary>A recommended contribution.</summary>
public sealed record TipRecommendation
{
    /// <summary>The contribution.</summary>
    public required ContributionId ContributionId { get; init; }

    /// <summary>Its kind.</summary>
    public required ContributionKind Kind { get; init; }

    /// <summary>Its title.</summary>
    public required string Title { get; init; }

    /// <summary>Its author.</summary>
    public required LearnerId Author { get; init; }

    /// <summary>The ranker's score (comparable within one result only).</summary>
    public required double Score { get; init; }

    /// <summary>Why it is here.</summary>
    public required IReadOnlyList<ExplanationSignal> Explanation { get; init; }
}

/// <summary>A request for colleagues who can help.</summary>
public sealed record PeerRequest
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>Who asks; never recommended to themselves.</summary>
    public required LearnerId Asker { get; init; }

    /// <summary>Skills the asker needs help with: ids, names or aliases, as <see cref="TipRequest.Skills"/>.</summary>
    public IReadOnlyList<string> Skills { get; init; } = [];

    /// <summary>Optional question text.</summary>
    public string? Text { get; init; }

    /// <summary>How many people, 1 to 100. Default 5.</summary>
    public int K { get; init; } = 5;

    /// <summary>A registered ranker name to use instead of the default.</summary>
    public string? Ranker { get; init; }
}

/// <summary>A colleague who can help.</summary>
public sealed record PeerRecommendation
{
    /// <summary>The colleague.</summary>
    public required LearnerId Learner { get; init; }

    /// <summary>Their display name.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The ranker's score.</summary>
    public required double Score { get; init; }

    /// <summary>Why them, for example "answered 9 questions on X, 7 accepted".</summary>
    public required IReadOnlyList<ExplanationSignal> Explanation { get; init; }
}

/// <summary>A request for what to learn next.</summary>
public sealed record LearningPathRequest
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The learner.</summary>
    public required LearnerId Learner { get; init; }

    /// <summary>
    /// Target skills by id, name or alias; a name or alias two skills carry is an <see cref="ArgumentException"/>
    /// naming it, an entry that names no skill an <see cref="EntityNotFoundException"/>. With none, the planner
    /// suggests from the learner's profile and role.
    /// </summary>
    public IReadOnlyList<string> TargetSkills { get; init; } = [];

    /// <summary>Optional target role.</summary>
    public string? TargetRole { get; init; }

    /// <summary>Most steps, 1 to 50. Default 10.</summary>
    public int MaxSteps { get; init; } = 10;

    /// <summary>Tips per step, 0 to 10. Default 3.</summary>
    public int TipsPerStep { get; init; } = 3;

    /// <summary>Mentors per step, 0 to 10. Default 2.</summary>
    public int MentorsPerStep { get; init; } = 2;

    /// <summary>
    /// When true, skills the learner already masters (<c>RecommendationOptions.MasteryLevel</c>) may be steps too:
    /// "what will I work on next", to deepen and keep current what they use, rather than only what is new to them.
    /// Prerequisites already mastered are still never added as steps. Default false.
    /// </summary>
    public bool IncludeMastered { get; init; }
}

/// <summary>One step of a learning path.</summary>
public sealed record LearningStep
{
    /// <summary>The skill to learn.</summary>
    public required SkillId Skill { get; init; }

    /// <summary>The skill's name.</summary>
    public required string Name { get; init; }

    /// <summary>The learner's current level in it, 0 to 1.</summary>
    public required double CurrentLevel { get; init; }

    /// <summary>The best tips for this step.</summary>
    public required IReadOnlyList<TipRecommendation> Tips { get; init; }

    /// <summary>Colleagues who could mentor it.</summary>
    public required IReadOnlyList<PeerRecommendation> Mentors { get; init; }

    /// <summary>Why this step is here (prerequisite of a target, related by PageRank, people like you).</summary>
    public required IReadOnlyList<ExplanationSignal> Explanation { get; init; }
}

/// <summary>Ordered steps that respect prerequisites.</summary>
public sealed record LearningPath
{
    /// <summary>The steps, in an order where every prerequisite comes first.</summary>
    public required IReadOnlyList<LearningStep> Steps { get; init; }

    /// <summary>Related skills worth a look, by personalised PageRank over the skill graph.</summary>
    public IReadOnlyList<SkillId> Related { get; init; } = [];
}

/// <summary>
/// The in-process index the recommenders read. It is loaded from the store on a tenant's first request and caught up
/// with the store's change feed before requests (<c>RecommendationOptions.StoreCheckInterval</c>), so nothing needs
/// calling; <see cref="RefreshAsync"/> does that work now instead of in the next request: warm a tenant at start-up,
/// or catch up after a bulk import so that the first request after it is not the slow one.
/// </summary>
public interface IRecommendationIndex
{
    /// <summary>
    /// Loads the tenant's index if it is not loaded and brings it up to the store's head; then rebuilds, before it
    /// returns, the state requests derive from the index that is out of date (ExpertiseRank, recent activity, skill
    /// transitions, the <c>learned</c> model: requests serve that state as it was and rebuild it in the background,
    /// at most once per <c>RecommendationOptions.ExpertiseRankRefreshInterval</c>). State no request has used yet is
    /// built by the first request that needs it.
    /// </summary>
    /// <exception cref="ArgumentException">The tenant is default.</exception>
    ValueTask RefreshAsync(TenantId tenant, CancellationToken cancellationToken = default);
}

/// <summary>Recommends contributions for where a learner is and what they are doing.</summary>
public interface ITipRecommender
{
    /// <summary>Returns at most <see cref="TipRequest.K"/> published, visible contributions with explanations.</summary>
    ValueTask<RecommendationResult<TipRecommendation>> RecommendAsync(TipRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Finds colleagues who can help with skills or a question (expert finding).</summary>
public interface IPeerFinder
{
    /// <summary>Returns at most <see cref="PeerRequest.K"/> people, never the asker, with explanations.</summary>
    ValueTask<RecommendationResult<PeerRecommendation>> FindAsync(PeerRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Plans what to learn next.</summary>
public interface ILearningPathPlanner
{
    /// <summary>Returns ordered steps that respect prerequisites, each with tips and mentors.</summary>
    ValueTask<LearningPath> PlanAsync(LearningPathRequest request, CancellationToken cancellationToken = default);
}
