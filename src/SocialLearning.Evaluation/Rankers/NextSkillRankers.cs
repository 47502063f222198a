namespace SocialLearning.Evaluation;

/// <summary>
/// Next-skill ranker shipped with the evaluation package (not an SDK built-in): three views of the tags, fused by
/// reciprocal rank (or, with <c>fuseByRank: false</c>, summed as equal-weight probability distributions), so no
/// weight is fitted: the learner's own (time-decayed) answer tags, one step of a random walk from those tags over
/// the tag co-occurrence graph, and global tag popularity by answers.
/// </summary>
public sealed class MixtureNextSkillRanker(string name = "eval-next-skill-rrf", double halfLifeDays = 30, bool fuseByRank = true) : EvaluationRanker(name, EvaluationTask.NextSkill, RankerOrigin.Evaluation)
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(history);
        var own = new Dictionary<string, double>(StringComparer.Ordinal);
        if (query.LearnerId is { } learner && history.AnswersByUser.TryGetValue(learner, out var answers))
        {
            foreach (var answer in answers)
            {
                var weight = Math.Pow(0.5, (query.At - answer.CreatedAt).TotalDays / halfLifeDays);
                foreach (var tag in answer.Tags)
                {
                    own[tag] = own.GetValueOrDefault(tag) + weight;
                }
            }
        }

        Normalise(own);
        var walk = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (tag, p) in own)
        {
            var neighbours = history.CooccurringTags(tag);
            var total = 0.0;
            foreach (var count in neighbours.Values)
            {
                total += count;
            }

            foreach (var (other, count) in neighbours)
            {
                walk[other] = walk.GetValueOrDefault(other) + (p * count / total);
            }
        }

        Normalise(walk);
        var popularity = history.AnswersByTag.ToDictionary(kv => kv.Key, kv => (double)kv.Value, StringComparer.Ordinal);
        foreach (var tag in history.QuestionsByTag.Keys)
        {
            popularity.TryAdd(tag, 0);
        }

        Normalise(popularity);
        if (fuseByRank)
        {
            return Fusion.Reciprocal([Ranked.Top(own, 1000), Ranked.Top(walk, 1000), Ranked.Top(popularity, 1000)], query.Depth);
        }

        var scores = new Dictionary<string, double>(popularity, StringComparer.Ordinal);
        foreach (var (tag, p) in own)
        {
            scores[tag] = scores.GetValueOrDefault(tag) + p;
        }

        foreach (var (tag, p) in walk)
        {
            scores[tag] = scores.GetValueOrDefault(tag) + p;
        }

        return Ranked.Top(scores, query.Depth);
    }

    private static void Normalise(Dictionary<string, double> distribution)
    {
        var total = distribution.Values.Sum();
        if (total <= 0)
        {
            return;
        }

        foreach (var key in distribution.Keys.ToList())
        {
            distribution[key] /= total;
        }
    }
}
