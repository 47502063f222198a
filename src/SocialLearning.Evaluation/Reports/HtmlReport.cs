using System.Globalization;
using System.Net;
using System.Text;

namespace SocialLearning.Evaluation;

/// <summary>
/// Renders a report as one self-contained HTML page (no scripts, no external assets): per task, split and variant a
/// table of every metric with its 95% interval and the paired test, a bar chart of the primary metric with interval
/// whiskers, and a latency distribution (p50–p95 box with p99 whisker on a log scale).
/// </summary>
public static class HtmlReport
{
    /// <summary>Renders the report.</summary>
    public static string Render(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>SocialLearning evaluation: ").Append(E(report.Dataset)).Append("</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1rem}")
          .Append("td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}")
          .Append(".SdkBuiltIn{background:#eef6ff}.Evaluation{background:#f3fbef}.Host{background:#fff8e6}.ci{color:#777;font-size:.75rem}")
          .Append("h2{margin-top:2.5rem;border-bottom:1px solid #ddd}svg{display:block;margin:.5rem 0}.note{color:#555}</style></head><body>");
        sb.Append("<h1>Ranking evaluation: ").Append(E(report.Dataset)).Append("</h1>");
        sb.Append("<p class=\"note\">Temporal split (validation ").Append(F(report.Options.ValidationFraction)).Append(", test ").Append(F(report.Options.TestFraction))
          .Append(" of questions by time); every feature as of the query time; full candidate pool; depth ").Append(report.Options.Depth)
          .Append("; 95% bootstrap intervals (").Append(report.Options.BootstrapResamples).Append(" resamples) and a paired randomisation test (")
          .Append(report.Options.PermutationIterations).Append(" sign flips) against the best baseline; seed ").Append(report.Options.Seed).Append(".</p><ul>");
        foreach (var note in report.Notes)
        {
            sb.Append("<li class=\"note\">").Append(E(note)).Append("</li>");
        }

        sb.Append("</ul><p>Row colours: <span class=\"SdkBuiltIn\">SDK built-in</span>, <span class=\"Evaluation\">evaluation package (not an SDK built-in)</span>, <span class=\"Host\">host</span>, white = baseline.</p>");
        foreach (var task in report.Tasks)
        {
            sb.Append("<h2>").Append(E(task.Task)).Append(" — ").Append(E(task.Variant)).Append(" — ").Append(E(task.Split)).Append("</h2>");
            sb.Append("<p>").Append(task.QueryCount).Append(" queries; mean candidate pool ").Append(task.PoolSize.ToString("0", CultureInfo.InvariantCulture))
              .Append("; ").Append(F(task.RelevantPerQuery)).Append(" relevant per query; best baseline <b>").Append(E(task.BestBaseline ?? "none")).Append("</b> on ").Append(E(task.PrimaryMetric)).Append(".</p>");
            Table(sb, task);
            Bars(sb, task);
            Latency(sb, task);
        }

        sb.Append("</body></html>");
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, TaskReport task)
    {
        sb.Append("<table><tr><th>ranker</th><th>origin</th>");
        foreach (var metric in RankingMetrics.Names)
        {
            sb.Append("<th>").Append(E(metric)).Append("</th>");
        }

        sb.Append("<th>coverage</th><th>catalog@10</th><th>Δ").Append(E(task.PrimaryMetric)).Append(" vs best baseline [95%]</th><th>p</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr>");
        foreach (var r in task.Rankers)
        {
            sb.Append("<tr class=\"").Append(E(r.Origin)).Append("\"><td>").Append(E(r.Name)).Append("</td><td>").Append(E(r.Origin)).Append("</td>");
            foreach (var metric in RankingMetrics.Names.Append("coverage"))
            {
                var m = r.Metrics[metric];
                sb.Append("<td>").Append(F(m.Mean)).Append(" <span class=\"ci\">[").Append(F(m.Low)).Append(", ").Append(F(m.High)).Append("]</span></td>");
            }

            sb.Append("<td>").Append(F(r.CatalogCoverageAt10)).Append("</td>");
            if (r.VersusBestBaseline is { } c)
            {
                sb.Append("<td>").Append(Signed.Difference(c.Difference))
                  .Append(c.RelativeDifference is { } rel ? " (" + Signed.Percent(rel) + ")" : string.Empty)
                  .Append(" <span class=\"ci\">[").Append(F(c.DifferenceLow)).Append(", ").Append(F(c.DifferenceHigh)).Append("]</span></td><td>").Append(F(c.PValue)).Append("</td>");
            }
            else
            {
                sb.Append("<td>—</td><td>—</td>");
            }

            sb.Append("<td>").Append(F(r.Latency.P50Ms)).Append("</td><td>").Append(F(r.Latency.P95Ms)).Append("</td><td>").Append(F(r.Latency.P99Ms)).Append("</td></tr>");
        }

        sb.Append("</table>");
    }

    private static void Bars(StringBuilder sb, TaskReport task)
    {
        const int rowHeight = 18;
        const int left = 230;
        const int width = 420;
        var height = (task.Rankers.Count * rowHeight) + 30;
        sb.Append("<svg role=\"img\" aria-label=\"").Append(E(task.PrimaryMetric)).Append(" with 95% intervals\" width=\"").Append(left + width + 60).Append("\" height=\"").Append(height).Append("\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
        sb.Append("<text x=\"").Append(left).Append("\" y=\"12\">").Append(E(task.PrimaryMetric)).Append(" (mean, 95% interval)</text>");
        for (var i = 0; i < task.Rankers.Count; i++)
        {
            var r = task.Rankers[i];
            var m = r.Metrics[task.PrimaryMetric];
            var y = 20 + (i * rowHeight);
            var colour = r.Origin switch { "SdkBuiltIn" => "#4a8fe0", "Evaluation" => "#5aa55a", "Host" => "#e0a030", _ => "#999" };
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 12}\" text-anchor=\"end\">{E(r.Name)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y + 2}\" width=\"{m.Mean * width:0.0}\" height=\"{rowHeight - 5}\" fill=\"{colour}\"/>");
            var lowX = left + (m.Low * width);
            var highX = left + (m.High * width);
            var midY = y + (rowHeight / 2.0);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{lowX:0.0}\" x2=\"{highX:0.0}\" y1=\"{midY:0.0}\" y2=\"{midY:0.0}\" stroke=\"#222\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{lowX:0.0}\" x2=\"{lowX:0.0}\" y1=\"{midY - 4:0.0}\" y2=\"{midY + 4:0.0}\" stroke=\"#222\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{highX:0.0}\" x2=\"{highX:0.0}\" y1=\"{midY - 4:0.0}\" y2=\"{midY + 4:0.0}\" stroke=\"#222\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{highX + 4:0.0}\" y=\"{y + 12}\">{m.Mean:0.000}</text>");
        }

        sb.Append("</svg>");
    }

    private static void Latency(StringBuilder sb, TaskReport task)
    {
        const int rowHeight = 18;
        const int left = 230;
        const int width = 420;
        var max = Math.Max(1.0, task.Rankers.Max(r => r.Latency.SamplesMs.Count == 0 ? r.Latency.P99Ms : r.Latency.SamplesMs.Max()));
        var min = 0.001;
        double X(double ms) => left + (width * Math.Log10(Math.Max(ms, min) / min) / Math.Log10(max / min));
        var height = (task.Rankers.Count * rowHeight) + 40;
        sb.Append("<svg role=\"img\" aria-label=\"latency distribution\" width=\"").Append(left + width + 80).Append("\" height=\"").Append(height).Append("\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
        sb.Append("<text x=\"").Append(left).Append("\" y=\"12\">latency per query, ms, log scale (dots: every query; box p50–p95; whisker to p99)</text>");
        for (var i = 0; i < task.Rankers.Count; i++)
        {
            var r = task.Rankers[i];
            var y = 20 + (i * rowHeight);
            var midY = y + (rowHeight / 2.0);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 12}\" text-anchor=\"end\">{E(r.Name)}</text>");
            foreach (var sample in r.Latency.SamplesMs)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(sample):0.0}\" cy=\"{midY:0.0}\" r=\"1.5\" fill=\"#bbb\"/>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(r.Latency.P50Ms):0.0}\" y=\"{y + 4}\" width=\"{Math.Max(1, X(r.Latency.P95Ms) - X(r.Latency.P50Ms)):0.0}\" height=\"{rowHeight - 8}\" fill=\"none\" stroke=\"#333\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(r.Latency.P95Ms):0.0}\" x2=\"{X(r.Latency.P99Ms):0.0}\" y1=\"{midY:0.0}\" y2=\"{midY:0.0}\" stroke=\"#333\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(max) + 4:0.0}\" y=\"{y + 12}\">p50 {r.Latency.P50Ms:0.00}</text>");
        }

        var axisY = 20 + (task.Rankers.Count * rowHeight) + 12;
        for (var tick = min; tick <= max * 1.0001; tick *= 10)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(tick):0.0}\" y=\"{axisY}\" text-anchor=\"middle\">{tick:0.###}</text>");
        }

        sb.Append("</svg>");
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
