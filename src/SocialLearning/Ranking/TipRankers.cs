using System.Globalization;
using Microsoft.Extensions.Options;

namespace SocialLearning.Ranking;

/// <summary>Weights of a linear tip score; rankers that expose them get MaxScore pruning.</summary>
internal readonly record struct LinearTipWeights(
    double Context,
    double Skill,
    double Text,
    double Gap,
    double Quality,
    double Freshness,
    double SeenPenalty,
    double WilsonZ,
    double FreshnessHalfLifeSeconds)
{
    public double PriorUpperBound => Math.Max(0, Quality) + Math.Max(0, Freshness);

    public double Prior(int helpful, int notHelpful, int createdSeconds, double nowSeconds)
    {
        var prior = 0.0;
        if (Quality != 0)
        {
            prior += Quality * Formulas.Wilson(helpful, helpful + notHelpful, WilsonZ);
        }

        if (Freshness != 0)
        {
            prior += Freshness * Formulas.Freshness(nowSeconds - createdSeconds, FreshnessHalfLifeSeconds);
        }

        return prior;
    }

    /// <summary>The prior with the quality taken from a precomputed Wilson column (same z).</summary>
    public double Prior(float quality, int createdSeconds, double nowSeconds)
    {
        var prior = Quality * quality;
        if (Freshness != 0)
        {
            var age = nowSeconds - createdSeconds;
            prior += Freshness * (age <= 0 ? 1.0 : double.Exp2(-age / FreshnessHalfLifeSeconds));
        }

        return prior;
    }

    public double Score(float context, float skill, float text, float gap, double prior, bool seen)
    {
        var score = (Context * context) + (Skill * skill) + (Text * text) + (Gap * gap) + prior;
        return seen ? score * SeenPenalty : score;
    }
}

/// <summary>A tip ranker whose score is a weighted sum of the match scores and a per-item prior.</summary>
internal interface ILinearTipRanker : ITipRanker
{
    LinearTipWeights Weights { get; }
}

/// <summary>Explanation sentences shared by the built-in tip rankers.</summary>
internal static class TipExplain
{
    public static void Matches(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation, bool gaps)
    {
        var mask = context.MatchedClauses[candidate];
        if (mask == 0)
        {
            return;
        }

        var clauses = context.Clauses;
        List<string>? terms = null;
        var termScore = 0.0;
        for (var c = 0; c < clauses.Count; c++)
        {
            if ((mask & (1u << c)) == 0)
            {
                continue;
            }

            var clause = clauses[c];
            switch (clause.Kind)
            {
                case TipClauseKind.ContextKey:
                    explanation.Add(new ExplanationSignal { Signal = "context", Value = clause.Idf, Text = $"matches context {clause.Label}" });
                    break;
                case TipClauseKind.Skill:
                    explanation.Add(new ExplanationSignal { Signal = "skill", Value = clause.Idf, Text = $"about skill {clause.Label}" });
                    break;
                case TipClauseKind.SkillGap when gaps:
                    explanation.Add(new ExplanationSignal
                    {
                        Signal = "skill-gap",
                        Value = clause.Weight,
                        Text = $"covers your gap in skill {clause.Label}",
                    });
                    break;
                case TipClauseKind.Term:
                    (terms ??= []).Add(clause.Label);
                    break;
            }
        }

        if (terms is not null)
        {
            termScore = context.TextScores[candidate];
            explanation.Add(new ExplanationSignal { Signal = "bm25", Value = termScore, Text = $"mentions {string.Join(", ", terms)}" });
        }
    }

    public static void Helpful(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var doc = context.Candidates[candidate];
        var helpful = context.Features.Helpful[doc];
        if (helpful > 0)
        {
            explanation.Add(new ExplanationSignal
            {
                Signal = "helpful",
                Value = helpful,
                Text = helpful == 1 ? "helpful to 1 colleague" : $"helpful to {helpful.ToString(CultureInfo.InvariantCulture)} colleagues",
            });
        }
    }

    public static void Age(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation, string signal, double value)
    {
        var doc = context.Candidates[candidate];
        var created = TipFeatureColumns.Epoch.AddSeconds(context.Features.CreatedAtSeconds[doc]);
        var days = Math.Max(0, (context.Now - created).TotalDays);
        var text = days < 1 ? "shared today" : $"shared {Math.Floor(days).ToString(CultureInfo.InvariantCulture)} days ago";
        explanation.Add(new ExplanationSignal { Signal = signal, Value = value, Text = text });
    }

    public static void Seen(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation, double penalty)
    {
        if (context.Seen[candidate] != 0 && penalty < 1)
        {
            explanation.Add(new ExplanationSignal { Signal = "seen", Value = penalty, Text = "you have seen it before" });
        }
    }

    public static double NowSeconds(TipRankingContext context) => (context.Now - TipFeatureColumns.Epoch).TotalSeconds;
}

/// <summary>Linear rankers: bm25, overlap, personal-fit and blend.</summary>
internal abstract class LinearTipRanker : ILinearTipRanker
{
    public abstract LinearTipWeights Weights { get; }

    protected abstract string Signal { get; }

    public void Score(TipRankingContext context, Span<double> scores)
    {
        var w = Weights;
        var now = TipExplain.NowSeconds(context);
        var docs = context.Candidates;
        var features = context.Features;
        var helpful = features.Helpful;
        var notHelpful = features.NotHelpful;
        var created = features.CreatedAtSeconds;
        var ctx = context.ContextScores;
        var skill = context.SkillScores;
        var text = context.TextScores;
        var gap = context.GapScores;
        var seen = context.Seen;
        var quality = context.Features is Recommendations.TipColumns columns && columns.Index.WilsonZ == w.WilsonZ
            ? columns.Index.Quality.Span
            : default;
        for (var i = 0; i < docs.Length; i++)
        {
            var d = docs[i];
            var prior = quality.IsEmpty ? w.Prior(helpful[d], notHelpful[d], created[d], now) : w.Prior(quality[d], created[d], now);
            scores[i] = w.Score(ctx[i], skill[i], text[i], gap[i], prior, seen[i] != 0);
        }
    }

    public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var w = Weights;
        TipExplain.Matches(context, candidate, explanation, w.Gap != 0);
        if (w.Quality != 0)
        {
            TipExplain.Helpful(context, candidate, explanation);
        }

        if (w.Freshness != 0)
        {
            var doc = context.Candidates[candidate];
            var age = TipExplain.NowSeconds(context) - context.Features.CreatedAtSeconds[doc];
            TipExplain.Age(context, candidate, explanation, "fresh", Formulas.Freshness(age, w.FreshnessHalfLifeSeconds));
        }

        TipExplain.Seen(context, candidate, explanation, w.SeenPenalty);
        if (explanation.Count == 0)
        {
            explanation.Add(new ExplanationSignal { Signal = Signal, Value = 0, Text = "recently shared in your organisation" });
        }
    }
}

internal sealed class Bm25TipRanker(IOptions<RecommendationOptions> options) : LinearTipRanker
{
    public override LinearTipWeights Weights { get; } = new(0, 0, 1, 0, 0, 0, 1, options.Value.WilsonZ, options.Value.FreshnessHalfLife.TotalSeconds);

    protected override string Signal => "bm25";
}

internal sealed class OverlapTipRanker(IOptions<RecommendationOptions> options) : LinearTipRanker
{
    public override LinearTipWeights Weights { get; } = new(1, 1, 0, 0, 0, 0, 1, options.Value.WilsonZ, options.Value.FreshnessHalfLife.TotalSeconds);

    protected override string Signal => "overlap";
}

internal sealed class PersonalFitTipRanker(IOptions<RecommendationOptions> options) : LinearTipRanker
{
    public override LinearTipWeights Weights { get; } = new(1, 1, 0, 2, 0, 0, options.Value.SeenPenalty, options.Value.WilsonZ, options.Value.FreshnessHalfLife.TotalSeconds);

    protected override string Signal => "personal-fit";
}

internal sealed class BlendTipRanker(IOptions<RecommendationOptions> options) : LinearTipRanker
{
    public override LinearTipWeights Weights { get; } = new(
        options.Value.Blend.Context,
        options.Value.Blend.Skill,
        options.Value.Blend.Text,
        options.Value.Blend.Gap,
        options.Value.Blend.Quality,
        options.Value.Blend.Freshness,
        options.Value.SeenPenalty,
        options.Value.WilsonZ,
        options.Value.FreshnessHalfLife.TotalSeconds);

    protected override string Signal => "blend";
}

/// <summary>
/// What the index keeps per block of 1,024 documents, all upper bounds (raised before the values they bound, never
/// lowered): the newest creation time, the most helpful votes, the highest Wilson bound byte (⌈q · 255⌉ at
/// <paramref name="IndexWilsonZ"/>) and the highest popularity score; with the query's time and the tenant's mean
/// helpful share (read once per query).
/// </summary>
internal readonly record struct BlockStats(int NewestCreatedSeconds, int MostHelpful, byte QualityBound, float MostPopular, double IndexWilsonZ, double NowSeconds, double MeanHelpfulShare);

/// <summary>Rankers that score each candidate from its own columns only.</summary>
internal abstract class PriorTipRanker : ITipRanker
{
    public void Score(TipRankingContext context, Span<double> scores)
    {
        var docs = context.Candidates;
        var f = context.Features;
        var now = TipExplain.NowSeconds(context);
        for (var i = 0; i < docs.Length; i++)
        {
            scores[i] = Score(f, docs[i], now);
        }
    }

    public abstract double Score(TipFeatureColumns f, int doc, double nowSeconds);

    /// <summary>Whether blocks should be visited best bound first (sorted) rather than newest first: for bounds that do not follow creation order.</summary>
    public virtual bool BestBoundFirst => false;

    /// <summary>
    /// An upper bound of <see cref="Score(TipFeatureColumns, int, double)"/> over every document of a block, from what
    /// the index keeps per block, so the engine can skip blocks that cannot reach the top k; +∞ (never skipped) when
    /// the ranker has none.
    /// </summary>
    public virtual double BlockBound(in BlockStats block) => double.PositiveInfinity;

    public virtual void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        TipExplain.Matches(context, candidate, explanation, gaps: false);
        TipExplain.Helpful(context, candidate, explanation);
    }
}

internal sealed class RecencyTipRanker : PriorTipRanker
{
    public override double Score(TipFeatureColumns f, int doc, double nowSeconds) => f.CreatedAtSeconds[doc];

    public override double BlockBound(in BlockStats block) => block.NewestCreatedSeconds;

    public override void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        TipExplain.Age(context, candidate, explanation, "recency", context.Features.CreatedAtSeconds[context.Candidates[candidate]]);
        TipExplain.Matches(context, candidate, explanation, gaps: false);
    }
}

internal sealed class PopularityTipRanker : PriorTipRanker
{
    public override double Score(TipFeatureColumns f, int doc, double nowSeconds) =>
        Formulas.Popularity(f.Helpful[doc], f.NotHelpful[doc], f.Saves[doc], f.Shares[doc], f.Endorsements[doc], f.Accepts[doc], f.Views[doc]);

    public override bool BestBoundFirst => true;

    public override double BlockBound(in BlockStats block) => block.MostPopular;

    public override void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var doc = context.Candidates[candidate];
        var f = context.Features;
        explanation.Add(new ExplanationSignal
        {
            Signal = "popularity",
            Value = Score(f, doc, 0),
            Text = $"{f.Helpful[doc].ToString(CultureInfo.InvariantCulture)} helpful, {f.Saves[doc].ToString(CultureInfo.InvariantCulture)} saved, {f.Views[doc].ToString(CultureInfo.InvariantCulture)} views",
        });
        base.Explain(context, candidate, explanation);
    }
}

internal sealed class WilsonTipRanker(IOptions<RecommendationOptions> options) : PriorTipRanker
{
    private readonly double _z = options.Value.WilsonZ;

    public override double Score(TipFeatureColumns f, int doc, double nowSeconds) =>
        Formulas.Wilson(f.Helpful[doc], f.Helpful[doc] + f.NotHelpful[doc], _z);

    public override bool BestBoundFirst => true;

    /// <summary>The block's Wilson bound byte, when the index computed it at this ranker's z (a margin of 0.01/255 covers the float the index rounds from).</summary>
    public override double BlockBound(in BlockStats block) =>
        block.IndexWilsonZ == _z ? (block.QualityBound + 0.01) / 255.0 : double.PositiveInfinity;

    public override void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var doc = context.Candidates[candidate];
        var f = context.Features;
        explanation.Add(new ExplanationSignal
        {
            Signal = "wilson",
            Value = Score(f, doc, 0),
            Text = $"{f.Helpful[doc].ToString(CultureInfo.InvariantCulture)} of {(f.Helpful[doc] + f.NotHelpful[doc]).ToString(CultureInfo.InvariantCulture)} votes helpful",
        });
        base.Explain(context, candidate, explanation);
    }
}

internal sealed class BayesianTipRanker(IOptions<RecommendationOptions> options) : PriorTipRanker
{
    private readonly double _c = options.Value.BayesianPriorVotes;

    public override double Score(TipFeatureColumns f, int doc, double nowSeconds) =>
        Formulas.Bayesian(f.Helpful[doc], f.Helpful[doc] + f.NotHelpful[doc], _c, f.MeanHelpfulShare);

    public override bool BestBoundFirst => true;

    /// <summary>
    /// (C·m + h) / (C + h + n) is largest with no unhelpful votes, and (C·m + h) / (C + h) rises with h since the
    /// mean m is at most 1: so the block's most helpful votes H bound it (m itself when H is 0). The margin covers rounding.
    /// m is read once per query for the bounds; a vote elsewhere in the tenant during the query can move the m a score
    /// reads by that vote's share, as it can already make two documents' scores read different m.
    /// </summary>
    public override double BlockBound(in BlockStats block) =>
        Formulas.Bayesian(block.MostHelpful, block.MostHelpful, _c, block.MeanHelpfulShare) * (1 + 1e-12);

    public override void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var doc = context.Candidates[candidate];
        var f = context.Features;
        explanation.Add(new ExplanationSignal
        {
            Signal = "bayesian",
            Value = Score(f, doc, 0),
            Text = $"{f.Helpful[doc].ToString(CultureInfo.InvariantCulture)} of {(f.Helpful[doc] + f.NotHelpful[doc]).ToString(CultureInfo.InvariantCulture)} votes helpful (prior mean {f.MeanHelpfulShare.ToString("0.00", CultureInfo.InvariantCulture)})",
        });
        base.Explain(context, candidate, explanation);
    }
}

internal sealed class HotTipRanker(IOptions<RecommendationOptions> options) : PriorTipRanker
{
    private readonly double _gravity = options.Value.HotGravity;

    public override double Score(TipFeatureColumns f, int doc, double nowSeconds) =>
        Formulas.Hot(f.Helpful[doc], f.NotHelpful[doc], (nowSeconds - f.CreatedAtSeconds[doc]) / 3600.0, _gravity);

    /// <summary>(h − n) ≤ the block's most helpful votes, and the youngest age is the newest document's; a block with no helpful vote bounds at 0.</summary>
    public override double BlockBound(in BlockStats block) =>
        block.MostHelpful <= 0 ? 0 : Formulas.Hot(block.MostHelpful, 0, (block.NowSeconds - block.NewestCreatedSeconds) / 3600.0, _gravity) * (1 + 1e-12);

    public override void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var doc = context.Candidates[candidate];
        TipExplain.Age(context, candidate, explanation, "hot", Score(context.Features, doc, TipExplain.NowSeconds(context)));
        base.Explain(context, candidate, explanation);
    }
}

/// <summary>
/// Reciprocal rank fusion of other rankers over the same candidates: Σ 1 / (k + rank) over each ranker's top depth.
/// Each component's top depth is selected with a bounded heap (O(n log depth), no full sort) into buffers the
/// engine's per-thread context owns, and kept there so that explaining a result reads its ranks instead of
/// scoring and ranking every component again.
/// </summary>
internal sealed class RrfTipRanker(IOptions<RecommendationOptions> options, TipRankerRegistry registry) : ITipRanker
{
    private readonly RecommendationOptions _options = options.Value;

    public void Score(TipRankingContext context, Span<double> scores)
    {
        var n = context.Candidates.Length;
        scores[..n].Clear();
        var names = _options.RrfTipRankers;
        if (n == 0 || names.Count == 0)
        {
            return;
        }

        var depth = Math.Min(n, _options.RrfDepth);
        var memo = context is Recommendations.TipContext own ? own.Memo(this, names.Count * depth) : null;
        var component = memo?.Scores(n) ?? new double[n];
        var tops = memo?.Ints ?? new int[names.Count * depth];
        for (var c = 0; c < names.Count; c++)
        {
            var span = component.AsSpan(0, n);
            registry.Get(names[c]).Score(context, span);
            var top = tops.AsSpan(c * depth, depth);
            var count = Ranks.Top(span, top);
            for (var r = 0; r < count; r++)
            {
                scores[top[r]] += Formulas.Rrf(r + 1, _options.RrfK);
            }
        }
    }

    public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var n = context.Candidates.Length;
        var names = _options.RrfTipRankers;
        var depth = Math.Min(n, _options.RrfDepth);
        var tops = context is Recommendations.TipContext own ? own.MemoOf(this, names.Count * depth) : null;
        double[]? component = null;
        for (var c = 0; c < names.Count; c++)
        {
            int rank;
            if (tops is not null)
            {
                rank = tops.AsSpan(c * depth, depth).IndexOf(candidate) + 1;
            }
            else
            {
                // A context the engine did not prepare (a host calling the ranker directly): rank by counting.
                component ??= new double[n];
                registry.Get(names[c]).Score(context, component);
                rank = Ranks.RankOf(component, candidate);
            }

            if (rank >= 1 && rank <= depth)
            {
                explanation.Add(new ExplanationSignal
                {
                    Signal = "rrf:" + names[c],
                    Value = rank,
                    Text = $"ranked {rank.ToString(CultureInfo.InvariantCulture)} by {names[c]}",
                });
            }
        }

        TipExplain.Matches(context, candidate, explanation, gaps: false);
    }
}

/// <summary>
/// Maximal marginal relevance: from the base ranker's top pool, repeatedly picks the item maximising
/// λ · relevance − (1 − λ) · max similarity to the items picked so far (relevance scaled to [0, 1] by the pool
/// maximum; similarity is the Jaccard overlap of skills and context keys). Picked items score 1 + (pool − position) / pool.
/// </summary>
internal sealed class MmrTipRanker(IOptions<RecommendationOptions> options, TipRankerRegistry registry) : ITipRanker
{
    private readonly RecommendationOptions _options = options.Value;

    public string BaseRanker => _options.MmrBaseRanker;

    public int PoolSize => _options.MmrPoolSize;

    public void Score(TipRankingContext context, Span<double> scores)
    {
        var n = context.Candidates.Length;
        if (n == 0)
        {
            return;
        }

        var baseScores = new double[n];
        registry.Get(_options.MmrBaseRanker, "RecommendationOptions.MmrBaseRanker").Score(context, baseScores);
        var pool = Math.Min(n, Math.Max(_options.MmrPoolSize, context.Request.K));
        var top = new int[pool];
        Ranks.Top(baseScores, top);
        var max = Math.Max(1e-12, baseScores[top[0]]);
        var min = Math.Min(0, baseScores[Ranks.Last(baseScores)]);
        for (var i = 0; i < n; i++)
        {
            scores[i] = 0.5 * (baseScores[i] - min) / (max - min + 1e-12);
        }

        // Greedy selection, O(pool²) similarities: each candidate keeps its highest similarity to the items picked
        // so far, raised once per pick, instead of being compared with every picked item again on every round.
        var features = context.Features as Recommendations.TipColumns;
        var maxSim = new double[pool];
        var taken = new bool[pool];
        var lambda = _options.MmrLambda;
        for (var round = 0; round < pool; round++)
        {
            var best = -1;
            var bestValue = double.NegativeInfinity;
            for (var p = 0; p < pool; p++)
            {
                if (taken[p])
                {
                    continue;
                }

                var value = (lambda * baseScores[top[p]] / max) - ((1 - lambda) * maxSim[p]);
                if (best < 0 || value > bestValue)
                {
                    bestValue = value;
                    best = p;
                }
            }

            taken[best] = true;
            var picked = top[best];
            scores[picked] = 1 + ((double)(pool - round) / pool);
            for (var p = 0; p < pool; p++)
            {
                if (!taken[p])
                {
                    maxSim[p] = Math.Max(maxSim[p], Similarity(features, context.Candidates[top[p]], context.Candidates[picked]));
                }
            }
        }
    }

    public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        registry.Get(_options.MmrBaseRanker, "RecommendationOptions.MmrBaseRanker").Explain(context, candidate, explanation);
        explanation.Add(new ExplanationSignal { Signal = "mmr", Value = _options.MmrLambda, Text = "picked for variety among similar tips" });
    }

    internal static double Similarity(Recommendations.TipColumns? features, int a, int b)
    {
        if (features is null)
        {
            return 0;
        }

        var index = features.Index;
        int shared = 0, total = 0;
        var sa = index.SkillsOf(a);
        var sb = index.SkillsOf(b);
        var ka = index.KeysOf(a);
        var kb = index.KeysOf(b);
        foreach (var s in sa)
        {
            if (sb.Contains(s))
            {
                shared++;
            }
        }

        foreach (var k in ka)
        {
            if (kb.Contains(k))
            {
                shared++;
            }
        }

        total = sa.Length + sb.Length + ka.Length + kb.Length - shared;
        return total == 0 ? 0 : (double)shared / total;
    }
}

internal static class Ranks
{
    /// <summary>True when candidate <paramref name="a"/> ranks above <paramref name="b"/>: higher score, ties by lower index (NaN lowest).</summary>
    private static bool Above(ReadOnlySpan<double> scores, int a, int b)
    {
        var c = scores[a].CompareTo(scores[b]);
        return c > 0 || (c == 0 && a < b);
    }

    /// <summary>Indexes by score descending, ties by index ascending (stable): the order <see cref="Top"/>, <see cref="Last"/> and <see cref="RankOf"/> follow.</summary>
    public static void Order(ReadOnlySpan<double> scores, int[] order)
    {
        var n = scores.Length;
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var copy = scores.ToArray();
        Array.Sort(order, 0, n, Comparer<int>.Create((x, y) =>
        {
            var c = copy[y].CompareTo(copy[x]);
            return c != 0 ? c : x.CompareTo(y);
        }));
    }

    /// <summary>
    /// The first <c>min(n, top.Length)</c> entries of <see cref="Order"/>, best first, in O(n log top.Length)
    /// without allocating: a bounded heap whose root is the worst kept index. Returns how many were written.
    /// </summary>
    /// <remarks>
    /// The heap is seeded with the last <c>top.Length</c> indexes and then offered the others from the first. The
    /// result does not depend on that order (<see cref="Above"/> is a strict total order), but the cost does: scores
    /// that rise with the index, as recency's do over documents in creation order, would otherwise replace the root
    /// on every step (783 µs against 72–82 µs for the other components in the rrf benchmark); seeded from the end, they
    /// are all below it.
    /// Scores that fall with the index are the cheap case either way.
    /// </remarks>
    public static int Top(ReadOnlySpan<double> scores, Span<int> top)
    {
        var n = scores.Length;
        var capacity = Math.Min(n, top.Length);
        if (capacity == 0)
        {
            return 0;
        }

        var size = 0;
        for (var step = 0; step < n; step++)
        {
            var i = step < capacity ? n - capacity + step : step - capacity;
            if (size < capacity)
            {
                var j = size++;
                top[j] = i;
                while (j > 0)
                {
                    var parent = (j - 1) >> 1;
                    if (!Above(scores, top[parent], top[j]))
                    {
                        break;
                    }

                    (top[parent], top[j]) = (top[j], top[parent]);
                    j = parent;
                }
            }
            else if (Above(scores, i, top[0]))
            {
                top[0] = i;
                SiftDown(scores, top, 0, size);
            }
        }

        for (var end = size - 1; end > 0; end--)
        {
            (top[0], top[end]) = (top[end], top[0]);
            SiftDown(scores, top, 0, end);
        }

        return size;
    }

    /// <summary>The index <see cref="Order"/> puts last (O(n)); scores must not be empty.</summary>
    public static int Last(ReadOnlySpan<double> scores)
    {
        var last = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (Above(scores, last, i))
            {
                last = i;
            }
        }

        return last;
    }

    /// <summary>The 1-based place of <paramref name="candidate"/> in <see cref="Order"/>, by counting (O(n)).</summary>
    public static int RankOf(ReadOnlySpan<double> scores, int candidate)
    {
        var rank = 1;
        for (var i = 0; i < scores.Length; i++)
        {
            if (i != candidate && Above(scores, i, candidate))
            {
                rank++;
            }
        }

        return rank;
    }

    // Min-heap on "rank": the root is the lowest-ranked kept index.
    private static void SiftDown(ReadOnlySpan<double> scores, Span<int> heap, int i, int size)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= size)
            {
                return;
            }

            var worst = left;
            var right = left + 1;
            if (right < size && Above(scores, heap[left], heap[right]))
            {
                worst = right;
            }

            if (!Above(scores, heap[i], heap[worst]))
            {
                return;
            }

            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
