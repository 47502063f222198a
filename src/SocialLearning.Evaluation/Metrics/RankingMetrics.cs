namespace SocialLearning.Evaluation;

/// <summary>
/// Per-query ranking metrics with trec_eval conventions and binary relevance: the ranking is taken in the order
/// given (a ranker's order; run files carry strictly decreasing scores so trec_eval sees the same order), repeated ids
/// count once, and a query with no relevant item is not evaluated (the harness never creates one).
/// </summary>
public static class RankingMetrics
{
    /// <summary>The metric names used in reports, in display order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["MRR", "P@1", "NDCG@3", "NDCG@10", "Recall@10", "Recall@100"];

    /// <summary>trec_eval <c>recip_rank</c>: 1 / rank of the first relevant item, 0 when none is retrieved.</summary>
    public static double ReciprocalRank(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant)
    {
        Check(ranking, relevant);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rank = 0;
        foreach (var id in ranking)
        {
            if (!seen.Add(id))
            {
                continue;
            }

            rank++;
            if (relevant.Contains(id))
            {
                return 1.0 / rank;
            }
        }

        return 0;
    }

    /// <summary>trec_eval <c>P_k</c>: relevant items in the top k divided by k (not by the number retrieved).</summary>
    public static double PrecisionAt(int k, IReadOnlyList<string> ranking, IReadOnlySet<string> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return (double)RelevantInTop(k, ranking, relevant) / k;
    }

    /// <summary>trec_eval <c>recall_k</c>: relevant items in the top k divided by all relevant items.</summary>
    public static double RecallAt(int k, IReadOnlyList<string> ranking, IReadOnlySet<string> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return relevant.Count == 0 ? 0 : (double)RelevantInTop(k, ranking, relevant) / relevant.Count;
    }

    /// <summary>
    /// trec_eval <c>ndcg_cut_k</c> with binary gains: DCG = Σ rel_i / log2(i + 1) over the top k, divided by the DCG
    /// of the ideal ranking (all relevant items first, also cut at k).
    /// </summary>
    public static double NdcgAt(int k, IReadOnlyList<string> ranking, IReadOnlySet<string> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Check(ranking, relevant);
        if (relevant.Count == 0)
        {
            return 0;
        }

        var dcg = 0.0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rank = 0;
        foreach (var id in ranking)
        {
            if (!seen.Add(id))
            {
                continue;
            }

            rank++;
            if (rank > k)
            {
                break;
            }

            if (relevant.Contains(id))
            {
                dcg += 1.0 / Math.Log2(rank + 1);
            }
        }

        var ideal = 0.0;
        var idealCount = Math.Min(k, relevant.Count);
        for (var i = 1; i <= idealCount; i++)
        {
            ideal += 1.0 / Math.Log2(i + 1);
        }

        return dcg / ideal;
    }

    /// <summary>All metrics of <see cref="Names"/> for one query, in that order.</summary>
    public static double[] Compute(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant) =>
    [
        ReciprocalRank(ranking, relevant),
        PrecisionAt(1, ranking, relevant),
        NdcgAt(3, ranking, relevant),
        NdcgAt(10, ranking, relevant),
        RecallAt(10, ranking, relevant),
        RecallAt(100, ranking, relevant),
    ];

    private static int RelevantInTop(int k, IReadOnlyList<string> ranking, IReadOnlySet<string> relevant)
    {
        Check(ranking, relevant);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rank = 0;
        var hits = 0;
        foreach (var id in ranking)
        {
            if (!seen.Add(id))
            {
                continue;
            }

            if (++rank > k)
            {
                break;
            }

            if (relevant.Contains(id))
            {
                hits++;
            }
        }

        return hits;
    }

    private static void Check(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(relevant);
    }
}
