namespace SocialLearning.Evaluation;

/// <summary>Reciprocal rank fusion (Cormack et al. 2009): Σ 1 / (k + rank), k = 60.</summary>
public static class Fusion
{
    /// <summary>The standard constant.</summary>
    public const int DefaultK = 60;

    /// <summary>Fuses rankings (best first) into one ranking.</summary>
    public static IReadOnlyList<string> Reciprocal(IEnumerable<IReadOnlyList<string>> rankings, int depth, int k = DefaultK)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var ranking in rankings)
        {
            for (var i = 0; i < ranking.Count; i++)
            {
                scores[ranking[i]] = scores.GetValueOrDefault(ranking[i]) + (1.0 / (k + i + 1));
            }
        }

        return Ranked.Top(scores, depth);
    }
}
