namespace SocialLearning.Evaluation;

/// <summary>Every ranker the harness knows: the baselines, the SDK built-ins and the evaluation package's own.</summary>
public static class StandardRankers
{
    /// <summary>Creates them for a task.</summary>
    public static IEnumerable<IEvaluationRanker> Create(EvaluationTask task, EvaluationCorpus corpus, int seed = Statistics.DefaultSeed)
    {
        foreach (var ranker in BaselineRankers.Create(task, corpus, seed))
        {
            yield return ranker;
        }
    }
}
