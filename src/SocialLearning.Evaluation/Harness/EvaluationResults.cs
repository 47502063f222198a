namespace SocialLearning.Evaluation;

/// <summary>A whole evaluation run: every task, split and judgement variant.</summary>
public sealed record EvaluationReport
{
    /// <summary>The dataset name.</summary>
    public required string Dataset { get; init; }

    /// <summary>The settings used.</summary>
    public required EvaluationOptions Options { get; init; }

    /// <summary>Notes about the data (missing files, final-text caveat).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>One entry per task, split and variant.</summary>
    public required IReadOnlyList<TaskReport> Tasks { get; init; }
}

/// <summary>Results of one task on one split under one judgement variant.</summary>
public sealed record TaskReport
{
    /// <summary><c>related</c>, <c>routing</c> or <c>next-skill</c>.</summary>
    public required string Task { get; init; }

    /// <summary>Judgement variant, for example <c>accepted</c>.</summary>
    public required string Variant { get; init; }

    /// <summary><c>validation</c> or <c>test</c>.</summary>
    public required string Split { get; init; }

    /// <summary>Queries evaluated.</summary>
    public required int QueryCount { get; init; }

    /// <summary>Mean candidate pool size at query time (earlier questions, known people or known tags), all of it ranked.</summary>
    public required double PoolSize { get; init; }

    /// <summary>Mean relevant items per query.</summary>
    public required double RelevantPerQuery { get; init; }

    /// <summary>The metric used to pick the best baseline and for the paired test.</summary>
    public required string PrimaryMetric { get; init; }

    /// <summary>The baseline with the best mean primary metric.</summary>
    public string? BestBaseline { get; init; }

    /// <summary>Per ranker, best primary metric first.</summary>
    public required IReadOnlyList<RankerReport> Rankers { get; init; }
}

/// <summary>One ranker's quality and speed.</summary>
public sealed record RankerReport
{
    /// <summary>Ranker name.</summary>
    public required string Name { get; init; }

    /// <summary><c>Baseline</c>, <c>SdkBuiltIn</c>, <c>Evaluation</c> or <c>Host</c>.</summary>
    public required string Origin { get; init; }

    /// <summary>Metrics by name (<c>MRR</c>, <c>P@1</c>, <c>NDCG@3</c>, <c>NDCG@10</c>, <c>Recall@10</c>, <c>Recall@100</c>, <c>coverage</c>) with 95% bootstrap intervals.</summary>
    public required IReadOnlyDictionary<string, MetricEstimate> Metrics { get; init; }

    /// <summary>Distinct items in any top 10 divided by the mean pool size (how spread the recommendations are).</summary>
    public required double CatalogCoverageAt10 { get; init; }

    /// <summary>The paired test against the best baseline, absent for the best baseline itself.</summary>
    public PairedComparison? VersusBestBaseline { get; init; }

    /// <summary>Latency of one ranking call.</summary>
    public required LatencySummary Latency { get; init; }
}

/// <summary>A paired comparison on the primary metric.</summary>
public sealed record PairedComparison
{
    /// <summary>The other ranker.</summary>
    public required string Against { get; init; }

    /// <summary>The metric.</summary>
    public required string Metric { get; init; }

    /// <summary>Mean of this ranker minus mean of the other.</summary>
    public required double Difference { get; init; }

    /// <summary>Relative difference (difference / other mean), or null when the other mean is 0.</summary>
    public double? RelativeDifference { get; init; }

    /// <summary>95% paired bootstrap interval of the difference.</summary>
    public required double DifferenceLow { get; init; }

    /// <summary>Upper end.</summary>
    public required double DifferenceHigh { get; init; }

    /// <summary>Two-sided p-value of the paired randomisation test.</summary>
    public required double PValue { get; init; }
}

/// <summary>Latency figures in milliseconds.</summary>
public sealed record LatencySummary
{
    /// <summary>Calls measured.</summary>
    public required int Count { get; init; }

    /// <summary>Median.</summary>
    public required double P50Ms { get; init; }

    /// <summary>95th percentile.</summary>
    public required double P95Ms { get; init; }

    /// <summary>99th percentile.</summary>
    public required double P99Ms { get; init; }

    /// <summary>Mean.</summary>
    public required double MeanMs { get; init; }

    /// <summary>Every measurement, for distribution charts.</summary>
    public IReadOnlyList<double> SamplesMs { get; init; } = [];
}

/// <summary>The raw outcome of one ranker on one query.</summary>
public sealed record QueryOutcome
{
    /// <summary>The judged query.</summary>
    public required JudgedQuery Query { get; init; }

    /// <summary>The ranking, truncated to the depth, repeats and excluded ids removed.</summary>
    public required IReadOnlyList<string> Ranking { get; init; }

    /// <summary>Time of the ranking call.</summary>
    public required double LatencyMs { get; init; }

    /// <summary>Candidate pool size at query time.</summary>
    public required int PoolSize { get; init; }
}

/// <summary>Everything one task run produced, before statistics.</summary>
public sealed record TaskRun
{
    /// <summary>The plan.</summary>
    public required EvaluationPlan Plan { get; init; }

    /// <summary>Per ranker name, its origin and outcomes in query order.</summary>
    public required IReadOnlyList<(string Name, RankerOrigin Origin, IReadOnlyList<QueryOutcome> Outcomes)> Rankers { get; init; }
}
