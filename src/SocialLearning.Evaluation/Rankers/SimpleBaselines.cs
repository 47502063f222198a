namespace SocialLearning.Evaluation;

/// <summary>Shared helpers for the history-based baselines.</summary>
internal static class Ranked
{
    /// <summary>Top <paramref name="depth"/> keys by score (descending), ties by key (ordinal), zero scores kept after positives.</summary>
    public static IReadOnlyList<string> Top(IEnumerable<KeyValuePair<string, double>> scores, int depth) =>
        [.. scores.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(depth).Select(kv => kv.Key)];
}

/// <summary>
/// Random order of the whole pool, seeded per query by a stable hash of the query id, so every run is the same.
/// Works for all tasks: earlier questions, known people, or known tags.
/// </summary>
public sealed class RandomRanker(EvaluationTask task, int seed = Statistics.DefaultSeed) : EvaluationRanker("random", task, RankerOrigin.Baseline)
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(history);
        IEnumerable<string> pool = Task switch
        {
            EvaluationTask.Related => history.Questions.Select(q => q.Id),
            EvaluationTask.Routing => history.Users,
            _ => history.QuestionsByTag.Keys,
        };
        return [.. pool.OrderBy(id => StableHash.Hash(query.Id + "\u001f" + id, seed)).ThenBy(id => id, StringComparer.Ordinal).Take(query.Depth)];
    }
}

/// <summary>Related baseline: the most up-voted earlier questions (votes visible so far), newer first on ties.</summary>
public sealed class PopularQuestionsRanker() : EvaluationRanker("popularity", EvaluationTask.Related, RankerOrigin.Baseline)
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(history);
        return [.. history.Questions
            .Select((q, i) => (q.Id, Score: history.UpVotes(q.Id) - history.DownVotes(q.Id), Order: i))
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Order).Take(query.Depth).Select(x => x.Id)];
    }
}

/// <summary>Routing baseline "most answers": people by answers written so far, then accepted answers.</summary>
public sealed class MostAnswersRanker() : EvaluationRanker("most-answers", EvaluationTask.Routing, RankerOrigin.Baseline)
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(history);
        return Ranked.Top(history.AnswersByUser.Keys.Select(u => new KeyValuePair<string, double>(u, history.AnswerCount(u) + (0.001 * history.AcceptedCount(u)))), query.Depth + 1);
    }
}

/// <summary>Routing baseline "tag profile": the sum of a person's answer counts in the question's tags (ties by total answers).</summary>
public sealed class TagProfileRanker() : EvaluationRanker("tag-profile", EvaluationTask.Routing, RankerOrigin.Baseline)
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(history);
        var scores = new List<KeyValuePair<string, double>>();
        foreach (var user in history.AnswersByUser.Keys)
        {
            var tags = history.AnswerTags(user);
            var sum = 0;
            foreach (var tag in query.Tags)
            {
                sum += tags.GetValueOrDefault(tag);
            }

            scores.Add(new(user, sum + (history.AnswerCount(user) * 1e-4)));
        }

        return Ranked.Top(scores, query.Depth + 1);
    }
}

/// <summary>Next-skill baseline: tags by how many questions carry them so far.</summary>
public sealed class TagPopularityRanker() : EvaluationRanker("tag-popularity", EvaluationTask.NextSkill, RankerOrigin.Baseline)
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(history);
        return Ranked.Top(history.QuestionsByTag.Select(kv => new KeyValuePair<string, double>(kv.Key, kv.Value)), query.Depth);
    }
}

/// <summary>
/// Next-skill baseline: tags that co-occur on questions with the tags the learner has answered, weighted by the
/// learner's answer count per tag; then the rest by popularity.
/// </summary>
public sealed class TagCooccurrenceRanker() : EvaluationRanker("tag-cooccurrence", EvaluationTask.NextSkill, RankerOrigin.Baseline)
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(history);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (tag, count) in history.AnswerTags(query.LearnerId ?? string.Empty))
        {
            foreach (var (other, together) in history.CooccurringTags(tag))
            {
                scores[other] = scores.GetValueOrDefault(other) + ((double)count * together);
            }
        }

        var maxPopularity = history.QuestionsByTag.Count == 0 ? 1 : history.QuestionsByTag.Values.Max() + 1.0;
        foreach (var (tag, popularity) in history.QuestionsByTag)
        {
            scores[tag] = scores.GetValueOrDefault(tag) + (popularity / maxPopularity * 1e-3);
        }

        return Ranked.Top(scores, query.Depth);
    }
}
