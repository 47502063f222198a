// Writing a custom ranker and comparing it with the SDK's built-ins and the baselines, end to end.
//
//   dotnet run --project samples/SocialLearning.Samples.CustomRanker -c Release -- /work/shared/datasets/stackexchange-quantumcomputing
//
// The same code runs on any StackExchange dump folder, or on a host data JSON file (see docs/evaluation.md).
using System.Globalization;
using SocialLearning.Evaluation;

var dataset = args.Length > 0 ? args[0] : FindDataset();
var corpus = Directory.Exists(dataset) ? StackExchangeImporter.Load(dataset) : HostDataFormat.Read(dataset);
Console.WriteLine($"{corpus.Name}: {corpus.Posts.Count} posts");

// Every ranker the harness knows for the routing task (baselines, SDK built-ins, evaluation rankers), plus ours.
RankerFactory rankers = (task, c) => [.. StandardRankers.Create(task, c), new RecentTagAnswerersRanker()];
var outcome = await Evaluator.EvaluateAsync(corpus, [EvaluationTask.Routing], rankers);

foreach (var report in outcome.Report.Tasks.Where(t => t.Split == "test"))
{
    Console.WriteLine($"\n{report.Task} ({report.Variant}): {report.QueryCount} test queries, best baseline {report.BestBaseline}");
    foreach (var r in report.Rankers)
    {
        var mrr = r.Metrics["MRR"];
        var versus = r.VersusBestBaseline is { } c ? string.Create(CultureInfo.InvariantCulture, $"Δ {c.Difference:+0.000;-0.000}, p = {c.PValue:0.000}") : "(best baseline)";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Name,-32} {r.Origin,-11} MRR {mrr.Mean:0.000} [{mrr.Low:0.000}, {mrr.High:0.000}]  {versus}"));
    }
}

var html = Path.Combine(Path.GetTempPath(), "custom-ranker-report.html");
File.WriteAllText(html, HtmlReport.Render(outcome.Report));
Console.WriteLine($"\nHTML report: {html}");

static string FindDataset()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "shared", "datasets", "stackexchange-quantumcomputing");
        if (Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new DirectoryNotFoundException("Pass a StackExchange dump folder (or host data JSON file) as the first argument.");
}

/// <summary>
/// A host's own routing idea: people who answered the question's tags in the last 60 days, most answers first.
/// It only reads <see cref="ReplayHistory"/>, which holds nothing from after the question was asked.
/// </summary>
internal sealed class RecentTagAnswerersRanker() : EvaluationRanker("my-recent-tag-answerers", EvaluationTask.Routing)
{
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        var since = query.At.AddDays(-60);
        var scores = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (user, answers) in history.AnswersByUser)
        {
            var recent = answers.Count(a => a.CreatedAt >= since && a.Tags.Any(query.Tags.Contains));
            if (recent > 0)
            {
                scores[user] = recent;
            }
        }

        return [.. scores.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(query.Depth).Select(kv => kv.Key)];
    }
}
