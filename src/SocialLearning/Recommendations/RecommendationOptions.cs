using Microsoft.Extensions.Options;
using SocialLearning.Ranking;

namespace SocialLearning;

/// <summary>
/// An A/B experiment: learners are assigned to one of the variants (ranker names) by a stable hash of
/// tenant, learner and experiment name (XxHash3), so the same learner always sees the same variant on any
/// machine and process. The variant is reported in <see cref="RecommendationResult{T}.Variant"/>.
/// </summary>
public sealed class RankerExperiment
{
    /// <summary>Experiment name; part of the hash, so renaming it reshuffles learners.</summary>
    public string Name { get; set; } = "experiment";

    /// <summary>Ranker name → weight (a positive integer share of traffic).</summary>
    public IDictionary<string, int> Variants { get; } = new Dictionary<string, int>(StringComparer.Ordinal);
}

/// <summary>Weights of the linear <c>blend</c> tip ranker. Each term's value is documented in docs/recommenders.md.</summary>
public sealed class TipBlendWeights
{
    /// <summary>Weight of the IDF-weighted context-key overlap. Default 1.</summary>
    public double Context { get; set; } = 1.0;

    /// <summary>Weight of the IDF-weighted skill overlap. Default 1.</summary>
    public double Skill { get; set; } = 1.0;

    /// <summary>Weight of BM25 over title and body. Default 1.</summary>
    public double Text { get; set; } = 1.0;

    /// <summary>Weight of the personal fit (skill gaps covered). Default 0.5.</summary>
    public double Gap { get; set; } = 0.5;

    /// <summary>Weight of quality, the Wilson lower bound of the helpful share (0 to 1). Default 2.</summary>
    public double Quality { get; set; } = 2.0;

    /// <summary>Weight of freshness, 2^(−age / <see cref="RecommendationOptions.FreshnessHalfLife"/>) (0 to 1). Default 1.</summary>
    public double Freshness { get; set; } = 1.0;
}

/// <summary>Options of the recommendation engine. Validated on start; each message names the option.</summary>
public sealed class RecommendationOptions
{
    /// <summary>Tip ranker used when a request names none and no experiment applies. Default <c>blend</c>.</summary>
    public string DefaultTipRanker { get; set; } = "blend";

    /// <summary>Peer ranker used when a request names none. Default <c>fusion</c> (see docs/evaluation.md for <c>availability</c>, an opt-in alternative).</summary>
    public string DefaultPeerRanker { get; set; } = "fusion";

    /// <summary>Learning-step ranker. Default <c>blend</c>.</summary>
    public string DefaultStepRanker { get; set; } = "blend";

    /// <summary>Optional A/B experiment over tip rankers.</summary>
    public RankerExperiment? TipExperiment { get; set; }

    /// <summary>Optional A/B experiment over peer rankers.</summary>
    public RankerExperiment? PeerExperiment { get; set; }

    /// <summary>Weights of the <c>blend</c> tip ranker.</summary>
    public TipBlendWeights Blend { get; } = new();

    /// <summary>BM25 term-frequency saturation k1. Default 1.2.</summary>
    public double Bm25K1 { get; set; } = 1.2;

    /// <summary>BM25 length normalisation b. Default 0.75.</summary>
    public double Bm25B { get; set; } = 0.75;

    /// <summary>
    /// Thread expansion: a question's text (BM25 postings, length and term statistics) also covers the title and
    /// body of its published answers, kept current as answers arrive, change or are unpublished (each such change
    /// re-indexes the question). Answers stay documents of their own. Default on (see docs/evaluation.md).
    /// </summary>
    public bool ThreadExpansion { get; set; } = true;

    /// <summary>How many times title terms are counted in a document's text (a title boost), 1 to 5. Default 1.</summary>
    public int TitleWeight { get; set; } = 1;

    /// <summary>z of the Wilson lower bound. Default 1.96 (95%).</summary>
    public double WilsonZ { get; set; } = 1.96;

    /// <summary>Prior votes C of the Bayesian average (C·m + helpful) / (C + votes). Default 5.</summary>
    public double BayesianPriorVotes { get; set; } = 5;

    /// <summary>Gravity G of hot decay (helpful − not helpful) / (age hours + 2)^G. Default 1.8.</summary>
    public double HotGravity { get; set; } = 1.8;

    /// <summary>Half-life of freshness in the blend and recency explanations. Default 30 days.</summary>
    public TimeSpan FreshnessHalfLife { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Factor applied to items the learner has already viewed by <c>personal-fit</c> and <c>blend</c>. Default 0.5.</summary>
    public double SeenPenalty { get; set; } = 0.5;

    /// <summary>Level at or above which a skill counts as mastered (no gap, no step). Default 0.6.</summary>
    public double MasteryLevel { get; set; } = 0.6;

    /// <summary>MMR trade-off λ between relevance and novelty. Default 0.5.</summary>
    public double MmrLambda { get; set; } = 0.5;

    /// <summary>Candidates MMR re-ranks (the base ranker's top). Default 50.</summary>
    public int MmrPoolSize { get; set; } = 50;

    /// <summary>
    /// At most this many featured contributions (<see cref="IModerationService.FeatureAsync"/>) lead a tip
    /// recommendation for their context keys, ahead of the ranker's results. 0 to 10; default 2; 0 turns featuring off.
    /// </summary>
    public int MaxFeaturedTips { get; set; } = 2;

    /// <summary>Ranker whose top <see cref="MmrPoolSize"/> MMR diversifies. Default <c>blend</c>.</summary>
    public string MmrBaseRanker { get; set; } = "blend";

    /// <summary>Reciprocal rank fusion constant k in Σ 1 / (k + rank). Default 60.</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>Tip rankers the <c>rrf</c> ranker fuses. Default bm25, overlap, wilson, recency.</summary>
    public IList<string> RrfTipRankers { get; } = ["bm25", "overlap", "wilson", "recency"];

    /// <summary>How many of each ranker's top results RRF fuses. Default 100.</summary>
    public int RrfDepth { get; set; } = 100;

    /// <summary>Half-life of contribution evidence in the peer affinity. Default 180 days.</summary>
    public TimeSpan AffinityHalfLife { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// Half-life of a person's recent helping activity (answers and shared items in any skill) in the
    /// <c>availability</c> peer ranker. Default 7 days (chosen on validation, see docs/evaluation.md).
    /// </summary>
    public TimeSpan PeerAvailabilityHalfLife { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Dirichlet smoothing μ of a person's share of helping contributions in the requested skills in the
    /// <c>availability</c> peer ranker: (in-skill + μ · background) / (all + μ). Default 10.
    /// </summary>
    public double PeerTopicSmoothing { get; set; } = 10;

    /// <summary>
    /// Load balancing of peers: each suggestion adds 1 to a person's load, which halves every
    /// <see cref="PeerLoadHalfLife"/>; the score is divided by 1 + <see cref="PeerLoadPenalty"/> × load.
    /// 0 turns it off. Default 0.2.
    /// </summary>
    public double PeerLoadPenalty { get; set; } = 0.2;

    /// <summary>Half-life of a person's suggestion load. Default 1 hour.</summary>
    public TimeSpan PeerLoadHalfLife { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Restart probability of personalised PageRank (and ExpertiseRank's damping is 1 − this). Default 0.15.</summary>
    public double PageRankRestart { get; set; } = 0.15;

    /// <summary>Power iterations of PageRank (ExpertiseRank). Default 30.</summary>
    public int PageRankIterations { get; set; } = 30;

    /// <summary>
    /// Residual threshold ε of the learning-path planner's personalised PageRank, computed by forward push: a skill is
    /// pushed while its residual exceeds ε × its weighted degree. Each estimate is at most ε × the skill's weighted
    /// degree below the exact value, and the work is at most about 1 / (restart × ε) pushes whatever the graph size.
    /// Default 1e-4.
    /// </summary>
    public double PageRankPushEpsilon { get; set; } = 1e-4;

    /// <summary>
    /// Shortest time between rebuilds of the state requests derive from the index (ExpertiseRank, recent activity,
    /// skill transitions, the <c>learned</c> model) after changes. A request never waits for a rebuild: it uses the
    /// state as last built and starts the rebuild in the background. <see cref="TimeSpan.Zero"/>: always current (the
    /// first request after a change rebuilds before it answers, as a test wants). Default 10 seconds.
    /// </summary>
    public TimeSpan ExpertiseRankRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How stale the index may be with respect to the store. Zero (the default) compares with the store's head
    /// position before every request, so any committed write — from this instance, another instance or a direct
    /// store call — is visible as soon as it returns. A positive interval checks at most that often.
    /// </summary>
    public TimeSpan StoreCheckInterval { get; set; } = TimeSpan.Zero;
}

internal sealed class RecommendationOptionsValidator : IValidateOptions<RecommendationOptions>
{
    public ValidateOptionsResult Validate(string? name, RecommendationOptions options)
    {
        var f = new List<string>();
        Check(options.Bm25K1 > 0 && options.Bm25K1 <= 10, nameof(options.Bm25K1), "between 0 (exclusive) and 10", options.Bm25K1, f);
        Check(options.Bm25B >= 0 && options.Bm25B <= 1, nameof(options.Bm25B), "between 0 and 1", options.Bm25B, f);
        Check(options.TitleWeight is >= 1 and <= 5, nameof(options.TitleWeight), "between 1 and 5", options.TitleWeight, f);
        Check(options.WilsonZ > 0, nameof(options.WilsonZ), "positive", options.WilsonZ, f);
        Check(options.BayesianPriorVotes >= 0, nameof(options.BayesianPriorVotes), "0 or more", options.BayesianPriorVotes, f);
        Check(options.HotGravity > 0, nameof(options.HotGravity), "positive", options.HotGravity, f);
        Check(options.FreshnessHalfLife > TimeSpan.Zero, nameof(options.FreshnessHalfLife), "positive", options.FreshnessHalfLife, f);
        Check(options.SeenPenalty >= 0 && options.SeenPenalty <= 1, nameof(options.SeenPenalty), "between 0 and 1", options.SeenPenalty, f);
        Check(options.MasteryLevel > 0 && options.MasteryLevel <= 1, nameof(options.MasteryLevel), "in (0, 1]", options.MasteryLevel, f);
        Check(options.MmrLambda >= 0 && options.MmrLambda <= 1, nameof(options.MmrLambda), "between 0 and 1", options.MmrLambda, f);
        Check(options.MmrPoolSize is >= 1 and <= 1000, nameof(options.MmrPoolSize), "between 1 and 1000", options.MmrPoolSize, f);
        Check(options.MaxFeaturedTips is >= 0 and <= 10, nameof(options.MaxFeaturedTips), "between 0 and 10", options.MaxFeaturedTips, f);
        Check(options.RrfK >= 1, nameof(options.RrfK), "1 or more", options.RrfK, f);
        Check(options.RrfDepth is >= 1 and <= 1000, nameof(options.RrfDepth), "between 1 and 1000", options.RrfDepth, f);
        Check(options.AffinityHalfLife > TimeSpan.Zero, nameof(options.AffinityHalfLife), "positive", options.AffinityHalfLife, f);
        Check(options.PeerAvailabilityHalfLife > TimeSpan.Zero, nameof(options.PeerAvailabilityHalfLife), "positive", options.PeerAvailabilityHalfLife, f);
        Check(options.PeerTopicSmoothing >= 0 && double.IsFinite(options.PeerTopicSmoothing), nameof(options.PeerTopicSmoothing), "0 or more", options.PeerTopicSmoothing, f);
        Check(options.PeerLoadPenalty >= 0, nameof(options.PeerLoadPenalty), "0 or more", options.PeerLoadPenalty, f);
        Check(options.PeerLoadHalfLife > TimeSpan.Zero, nameof(options.PeerLoadHalfLife), "positive", options.PeerLoadHalfLife, f);
        Check(options.PageRankRestart > 0 && options.PageRankRestart < 1, nameof(options.PageRankRestart), "in (0, 1)", options.PageRankRestart, f);
        Check(options.PageRankPushEpsilon is > 0 and < 1, nameof(options.PageRankPushEpsilon), "in (0, 1)", options.PageRankPushEpsilon, f);
        Check(options.PageRankIterations is >= 1 and <= 1000, nameof(options.PageRankIterations), "between 1 and 1000", options.PageRankIterations, f);
        Check(options.ExpertiseRankRefreshInterval >= TimeSpan.Zero, nameof(options.ExpertiseRankRefreshInterval), "0 or more", options.ExpertiseRankRefreshInterval, f);
        Check(options.StoreCheckInterval >= TimeSpan.Zero, nameof(options.StoreCheckInterval), "0 or more", options.StoreCheckInterval, f);
        Check(!string.IsNullOrWhiteSpace(options.DefaultTipRanker), nameof(options.DefaultTipRanker), "set", options.DefaultTipRanker, f);
        Check(!string.IsNullOrWhiteSpace(options.DefaultPeerRanker), nameof(options.DefaultPeerRanker), "set", options.DefaultPeerRanker, f);
        Check(!string.IsNullOrWhiteSpace(options.DefaultStepRanker), nameof(options.DefaultStepRanker), "set", options.DefaultStepRanker, f);
        // Negative weights are allowed (MaxScore's bounds take max(0, w) of each term); NaN or ∞ would turn every score into NaN.
        var blend = options.Blend;
        BlendWeight(blend.Context, nameof(blend.Context), f);
        BlendWeight(blend.Skill, nameof(blend.Skill), f);
        BlendWeight(blend.Text, nameof(blend.Text), f);
        BlendWeight(blend.Gap, nameof(blend.Gap), f);
        BlendWeight(blend.Quality, nameof(blend.Quality), f);
        BlendWeight(blend.Freshness, nameof(blend.Freshness), f);
        Experiment(options.TipExperiment, nameof(options.TipExperiment), f);
        Experiment(options.PeerExperiment, nameof(options.PeerExperiment), f);
        return f.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(f);
    }

    private static void Experiment(RankerExperiment? experiment, string option, List<string> failures)
    {
        if (experiment is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(experiment.Name))
        {
            failures.Add($"RecommendationOptions.{option}.Name must be set.");
        }

        if (experiment.Variants.Count == 0)
        {
            failures.Add($"RecommendationOptions.{option}.Variants must name at least one ranker.");
        }

        foreach (var (ranker, weight) in experiment.Variants)
        {
            if (weight <= 0)
            {
                failures.Add($"RecommendationOptions.{option}.Variants['{ranker}'] must have a positive weight; it was {weight}.");
            }
        }
    }

    private static void BlendWeight(double weight, string name, List<string> failures) =>
        Check(double.IsFinite(weight), "Blend." + name, "a finite number", weight, failures);

    private static void Check(bool ok, string option, string rule, object? value, List<string> failures)
    {
        if (!ok)
        {
            failures.Add($"RecommendationOptions.{option} must be {rule}; it was {value}.");
        }
    }
}

/// <summary>
/// Checks on start that every ranker the options name is registered (built-in or added with <c>AddTipRanker</c> and
/// the like), so a misspelt name fails once, naming the option, instead of failing every request; and that
/// <c>mmr</c> and <c>rrf</c> do not name themselves or each other, which would recurse until the process's stack
/// overflowed at the first request.
/// </summary>
internal sealed class RecommendationRankerNamesValidator(
    IEnumerable<RankerRegistration<ITipRanker>> tips,
    IEnumerable<RankerRegistration<IPeerRanker>> peers,
    IEnumerable<RankerRegistration<ILearningStepRanker>> steps) : IValidateOptions<RecommendationOptions>
{
    public ValidateOptionsResult Validate(string? name, RecommendationOptions options)
    {
        var tip = Names(tips);
        var peer = Names(peers);
        var step = Names(steps);
        var f = new List<string>();
        Registered(options.DefaultTipRanker, nameof(options.DefaultTipRanker), tip, "tip", f);
        Registered(options.DefaultPeerRanker, nameof(options.DefaultPeerRanker), peer, "peer", f);
        Registered(options.DefaultStepRanker, nameof(options.DefaultStepRanker), step, "learning-step", f);
        foreach (var variant in options.TipExperiment?.Variants.Keys ?? [])
        {
            Registered(variant, $"{nameof(options.TipExperiment)}.Variants['{variant}']", tip, "tip", f);
        }

        foreach (var variant in options.PeerExperiment?.Variants.Keys ?? [])
        {
            Registered(variant, $"{nameof(options.PeerExperiment)}.Variants['{variant}']", peer, "peer", f);
        }

        if (string.IsNullOrWhiteSpace(options.MmrBaseRanker))
        {
            f.Add($"RecommendationOptions.{nameof(options.MmrBaseRanker)} must be set.");
        }
        else if (options.MmrBaseRanker == "mmr")
        {
            f.Add($"RecommendationOptions.{nameof(options.MmrBaseRanker)} must not be 'mmr': mmr would re-rank its own ranking without end.");
        }
        else
        {
            Registered(options.MmrBaseRanker, nameof(options.MmrBaseRanker), tip, "tip", f);
        }

        var fused = options.RrfTipRankers;
        if (fused.Count == 0)
        {
            f.Add($"RecommendationOptions.{nameof(options.RrfTipRankers)} must name at least one tip ranker.");
        }

        for (var i = 0; i < fused.Count; i++)
        {
            var field = $"{nameof(options.RrfTipRankers)}[{i}]";
            if (string.IsNullOrWhiteSpace(fused[i]))
            {
                f.Add($"RecommendationOptions.{field} must be set.");
            }
            else if (fused[i] == "rrf")
            {
                f.Add($"RecommendationOptions.{field} must not be 'rrf': rrf would fuse its own ranking without end.");
            }
            else
            {
                Registered(fused[i], field, tip, "tip", f);
            }
        }

        if (options.MmrBaseRanker == "rrf" && fused.Contains("mmr"))
        {
            f.Add($"RecommendationOptions.{nameof(options.MmrBaseRanker)} is 'rrf' and {nameof(options.RrfTipRankers)} holds 'mmr': each would call the other without end.");
        }

        return f.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(f);
    }

    private static SortedSet<string> Names<TRanker>(IEnumerable<RankerRegistration<TRanker>> registrations)
        where TRanker : class =>
        new(registrations.Select(r => r.Name), StringComparer.Ordinal);

    /// <summary>Unset names are <see cref="RecommendationOptionsValidator"/>'s to report.</summary>
    private static void Registered(string? ranker, string option, SortedSet<string> names, string task, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(ranker) && !names.Contains(ranker))
        {
            failures.Add($"RecommendationOptions.{option} '{ranker}' is not a registered {task} ranker. Registered: {string.Join(", ", names)}.");
        }
    }
}

