using System.Globalization;
using SocialLearning.Index;

namespace SocialLearning.Recommendations;

/// <summary>
/// What a learner will work on next, as a Dirichlet-smoothed share of their own helping contributions:
/// P(s | learner) = (n(learner, s) + μ · P(s)) / (n(learner) + μ), where P(s) is the skill's share of the tenant's
/// contributions. μ is not a constant: it is fitted on the tenant's own past, by maximum held-out likelihood of the
/// skills each learner worked on in the newest <see cref="HoldOutShare"/> of its contributions given what came before
/// (so a tenant whose people specialise gets a small μ and their own skills first, a tenant where everyone follows
/// what is asked gets a large μ and popularity). With too little history μ is infinite: popularity alone.
/// </summary>
internal sealed class SkillInterestModel
{
    /// <summary>The newest share of contributions held out to fit μ (the evaluation protocol's 20%, not tuned).</summary>
    public const double HoldOutShare = 0.2;

    /// <summary>Fewest learners with history before and contributions in the hold-out for a fit; else μ = ∞.</summary>
    public const int MinHeldOutLearners = 10;

    /// <summary>μ candidates, 10^(−1) … 10^4 in quarter decades.</summary>
    public static readonly double[] MuGrid = [.. Enumerable.Range(-4, 21).Select(e => Math.Pow(10, e / 4.0))];

    public static readonly SkillInterestModel Empty = new() { Mu = double.PositiveInfinity, Background = [], Own = [] };

    /// <summary>Fitted smoothing; <see cref="double.PositiveInfinity"/> when there was too little history to fit.</summary>
    public required double Mu { get; init; }

    /// <summary>P(s) = (n_s + 0.5) / (N + 0.5 · skills), over every visible contribution now.</summary>
    public required double[] Background { get; init; }

    /// <summary>Learner number → their helping contributions (answers, tips, how-tos, links) per skill, skills ascending.</summary>
    public required Dictionary<int, LearnerSkills> Own { get; init; }

    /// <summary>Learners the fit was scored on (0 when not fitted).</summary>
    public int HeldOutLearners { get; init; }

    /// <summary>A learner's helping contributions per skill.</summary>
    public sealed record LearnerSkills(int[] Skills, int[] Counts, int Total)
    {
        public int CountOf(int skill)
        {
            var i = Array.BinarySearch(Skills, skill);
            return i >= 0 ? Counts[i] : 0;
        }
    }

    /// <summary>The formula on its own (docs/recommenders.md): (own + μ · background) / (total + μ); background alone when μ is infinite.</summary>
    public static double Probability(double own, double total, double background, double mu) =>
        double.IsPositiveInfinity(mu) ? background : (own + (mu * background)) / (total + mu);

    public double BackgroundOf(int skill) => skill >= 0 && skill < Background.Length ? Background[skill] : 0;

    public static SkillInterestModel Compute(TenantIndex index)
    {
        var limit = index.DocItem.Snapshot(out _);
        index.DocKind.Snapshot(out var kinds);
        index.DocFlags.Snapshot(out var flags);
        index.DocAuthor.Snapshot(out var authors);
        index.DocCreated.Snapshot(out var created);
        var skillCount = Math.Max(1, index.Skills.Count);
        var docs = new List<int>(limit);
        for (var d = 0; d < limit; d++)
        {
            if ((flags[d] & TenantIndex.FlagVisible) == TenantIndex.FlagVisible && index.SkillsOf(d).Length > 0)
            {
                docs.Add(d);
            }
        }

        if (docs.Count == 0)
        {
            return Empty;
        }

        // Time order (ties by document number, so the fit is deterministic).
        docs.Sort((a, b) => created[a] != created[b] ? created[a].CompareTo(created[b]) : a.CompareTo(b));
        var cut = (int)(docs.Count * (1 - HoldOutShare));
        var (mu, learners) = Fit(index, docs, cut, kinds, authors, skillCount);

        var background = new double[skillCount];
        var own = new Dictionary<int, Dictionary<int, int>>();
        var total = Count(index, docs, docs.Count, kinds, authors, background, own);
        var v = (double)skillCount;
        for (var s = 0; s < background.Length; s++)
        {
            background[s] = (background[s] + 0.5) / (total + (0.5 * v));
        }

        var result = new Dictionary<int, LearnerSkills>(own.Count);
        foreach (var (learner, skills) in own)
        {
            result[learner] = Freeze(skills);
        }

        return new SkillInterestModel { Mu = mu, Background = background, Own = result, HeldOutLearners = learners };
    }

    /// <summary>μ maximising the mean (over learners) of the mean log-probability of their held-out contributions' skills.</summary>
    private static (double Mu, int Learners) Fit(TenantIndex index, List<int> docs, int cut, byte[] kinds, int[] authors, int skillCount)
    {
        var background = new double[skillCount];
        var own = new Dictionary<int, Dictionary<int, int>>();
        var total = Count(index, docs, cut, kinds, authors, background, own);
        var totals = new Dictionary<int, int>(own.Count);
        foreach (var (learner, skills) in own)
        {
            totals[learner] = skills.Values.Sum();
        }

        // Held-out (learner, own count, learner total, background) rows, grouped by learner.
        var rows = new List<(int Learner, int Own, int Total, double Background)>();
        for (var i = cut; i < docs.Count; i++)
        {
            var d = docs[i];
            if (!IsHelping(kinds[d]) || !own.TryGetValue(authors[d], out var skills))
            {
                continue;
            }

            foreach (var s in index.SkillsOf(d))
            {
                var n = s >= 0 && s < background.Length ? background[s] : 0;
                rows.Add((authors[d], skills.GetValueOrDefault(s), totals[authors[d]], (n + 0.5) / (total + (0.5 * skillCount))));
            }
        }

        var perLearner = new Dictionary<int, int>();
        foreach (var row in rows)
        {
            perLearner[row.Learner] = perLearner.GetValueOrDefault(row.Learner) + 1;
        }

        if (perLearner.Count < MinHeldOutLearners)
        {
            return (double.PositiveInfinity, 0);
        }

        var best = double.PositiveInfinity;
        var bestScore = double.NegativeInfinity;
        foreach (var mu in MuGrid)
        {
            var score = 0.0;
            foreach (var row in rows)
            {
                score += Math.Log(Probability(row.Own, row.Total, row.Background, mu)) / perLearner[row.Learner];
            }

            if (score > bestScore)
            {
                bestScore = score;
                best = mu;
            }
        }

        return (best, perLearner.Count);
    }

    /// <summary>Adds the first <paramref name="count"/> documents' skills to the background and helping ones to their authors; returns the skill mentions counted.</summary>
    private static double Count(TenantIndex index, List<int> docs, int count, byte[] kinds, int[] authors, double[] background, Dictionary<int, Dictionary<int, int>> own)
    {
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            var d = docs[i];
            var helping = IsHelping(kinds[d]) && authors[d] >= 0;
            Dictionary<int, int>? mine = null;
            if (helping && !own.TryGetValue(authors[d], out mine))
            {
                own[authors[d]] = mine = [];
            }

            foreach (var s in index.SkillsOf(d))
            {
                if (s < 0 || s >= background.Length)
                {
                    continue;
                }

                background[s] += 1;
                total += 1;
                if (mine is not null)
                {
                    mine[s] = mine.GetValueOrDefault(s) + 1;
                }
            }
        }

        return total;
    }

    private static bool IsHelping(byte kind) => kind != (byte)ContributionKind.Question;

    private static LearnerSkills Freeze(Dictionary<int, int> skills)
    {
        var keys = skills.Keys.ToArray();
        Array.Sort(keys);
        var counts = new int[keys.Length];
        var total = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            counts[i] = skills[keys[i]];
            total += counts[i];
        }

        return new LearnerSkills(keys, counts, total);
    }
}

/// <summary><see cref="SkillInterestModel"/> as derived state (<see cref="DerivedCache"/>).</summary>
internal sealed record SkillInterestComputation : DerivedComputation<SkillInterestModel>
{
    public static readonly SkillInterestComputation Instance = new();

    public override SkillInterestModel Compute(TenantIndex index, SkillInterestModel? previous, TimeProvider time) => SkillInterestModel.Compute(index);
}

/// <summary>
/// Required skills first (10 × required), then the candidates by <see cref="SkillInterestModel"/>: the learner's own
/// helping contributions in the skill smoothed towards its popularity, with the smoothing fitted on the tenant's past.
/// </summary>
internal sealed class LearnedStepRanker(Microsoft.Extensions.Options.IOptions<RecommendationOptions> options, TimeProvider time) : ILearningStepRanker
{
    private static readonly FrontierStepRanker Explainer = new();
    private readonly RecommendationOptions _options = options.Value;

    public void Score(LearningStepRankingContext context, Span<double> scores)
    {
        var (model, mine) = Prepare(context);
        var candidates = context.Candidates;
        for (var i = 0; i < candidates.Length; i++)
        {
            var s = candidates[i];
            scores[i] = (10 * context.Required[i]) + SkillInterestModel.Probability(mine?.CountOf(s) ?? 0, mine?.Total ?? 0, model.BackgroundOf(s), model.Mu);
        }
    }

    public void Explain(LearningStepRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var (model, mine) = Prepare(context);
        var skill = context.Candidates[candidate];
        var own = mine?.CountOf(skill) ?? 0;
        if (own > 0)
        {
            explanation.Add(new ExplanationSignal
            {
                Signal = "your-activity",
                Value = own,
                Text = $"you have helped with it {own.ToString(CultureInfo.InvariantCulture)} times",
            });
        }

        var share = model.BackgroundOf(skill);
        explanation.Add(new ExplanationSignal
        {
            Signal = "popularity",
            Value = share,
            Text = $"{(share * 100).ToString("0.0", CultureInfo.InvariantCulture)}% of what your organisation shares is on it",
        });
        Explainer.Explain(context, candidate, explanation);
    }

    private (SkillInterestModel Model, SkillInterestModel.LearnerSkills? Mine) Prepare(LearningStepRankingContext context)
    {
        if (context is not StepContext step)
        {
            return (SkillInterestModel.Empty, null);
        }

        var model = step.Index.Derived.Get(step.Index, SkillInterestComputation.Instance, _options.ExpertiseRankRefreshInterval, time);
        var learner = step.Index.FindLearner(context.Request.Learner.Value);
        return (model, learner >= 0 && model.Own.TryGetValue(learner, out var mine) ? mine : null);
    }
}
