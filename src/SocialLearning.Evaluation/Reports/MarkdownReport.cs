using System.Globalization;
using System.Text;

namespace SocialLearning.Evaluation;

/// <summary>Renders a report as Markdown tables (for docs and pull requests).</summary>
public static class MarkdownReport
{
    /// <summary>Renders the tables of one split (<c>test</c> or <c>validation</c>).</summary>
    public static string Render(EvaluationReport report, string split = "test")
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        foreach (var task in report.Tasks.Where(t => t.Split == split))
        {
            sb.Append(CultureInfo.InvariantCulture, $"#### {task.Task} — {task.Variant} — {task.Split}: {task.QueryCount} queries, mean pool {task.PoolSize:0}, best baseline `{task.BestBaseline}`\n\n");
            sb.Append("| ranker | origin |");
            foreach (var metric in RankingMetrics.Names)
            {
                sb.Append(' ').Append(metric).Append(" |");
            }

            sb.Append(CultureInfo.InvariantCulture, $" coverage | Δ{task.PrimaryMetric} vs best baseline [95%] | p | p50 / p95 / p99 ms |\n|---|---|");
            sb.Append(string.Concat(Enumerable.Repeat("---:|", RankingMetrics.Names.Count + 4))).Append('\n');
            foreach (var r in task.Rankers)
            {
                sb.Append("| ").Append(r.Name).Append(" | ").Append(r.Origin).Append(" |");
                foreach (var metric in RankingMetrics.Names)
                {
                    var m = r.Metrics[metric];
                    sb.Append(CultureInfo.InvariantCulture, $" {m.Mean:0.000} [{m.Low:0.000}, {m.High:0.000}] |");
                }

                sb.Append(CultureInfo.InvariantCulture, $" {r.Metrics["coverage"].Mean:0.00} |");
                if (r.VersusBestBaseline is { } c)
                {
                    var rel = c.RelativeDifference is { } x ? " (" + Signed.Percent(x) + ")" : string.Empty;
                    sb.Append(CultureInfo.InvariantCulture, $" {Signed.Difference(c.Difference)}{rel} [{Signed.Difference(c.DifferenceLow)}, {Signed.Difference(c.DifferenceHigh)}] | {c.PValue:0.000} |");
                }
                else
                {
                    sb.Append(" — | — |");
                }

                sb.Append(CultureInfo.InvariantCulture, $" {r.Latency.P50Ms:0.00} / {r.Latency.P95Ms:0.00} / {r.Latency.P99Ms:0.00} |\n");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }
}
