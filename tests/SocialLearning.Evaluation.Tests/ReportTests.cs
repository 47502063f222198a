using SocialLearning.Evaluation;

namespace SocialLearning.Evaluation.Tests;

/// <summary>The Markdown and HTML reports' signed differences: a tiny negative one must not come out as "-+0.000".</summary>
public sealed class ReportTests
{
    private static RankerReport Ranker(string name, PairedComparison? versus) => new()
    {
        Name = name,
        Origin = versus is null ? "Baseline" : "SdkBuiltIn",
        Metrics = RankingMetrics.Names.Append("coverage").ToDictionary(m => m, _ => new MetricEstimate { Mean = 0.5, Low = 0.4, High = 0.6 }),
        CatalogCoverageAt10 = 0.2,
        VersusBestBaseline = versus,
        Latency = new LatencySummary { Count = 1, P50Ms = 1, P95Ms = 1, P99Ms = 1, MeanMs = 1 },
    };

    private static PairedComparison Versus(double difference, double? relative, double low, double high) => new()
    {
        Against = "base",
        Metric = "MRR",
        Difference = difference,
        RelativeDifference = relative,
        DifferenceLow = low,
        DifferenceHigh = high,
        PValue = 0.5,
    };

    private static EvaluationReport Report() => new()
    {
        Dataset = "d",
        Options = new EvaluationOptions(),
        Tasks =
        [
            new TaskReport
            {
                Task = "related", Variant = "linked", Split = "test", QueryCount = 3, PoolSize = 10, RelevantPerQuery = 1, PrimaryMetric = "MRR", BestBaseline = "base",
                Rankers =
                [
                    Ranker("up", Versus(0.0371, 0.11, -0.0834, 0.158)),
                    Ranker("base", null),
                    Ranker("tied", Versus(-0.0002, -0.001, -0.063, 0.057)),
                    Ranker("down", Versus(-0.31, -0.91, -0.458, -0.0004)),
                ],
            },
        ],
    };

    [Fact]
    public void Markdown_signs_differences_and_prints_ones_that_round_to_zero_as_zero()
    {
        var markdown = MarkdownReport.Render(Report());

        Assert.Contains("| +0.037 (+11%) [-0.083, +0.158] | 0.500 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0.000 (0%) [-0.063, +0.057] | 0.500 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| -0.310 (-91%) [-0.458, 0.000] | 0.500 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("-+", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_signs_differences_and_prints_ones_that_round_to_zero_as_zero()
    {
        var html = HtmlReport.Render(Report());

        Assert.Contains("<td>+0.037 (+11%) <span", html, StringComparison.Ordinal);
        Assert.Contains("<td>0.000 (0%) <span", html, StringComparison.Ordinal);
        Assert.DoesNotContain("-+", html, StringComparison.Ordinal);
    }
}
