namespace SocialLearning.Ranking;

/// <summary>The scoring formulas of the built-in rankers, as pure functions (documented in docs/recommenders.md).</summary>
internal static class Formulas
{
    /// <summary>Lucene ≥ 8 BM25 idf: ln(1 + (N − df + 0.5) / (df + 0.5)); never negative.</summary>
    public static double Idf(long documents, long documentFrequency) =>
        Math.Log(1 + ((documents - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    /// <summary>BM25 term-frequency part: tf (k1 + 1) / (tf + k1 (1 − b + b · len / avgLen)).</summary>
    public static double Bm25Tf(double tf, double length, double averageLength, double k1, double b) =>
        tf * (k1 + 1) / (tf + (k1 * (1 - b + (b * length / averageLength))));

    /// <summary>Wilson score interval lower bound of the share of positive votes; 0 without votes.</summary>
    public static double Wilson(double positive, double total, double z)
    {
        if (total <= 0)
        {
            return 0;
        }

        var p = positive / total;
        var z2 = z * z;
        var centre = p + (z2 / (2 * total));
        var margin = z * Math.Sqrt(((p * (1 - p)) + (z2 / (4 * total))) / total);
        return Math.Max(0, (centre - margin) / (1 + (z2 / total)));
    }

    /// <summary>Bayesian average (C · m + positive) / (C + total).</summary>
    public static double Bayesian(double positive, double total, double priorVotes, double priorMean) =>
        priorVotes + total <= 0 ? priorMean : ((priorVotes * priorMean) + positive) / (priorVotes + total);

    /// <summary>Hacker News hot decay: (helpful − not helpful) / (age hours + 2)^gravity.</summary>
    public static double Hot(double helpful, double notHelpful, double ageHours, double gravity) =>
        (helpful - notHelpful) / Math.Pow(Math.Max(0, ageHours) + 2, gravity);

    /// <summary>Freshness 2^(−age / halfLife), 1 for items from the future.</summary>
    public static double Freshness(double ageSeconds, double halfLifeSeconds) =>
        ageSeconds <= 0 ? 1.0 : double.Exp2(-ageSeconds / halfLifeSeconds);

    /// <summary>Popularity ln(1 + helpful + saves + shares + endorsements + 2 · accepts + 0.1 · views − not helpful), at least 0.</summary>
    public static double Popularity(double helpful, double notHelpful, double saves, double shares, double endorsements, double accepts, double views) =>
        Math.Log(1 + Math.Max(0, helpful + saves + shares + endorsements + (2 * accepts) + (0.1 * views) - notHelpful));

    /// <summary>Reciprocal rank fusion term 1 / (k + rank), rank 1-based.</summary>
    public static double Rrf(int rank, int k) => 1.0 / (k + rank);

    /// <summary>Zhang et al. z-score of answering versus asking: (a − q) / √(a + q); 0 when both are 0.</summary>
    public static double ZScore(double answers, double questions) =>
        answers + questions <= 0 ? 0 : (answers - questions) / Math.Sqrt(answers + questions);
}
