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

        // Visible documents with skills in time order, ties by document number: one sort of (created, doc) keys.
        var order = new long[limit];
        var n = 0;
        for (var d = 0; d < limit; d++)
        {
            if ((flags[d] & TenantIndex.FlagVisible) == TenantIndex.FlagVisible && index.SkillsOf(d).Length > 0)
            {
                order[n++] = ((long)created[d] << 32) | (uint)d;
            }
        }

        if (n == 0)
        {
            return Empty;
        }

        Array.Sort(order, 0, n);
        var docs = new int[n];
        for (var i = 0; i < n; i++)
        {
            docs[i] = (int)(order[i] & 0xFFFF_FFFF);
        }

        var cut = (int)(n * (1 - HoldOutShare));
        var counts = new Counts(skillCount, index.LearnerIds.Count);
        counts.Add(index, docs, 0, cut, kinds, authors);
        var (mu, learners) = Fit(index, docs, cut, kinds, authors, counts);
        counts.Add(index, docs, cut, n, kinds, authors);

        var background = new double[skillCount];
        for (var s = 0; s < background.Length; s++)
        {
            background[s] = counts.Background(s);
        }

        return new SkillInterestModel { Mu = mu, Background = background, Own = counts.Freeze(), HeldOutLearners = learners };
    }

    /// <summary>μ maximising the mean (over learners) of the mean log-probability of their held-out contributions' skills.</summary>
    private static (double Mu, int Learners) Fit(TenantIndex index, int[] docs, int cut, byte[] kinds, int[] authors, Counts before)
    {
        // Held-out (learner, own count, learner total, background) rows.
        var rows = new List<(int Learner, int Own, int Total, double Background)>();
        for (var i = cut; i < docs.Length; i++)
        {
            var d = docs[i];
            var author = authors[d];
            if (!IsHelping(kinds[d]) || before.TotalOf(author) == 0)
            {
                continue;
            }

            foreach (var s in index.SkillsOf(d))
            {
                rows.Add((author, before.OwnOf(author, s), before.TotalOf(author), before.Background(s)));
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

        var weights = new double[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            weights[r] = 1.0 / perLearner[rows[r].Learner];
        }

        var best = double.PositiveInfinity;
        var bestScore = double.NegativeInfinity;
        foreach (var mu in MuGrid)
        {
            var score = 0.0;
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                score += Math.Log(Probability(row.Own, row.Total, row.Background, mu)) * weights[r];
            }

            if (score > bestScore)
            {
                bestScore = score;
                best = mu;
            }
        }

        return (best, perLearner.Count);
    }

    private static bool IsHelping(byte kind) => kind != (byte)ContributionKind.Question;

    /// <summary>Skill mentions of every visible contribution, and of helping ones per (author, skill).</summary>
    private sealed class Counts(int skills, int learners)
    {
        private readonly double[] _skill = new double[skills];
        private readonly int[] _total = new int[Math.Max(1, learners)];
        private readonly Dictionary<long, int> _own = new(PairComparer.Instance);
        private double _mentions;

        public void Add(TenantIndex index, int[] docs, int from, int to, byte[] kinds, int[] authors)
        {
            for (var i = from; i < to; i++)
            {
                var d = docs[i];
                var author = authors[d];
                var helping = IsHelping(kinds[d]) && author >= 0 && author < _total.Length;
                foreach (var s in index.SkillsOf(d))
                {
                    if (s < 0 || s >= _skill.Length)
                    {
                        continue;
                    }

                    _skill[s] += 1;
                    _mentions += 1;
                    if (helping)
                    {
                        _total[author]++;
                        var key = ((long)author << 32) | (uint)s;
                        _own[key] = _own.GetValueOrDefault(key) + 1;
                    }
                }
            }
        }

        public double Background(int s) => (_skill[s] + 0.5) / (_mentions + (0.5 * _skill.Length));

        public int TotalOf(int author) => author >= 0 && author < _total.Length ? _total[author] : 0;

        public int OwnOf(int author, int skill) => _own.GetValueOrDefault(((long)author << 32) | (uint)skill);

        public Dictionary<int, LearnerSkills> Freeze()
        {
            var keys = _own.Keys.ToArray();
            Array.Sort(keys);
            var result = new Dictionary<int, LearnerSkills>();
            for (var start = 0; start < keys.Length;)
            {
                var author = (int)(keys[start] >> 32);
                var end = start;
                while (end < keys.Length && (int)(keys[end] >> 32) == author)
                {
                    end++;
                }

                var skills = new int[end - start];
                var counts = new int[end - start];
                for (var i = start; i < end; i++)
                {
                    skills[i - start] = (int)(keys[i] & 0xFFFF_FFFF);
                    counts[i - start] = _own[keys[i]];
                }

                result[author] = new LearnerSkills(skills, counts, _total[author]);
                start = end;
            }

            return result;
        }
    }
}

/// <summary>
/// (author, skill) keys packed in a long: <c>long.GetHashCode</c> is high ^ low, which sends (a, s) and (s, a) and
/// many more to one bucket (2.6 s instead of 0.2 s on 400k contributions); Fibonacci hashing spreads them.
/// </summary>
internal sealed class PairComparer : IEqualityComparer<long>
{
    public static readonly PairComparer Instance = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => (int)(((ulong)obj * 0x9E3779B97F4A7C15UL) >> 32);
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
