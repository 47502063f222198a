namespace SocialLearning.Evaluation;

/// <summary>Creates the rankers for a task; the harness calls it once per task so every ranker starts empty.</summary>
public delegate IEnumerable<IEvaluationRanker> RankerFactory(EvaluationTask task, EvaluationCorpus corpus);

/// <summary>The baselines of the protocol, per task.</summary>
public static class BaselineRankers
{
    /// <summary>
    /// Related: Lucene.NET BM25 (StandardAnalyzer and EnglishAnalyzer), SQLite FTS5 bm25(), popularity, random.
    /// Routing: most answers, tag profile, Lucene.NET BM25 and FTS5 over answers, random.
    /// Next-skill: tag popularity, tag co-occurrence, random.
    /// </summary>
    public static IEnumerable<IEvaluationRanker> Create(EvaluationTask task, EvaluationCorpus corpus, int seed = Statistics.DefaultSeed) => task switch
    {
        EvaluationTask.Related =>
        [
            new LuceneBm25Ranker(task), new LuceneBm25Ranker(task, english: true), new SqliteFts5Ranker(task),
            new PopularQuestionsRanker(), new RandomRanker(task, seed),
        ],
        EvaluationTask.Routing =>
        [
            new MostAnswersRanker(), new TagProfileRanker(), new LuceneBm25Ranker(task, english: true), new SqliteFts5Ranker(task),
            new RandomRanker(task, seed),
        ],
        EvaluationTask.NextSkill => [new TagPopularityRanker(), new TagCooccurrenceRanker(), new RandomRanker(task, seed)],
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task."),
    };
}

/// <summary>The outcome of <see cref="Evaluator.EvaluateAsync"/>: the report and the raw runs (for TREC files).</summary>
public sealed record EvaluationOutcome
{
    /// <summary>The report.</summary>
    public required EvaluationReport Report { get; init; }

    /// <summary>Raw runs per task.</summary>
    public required IReadOnlyList<TaskRun> Runs { get; init; }
}

/// <summary>Runs the whole protocol over one corpus: plan, replay, rank, measure, report.</summary>
public static class Evaluator
{
    /// <summary>Evaluates the rankers from <paramref name="rankers"/> on each task.</summary>
    public static async Task<EvaluationOutcome> EvaluateAsync(
        EvaluationCorpus corpus,
        IReadOnlyList<EvaluationTask> tasks,
        RankerFactory rankers,
        EvaluationOptions? options = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(rankers);
        options ??= new EvaluationOptions();
        options.Validate();
        var reports = new List<TaskReport>();
        var runs = new List<TaskRun>();
        var notes = new List<string>(corpus.Notes);
        foreach (var task in tasks)
        {
            var plan = EvaluationPlan.Create(corpus, task, options);
            notes.AddRange(EmptySplitNotes(plan));
            notes.AddRange(SampledSplitNotes(plan));
            var list = rankers(task, corpus).ToList();
            try
            {
                var run = await EvaluationRunner.RunAsync(plan, list, progress, cancellationToken).ConfigureAwait(false);
                runs.Add(run);
                reports.AddRange(ReportBuilder.Build(run, options));
            }
            finally
            {
                foreach (var ranker in list)
                {
                    switch (ranker)
                    {
                        case IAsyncDisposable asyncDisposable:
                            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                            break;
                        case IDisposable disposable:
                            disposable.Dispose();
                            break;
                        default:
                            break;
                    }
                }
            }
        }

        return new EvaluationOutcome
        {
            Report = new EvaluationReport { Dataset = corpus.Name, Options = options, Notes = notes, Tasks = reports },
            Runs = runs,
        };
    }

    /// <summary>A note for each split of the plan without queries, saying what the task needs from the data (so a missing table is explained, not silent).</summary>
    internal static IEnumerable<string> EmptySplitNotes(EvaluationPlan plan)
    {
        foreach (var split in new[] { EvaluationSplit.Validation, EvaluationSplit.Test })
        {
            if (plan.Queries.Any(q => q.Split == split))
            {
                continue;
            }

            var needs = plan.Task switch
            {
                EvaluationTask.Related => "a question of the period that links to an earlier question (PostLinks.xml)",
                EvaluationTask.Routing => "a question of the period answered by someone other than its asker",
                _ => "a person who answered before the period and answers in it",
            };
            var name = split == EvaluationSplit.Validation ? "validation" : "test";
            yield return $"{ReportBuilder.TaskName(plan.Task)}: no {name} queries, so no {name} table; the task needs {needs}.";
        }
    }

    /// <summary>A note for each split that <see cref="EvaluationOptions.MaxQueriesPerSplit"/> sampled.</summary>
    internal static IEnumerable<string> SampledSplitNotes(EvaluationPlan plan)
    {
        foreach (var split in new[] { EvaluationSplit.Validation, EvaluationSplit.Test })
        {
            var evaluated = plan.Queries.Count(q => q.Split == split);
            if (plan.QueriesFound[split] > evaluated)
            {
                var name = split == EvaluationSplit.Validation ? "validation" : "test";
                yield return FormattableString.Invariant(
                    $"{ReportBuilder.TaskName(plan.Task)}: {evaluated:N0} of the {plan.QueriesFound[split]:N0} {name} queries evaluated, evenly spaced in time (--max-queries; 'all' evaluates every one).");
            }
        }
    }

    /// <summary>Writes <c>{task}.{split}.{variant}.qrels</c> and <c>{task}.{split}.{ranker}.run</c> into a folder.</summary>
    public static void WriteTrecFiles(IReadOnlyList<TaskRun> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        foreach (var run in runs)
        {
            var task = ReportBuilder.TaskName(run.Plan.Task);
            foreach (var split in new[] { EvaluationSplit.Validation, EvaluationSplit.Test })
            {
                var splitName = split == EvaluationSplit.Test ? "test" : "validation";
                foreach (var variant in run.Plan.Variants)
                {
                    using var qrels = new StreamWriter(Path.Combine(directory, $"{task}.{splitName}.{variant}.qrels"));
                    TrecFiles.WriteQrels(qrels, run.Plan.Queries.Where(q => q.Split == split && q.Relevant.ContainsKey(variant)).Select(q => (q.Query.Id, q.Relevant[variant])));
                }

                foreach (var (name, _, outcomes) in run.Rankers)
                {
                    using var writer = new StreamWriter(Path.Combine(directory, $"{task}.{splitName}.{name}.run"));
                    TrecFiles.WriteRun(writer, name, outcomes.Where(o => o.Query.Split == split).Select(o => (o.Query.Query.Id, o.Ranking)));
                }
            }
        }
    }
}
