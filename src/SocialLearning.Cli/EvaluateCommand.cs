using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using SocialLearning.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SocialLearning.Cli;

internal sealed class EvaluateCommand : AsyncCommand<EvaluateCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--dataset <PATH>")]
        [Description("A StackExchange dump folder (Posts.xml, ...) or a host data JSON file.")]
        public string Dataset { get; init; } = string.Empty;

        [CommandOption("--task <TASK>")]
        [Description("related, routing, next-skill or all (default all).")]
        public string Task { get; init; } = "all";

        [CommandOption("--rankers <NAMES>")]
        [Description("Comma-separated ranker names to run (default: every baseline, SDK built-in and evaluation ranker).")]
        public string? Rankers { get; init; }

        [CommandOption("--json <FILE>")]
        [Description("Write the report as JSON.")]
        public string? Json { get; init; }

        [CommandOption("--html <FILE>")]
        [Description("Write a self-contained HTML report with charts.")]
        public string? Html { get; init; }

        [CommandOption("--trec <DIR>")]
        [Description("Write TREC run and qrels files into this folder.")]
        public string? Trec { get; init; }

        [CommandOption("--split <SPLIT>")]
        [Description("Which split the console tables show: test (default) or validation. Files always hold both.")]
        public string Split { get; init; } = "test";

        [CommandOption("--max-queries <N>")]
        [Description("At most N queries of each split, evenly spaced in time when a split has more; 'all' for every query. Default 500.")]
        public string MaxQueries { get; init; } = EvaluationOptions.DefaultMaxQueriesPerSplit.ToString(CultureInfo.InvariantCulture);

        /// <summary>--max-queries as a number, or null for 'all'.</summary>
        public int? MaxQueriesPerSplit => MaxQueries == "all" ? null : int.Parse(MaxQueries, NumberStyles.None, CultureInfo.InvariantCulture);

        [CommandOption("--seed <N>")]
        [Description("Seed for the bootstrap, the randomisation test and the random baseline.")]
        public int Seed { get; init; } = Statistics.DefaultSeed;

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Dataset))
            {
                return ValidationResult.Error("--dataset is required: a StackExchange dump folder or a host data JSON file.");
            }

            if (Split is not ("test" or "validation"))
            {
                return ValidationResult.Error("--split must be test or validation.");
            }

            if (MaxQueries != "all" && (!int.TryParse(MaxQueries, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1))
            {
                return ValidationResult.Error($"--max-queries must be a number of 1 or more, or 'all'; it was '{MaxQueries}'.");
            }

            return ValidationResult.Success();
        }
    }

    /// <summary>
    /// The names in <c>--rankers</c> that no selected task knows, printed with the names each task knows. The rankers
    /// are only constructed to read their names (nothing is replayed), then disposed.
    /// </summary>
    private static List<string> UnknownRankers(HashSet<string> selected, IReadOnlyList<EvaluationTask> tasks, EvaluationCorpus corpus, int seed)
    {
        var byTask = new List<(EvaluationTask Task, List<string> Names)>();
        foreach (var task in tasks)
        {
            var names = new List<string>();
            foreach (var ranker in StandardRankers.Create(task, corpus, seed))
            {
                names.Add(ranker.Name);
                (ranker as IDisposable)?.Dispose();
            }

            byTask.Add((task, names));
        }

        var unknown = selected.Where(s => !byTask.Any(t => t.Names.Contains(s, StringComparer.OrdinalIgnoreCase))).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]--rankers: unknown ranker name(s) {string.Join(", ", unknown)}; nothing was run.[/]");
            foreach (var (task, names) in byTask)
            {
                AnsiConsole.MarkupLineInterpolated($"  {ReportBuilder.TaskName(task)}: {string.Join(", ", names.Order(StringComparer.Ordinal))}");
            }
        }

        return unknown;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<EvaluationTask> tasks;
        try
        {
            tasks = string.Equals(settings.Task, "all", StringComparison.OrdinalIgnoreCase)
                ? [EvaluationTask.Related, EvaluationTask.Routing, EvaluationTask.NextSkill]
                : [.. settings.Task.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ReportBuilder.ParseTask)];
        }
        catch (ArgumentException ex)
        {
            // The message without ArgumentException's " (Parameter 'name')" suffix: the option is named here.
            var message = ex.ParamName is { } param ? ex.Message.Replace($" (Parameter '{param}')", string.Empty, StringComparison.Ordinal) : ex.Message;
            AnsiConsole.MarkupLineInterpolated($"[red]--task: {message.Trim()}[/]");
            return 2;
        }

        // Output folders first: a path that cannot be written must fail now, not after the whole evaluation.
        foreach (var (option, folder) in new[]
        {
            ("--json", settings.Json is { } j ? OutputFolder.Of(j) : null),
            ("--html", settings.Html is { } h ? OutputFolder.Of(h) : null),
            ("--trec", settings.Trec is { } t ? Path.GetFullPath(t) : null),
        })
        {
            if (folder is null)
            {
                continue;
            }

            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{option}: cannot create the folder '{folder}': {ex.Message}[/]");
                return 2;
            }
        }

        var selected = settings.Rankers?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var options = new EvaluationOptions { Seed = settings.Seed, MaxQueriesPerSplit = settings.MaxQueriesPerSplit };
        var interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        if (!interactive)
        {
            AnsiConsole.Profile.Width = 240;
        }

        EvaluationCorpus corpus;
        try
        {
            corpus = DatasetLoader.Load(settings.Dataset, new Progress<string>(file => { if (!interactive) { Console.WriteLine($"reading {file}"); } }));
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or System.Xml.XmlException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Cannot read the dataset: {ex.Message}[/]");
            return 2;
        }

        Console.WriteLine($"dataset {corpus.Name}: {corpus.Posts.Count} posts, {corpus.Users.Count} users, {corpus.Votes.Count} votes, {corpus.Links.Count} links");
        if (selected is not null && UnknownRankers(selected, tasks, corpus, options.Seed).Count > 0)
        {
            // Before any query runs: a misspelt name must not cost a whole evaluation that leaves its ranker out.
            return 2;
        }

        RankerFactory factory = (task, c) =>
        {
            var all = StandardRankers.Create(task, c, options.Seed).ToList();
            if (selected is null)
            {
                return all;
            }

            var chosen = all.Where(r => selected.Contains(r.Name)).ToList();
            foreach (var r in all.Except(chosen))
            {
                (r as IDisposable)?.Dispose();
            }

            return chosen;
        };

        EvaluationOutcome outcome;
        if (interactive)
        {
            outcome = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var bars = tasks.ToDictionary(t => t, t => ctx.AddTask(ReportBuilder.TaskName(t), autoStart: true, maxValue: 1));
                    var progress = new SynchronousProgress<EvaluationProgress>(p =>
                    {
                        bars[p.Task].MaxValue = p.Total;
                        bars[p.Task].Value = p.Done;
                    });
                    return await Evaluator.EvaluateAsync(corpus, tasks, factory, options, progress, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        else
        {
            var progress = new SynchronousProgress<EvaluationProgress>(p =>
            {
                if (p.Done == p.Total || p.Done % 50 == 0)
                {
                    Console.WriteLine($"{ReportBuilder.TaskName(p.Task)}: {p.Done}/{p.Total} queries");
                }
            });
            outcome = await Evaluator.EvaluateAsync(corpus, tasks, factory, options, progress, cancellationToken).ConfigureAwait(false);
        }

        foreach (var note in outcome.Report.Notes)
        {
            Console.WriteLine($"note: {note}");
        }

        ConsoleReport.Write(outcome.Report, settings.Split);
        if (settings.Json is { } json)
        {
            using (var stream = File.Create(json))
            {
                JsonSerializer.Serialize(stream, outcome.Report, EvaluationJsonContext.Default.EvaluationReport);
            }

            Console.WriteLine($"wrote {json}");
        }

        if (settings.Html is { } html)
        {
            await File.WriteAllTextAsync(html, HtmlReport.Render(outcome.Report), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"wrote {html}");
        }

        if (settings.Trec is { } trec)
        {
            Evaluator.WriteTrecFiles(outcome.Runs, trec);
            Console.WriteLine($"wrote TREC run and qrels files to {trec}");
        }

        return 0;
    }
}

internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

internal static class ConsoleReport
{
    public static void Write(EvaluationReport report, string split)
    {
        foreach (var task in report.Tasks.Where(t => t.Split == split))
        {
            var table = new Table().Title(Markup.Escape($"{task.Task} ({task.Variant}, {task.Split}): {task.QueryCount} queries, mean pool {task.PoolSize:0}, best baseline {task.BestBaseline}"));
            table.AddColumn("ranker");
            table.AddColumn("origin");
            foreach (var metric in RankingMetrics.Names)
            {
                table.AddColumn(new TableColumn(metric).RightAligned());
            }

            table.AddColumn(new TableColumn($"Δ{task.PrimaryMetric} vs best (p)").RightAligned());
            table.AddColumn(new TableColumn("p50/p99 ms").RightAligned());
            foreach (var ranker in task.Rankers)
            {
                var cells = new List<string> { ranker.Name, ranker.Origin };
                foreach (var metric in RankingMetrics.Names)
                {
                    var m = ranker.Metrics[metric];
                    cells.Add(string.Create(CultureInfo.InvariantCulture, $"{m.Mean:0.000} [{m.Low:0.000},{m.High:0.000}]"));
                }

                cells.Add(ranker.VersusBestBaseline is { } c
                    ? string.Create(CultureInfo.InvariantCulture, $"{Signed.Difference(c.Difference)} ({(c.RelativeDifference is { } r ? Signed.Percent(r) : "n/a")}, p={c.PValue:0.000})")
                    : "—");
                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{ranker.Latency.P50Ms:0.00}/{ranker.Latency.P99Ms:0.00}"));
                table.AddRow(cells.Select(c => new Text(c)).ToArray());
            }

            AnsiConsole.Write(table);
        }
    }
}
