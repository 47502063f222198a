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

        foreach (var ranker in SdkRankers.Create(task))
        {
            yield return ranker;
        }

        // One configured variant, chosen on the validation split: a 30-day affinity half-life instead of the default 180.
        if (task == EvaluationTask.Routing)
        {
            foreach (var ranker in SdkRankers.Create(task, o => o.AffinityHalfLife = TimeSpan.FromDays(30), "@hl30", ["affinity", "fusion"]))
            {
                yield return ranker;
            }
        }

        // Thread expansion is on by default (chosen on the validation split); this is the ablation without it.
        // (A title weight of 2 or 3 was also tried on validation and did not help, so it stays 1.)
        if (task == EvaluationTask.Related)
        {
            foreach (var ranker in SdkRankers.Create(task, o => o.ThreadExpansion = false, "@nothread", ["blend", "bm25"]))
            {
                yield return ranker;
            }
        }

        // "What will they work on", not only "what is new to them": the planner asked with IncludeMastered.
        if (task == EvaluationTask.NextSkill)
        {
            foreach (var ranker in SdkRankers.Create(task, null, "@deepen", ["blend", "popularity", "learned"], includeMastered: true))
            {
                yield return ranker;
            }
        }

        foreach (var ranker in EvaluationPackageRankers(task))
        {
            yield return ranker;
        }
    }

    /// <summary>The evaluation package's own rankers (not SDK built-ins).</summary>
    public static IEnumerable<IEvaluationRanker> EvaluationPackageRankers(EvaluationTask task) => task switch
    {
        EvaluationTask.Related => [new Bm25RelatedRanker()],
        EvaluationTask.Routing => [new DecayedTagRoutingRanker()],
        EvaluationTask.NextSkill => [new MixtureNextSkillRanker()],
        _ => [],
    };
}
