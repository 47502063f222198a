namespace SocialLearning.Evaluation;

/// <summary>Turns raw task runs into per-split, per-variant reports with intervals and paired tests.</summary>
public static class ReportBuilder
{
    /// <summary>Task names as reports spell them.</summary>
    public static string TaskName(EvaluationTask task) => task switch
    {
        EvaluationTask.Related => "related",
        EvaluationTask.Routing => "routing",
        EvaluationTask.NextSkill => "next-skill",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task."),
    };

    /// <summary>Parses a task name (<c>related</c>, <c>routing</c>, <c>next-skill</c>).</summary>
    public static EvaluationTask ParseTask(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "related" => EvaluationTask.Related,
        "routing" => EvaluationTask.Routing,
        "next-skill" or "nextskill" => EvaluationTask.NextSkill,
        _ => throw new ArgumentException($"Unknown task '{name}'; expected related, routing or next-skill.", nameof(name)),
    };

    /// <summary>Builds the reports of one run.</summary>
    public static IReadOnlyList<TaskReport> Build(TaskRun run, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        var reports = new List<TaskReport>();
        foreach (var split in new[] { EvaluationSplit.Test, EvaluationSplit.Validation })
        {
            foreach (var variant in run.Plan.Variants)
            {
                var report = BuildOne(run, options, split, variant);
                if (report is not null)
                {
                    reports.Add(report);
                }
            }
        }

        return reports;
    }

    /// <summary>Per-query metric values of one ranker, one array per metric name (plus <c>coverage</c>).</summary>
    public static Dictionary<string, double[]> PerQuery(IReadOnlyList<QueryOutcome> outcomes, string variant)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var names = RankingMetrics.Names;
        var values = names.ToDictionary(n => n, _ => new double[outcomes.Count], StringComparer.Ordinal);
        values["coverage"] = new double[outcomes.Count];
        for (var i = 0; i < outcomes.Count; i++)
        {
            var computed = RankingMetrics.Compute(outcomes[i].Ranking, outcomes[i].Query.Relevant[variant]);
            for (var m = 0; m < names.Count; m++)
            {
                values[names[m]][i] = computed[m];
            }

            values["coverage"][i] = outcomes[i].Ranking.Count > 0 ? 1 : 0;
        }

        return values;
    }

    private static TaskReport? BuildOne(TaskRun run, EvaluationOptions options, EvaluationSplit split, string variant)
    {
        var primary = run.Plan.PrimaryMetric;
        var selected = run.Rankers
            .Select(r => (r.Name, r.Origin, Outcomes: (IReadOnlyList<QueryOutcome>)[.. r.Outcomes.Where(o => o.Query.Split == split && o.Query.Relevant.ContainsKey(variant))]))
            .ToList();
        var count = selected.Count == 0 ? 0 : selected[0].Outcomes.Count;
        if (count == 0)
        {
            return null;
        }

        var samples = Statistics.BootstrapSamples(count, options.BootstrapResamples, options.Seed);
        var perQuery = selected.ToDictionary(r => r.Name, r => PerQuery(r.Outcomes, variant), StringComparer.Ordinal);
        var means = selected.ToDictionary(r => r.Name, r => Statistics.Mean(perQuery[r.Name][primary]), StringComparer.Ordinal);
        var best = selected.Where(r => r.Origin == RankerOrigin.Baseline).OrderByDescending(r => means[r.Name]).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Name).FirstOrDefault();
        var poolSize = selected[0].Outcomes.Average(o => (double)o.PoolSize);

        var rankers = new List<RankerReport>();
        foreach (var (name, origin, outcomes) in selected)
        {
            var metrics = new Dictionary<string, MetricEstimate>(StringComparer.Ordinal);
            foreach (var (metric, values) in perQuery[name])
            {
                metrics[metric] = Statistics.BootstrapMean(values, samples);
            }

            PairedComparison? comparison = null;
            if (best is not null && !string.Equals(best, name, StringComparison.Ordinal))
            {
                var a = perQuery[name][primary];
                var b = perQuery[best][primary];
                var diff = a.Zip(b, (x, y) => x - y).ToArray();
                var interval = Statistics.BootstrapMean(diff, samples);
                comparison = new PairedComparison
                {
                    Against = best,
                    Metric = primary,
                    Difference = interval.Mean,
                    RelativeDifference = means[best] > 0 ? interval.Mean / means[best] : null,
                    DifferenceLow = interval.Low,
                    DifferenceHigh = interval.High,
                    PValue = Statistics.PairedRandomizationTest(a, b, options.PermutationIterations, options.Seed),
                };
            }

            var distinctTop10 = outcomes.SelectMany(o => o.Ranking.Take(10)).Distinct(StringComparer.Ordinal).Count();
            rankers.Add(new RankerReport
            {
                Name = name,
                Origin = origin.ToString(),
                Metrics = metrics,
                CatalogCoverageAt10 = poolSize > 0 ? distinctTop10 / poolSize : 0,
                VersusBestBaseline = comparison,
                Latency = Summarise(outcomes.Select(o => o.LatencyMs).ToList()),
            });
        }

        return new TaskReport
        {
            Task = TaskName(run.Plan.Task),
            Variant = variant,
            Split = split == EvaluationSplit.Test ? "test" : "validation",
            QueryCount = count,
            PoolSize = poolSize,
            RelevantPerQuery = selected[0].Outcomes.Average(o => (double)o.Query.Relevant[variant].Count),
            PrimaryMetric = primary,
            BestBaseline = best,
            Rankers = [.. rankers.OrderByDescending(r => r.Metrics[primary].Mean).ThenBy(r => r.Name, StringComparer.Ordinal)],
        };
    }

    /// <summary>Latency percentiles of measurements in milliseconds.</summary>
    public static LatencySummary Summarise(IReadOnlyList<double> samplesMs)
    {
        ArgumentNullException.ThrowIfNull(samplesMs);
        var sorted = samplesMs.Order().ToArray();
        return new LatencySummary
        {
            Count = sorted.Length,
            P50Ms = Statistics.Percentile(sorted, 0.50),
            P95Ms = Statistics.Percentile(sorted, 0.95),
            P99Ms = Statistics.Percentile(sorted, 0.99),
            MeanMs = sorted.Length == 0 ? 0 : sorted.Average(),
            SamplesMs = samplesMs,
        };
    }
}
