using System.Globalization;

namespace SocialLearning.Recommendations;

/// <summary>
/// Required skills first (targets and their prerequisites), then the candidates — the skills near the learner's
/// own in the skill graph and their "people like you learned next" successors, none mastered — by popularity: the
/// skill's share of the candidates' contributions, n(s) / Σ n, so 10 × required + share.
/// </summary>
internal sealed class PopularityStepRanker : ILearningStepRanker
{
    private static readonly FrontierStepRanker Explainer = new();

    /// <summary>10 × required + n / total (0 when total is 0): the formula on its own (docs/recommenders.md).</summary>
    public static double Score(bool required, double contributions, double total) =>
        (required ? 10 : 0) + (total > 0 ? contributions / total : 0);

    public void Score(LearningStepRankingContext context, Span<double> scores)
    {
        var n = context.Candidates.Length;
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            total += Contributions(context, i);
        }

        for (var i = 0; i < n; i++)
        {
            scores[i] = Score(context.Required[i] != 0, Contributions(context, i), total);
        }
    }

    public void Explain(LearningStepRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var contributions = Contributions(context, candidate);
        explanation.Add(new ExplanationSignal
        {
            Signal = "popularity",
            Value = contributions,
            Text = $"{contributions.ToString("0", CultureInfo.InvariantCulture)} contributions on it in your organisation",
        });
        Explainer.Explain(context, candidate, explanation);
    }

    /// <summary>Contributions (every kind, as indexed) on the candidate skill.</summary>
    private static double Contributions(LearningStepRankingContext context, int i)
    {
        if (context is not StepContext step)
        {
            return 0;
        }

        var skill = context.Candidates[i];
        return skill >= 0 && skill < step.Index.Skills.Count ? step.Index.Skills.List(skill).Docs.Count : 0;
    }
}
