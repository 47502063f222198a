using System.Diagnostics;

namespace SocialLearning.Evaluation;

/// <summary>Progress of a run: which task, how many queries are done.</summary>
public sealed record EvaluationProgress(EvaluationTask Task, int Done, int Total);

/// <summary>
/// Runs rankers over a plan: replays events in time order, and at each query's time asks every ranker (nothing at or
/// after the query time has been replayed). The query's own post and the asker are removed from rankings.
/// </summary>
public static class EvaluationRunner
{
    /// <summary>Runs one task.</summary>
    public static async Task<TaskRun> RunAsync(EvaluationPlan plan, IReadOnlyList<IEvaluationRanker> rankers, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rankers);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ranker in rankers)
        {
            if (ranker.Task != plan.Task)
            {
                throw new ArgumentException($"rankers: '{ranker.Name}' ranks for {ranker.Task}, not {plan.Task}.", nameof(rankers));
            }

            if (!names.Add(ranker.Name))
            {
                throw new ArgumentException($"rankers: the name '{ranker.Name}' is used twice.", nameof(rankers));
            }
        }

        var history = new ReplayHistory();
        var outcomes = rankers.Select(_ => new List<QueryOutcome>(plan.Queries.Count)).ToArray();
        var next = 0;
        var done = 0;
        foreach (var judged in plan.Queries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var query = judged.Query;
            while (next < plan.Events.Count && plan.Events[next].At < query.At)
            {
                var e = plan.Events[next++];
                history.Apply(e);
                foreach (var ranker in rankers)
                {
                    await ranker.ObserveAsync(e, cancellationToken).ConfigureAwait(false);
                }
            }

            var pool = plan.Task switch
            {
                EvaluationTask.Related => history.Questions.Count,
                EvaluationTask.Routing => history.Users.Count - (query.AskerId is not null && history.HasUser(query.AskerId) ? 1 : 0),
                _ => history.QuestionsByTag.Count,
            };

            for (var r = 0; r < rankers.Count; r++)
            {
                await rankers[r].PrepareAsync(query, cancellationToken).ConfigureAwait(false);
                var start = Stopwatch.GetTimestamp();
                var ranking = await rankers[r].RankAsync(query, history, cancellationToken).ConfigureAwait(false);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                outcomes[r].Add(new QueryOutcome { Query = judged, Ranking = Clean(ranking, query), LatencyMs = elapsed, PoolSize = pool });
            }

            progress?.Report(new EvaluationProgress(plan.Task, ++done, plan.Queries.Count));
        }

        return new TaskRun
        {
            Plan = plan,
            Rankers = [.. rankers.Select((r, i) => (r.Name, r.Origin, (IReadOnlyList<QueryOutcome>)outcomes[i]))],
        };
    }

    private static List<string> Clean(IReadOnlyList<string>? ranking, EvaluationQuery query)
    {
        var result = new List<string>(Math.Min(query.Depth, ranking?.Count ?? 0));
        if (ranking is null)
        {
            return result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ranking)
        {
            if (result.Count >= query.Depth)
            {
                break;
            }

            if (string.IsNullOrEmpty(id) || !seen.Add(id))
            {
                continue;
            }

            if ((query.Task == EvaluationTask.Related && string.Equals(id, query.PostId, StringComparison.Ordinal))
                || (query.Task == EvaluationTask.Routing && string.Equals(id, query.AskerId, StringComparison.Ordinal)))
            {
                continue;
            }

            result.Add(id);
        }

        return result;
    }
}
