namespace SocialLearning.Evaluation;

/// <summary>How <see cref="DecayedTagRoutingRanker"/> weighs the question's tags.</summary>
public enum TagWeighting
{
    /// <summary>Every tag counts the same (the tag-profile baseline, decayed).</summary>
    Plain = 1,

    /// <summary>Rare tags count more: BM25-style idf over questions so far.</summary>
    Idf = 2,

    /// <summary>A person's share of the tag's (decayed) answers, summed over tags (a candidate model, Balog et al. 2006).</summary>
    Share = 3,
}

/// <summary>
/// Routing ranker shipped with the evaluation package (not an SDK built-in): the tag profile with every answer's
/// weight halved every <c>halfLifeDays</c>, so people who answered the question's tags recently come first; people
/// without a matching tag follow by decayed activity.
/// </summary>
public sealed class DecayedTagRoutingRanker(string name = "eval-routing-decayed-tags", double halfLifeDays = 30, TagWeighting weighting = TagWeighting.Plain) : EvaluationRanker(name, EvaluationTask.Routing, RankerOrigin.Evaluation)
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(history);
        var tagWeights = new Dictionary<string, double>(StringComparer.Ordinal);
        var questions = history.Questions.Count;
        foreach (var tag in query.Tags)
        {
            var n = history.QuestionsByTag.GetValueOrDefault(tag);
            tagWeights[tag] = weighting == TagWeighting.Idf ? Math.Log(1 + ((questions - n + 0.5) / (n + 0.5))) : 1.0;
        }

        var perUserTag = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        var tagTotals = new Dictionary<string, double>(StringComparer.Ordinal);
        var activity = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (user, answers) in history.AnswersByUser)
        {
            var act = 0.0;
            Dictionary<string, double>? mine = null;
            foreach (var answer in answers)
            {
                var weight = Math.Pow(0.5, (query.At - answer.CreatedAt).TotalDays / halfLifeDays);
                act += weight;
                foreach (var tag in answer.Tags)
                {
                    if (tagWeights.ContainsKey(tag))
                    {
                        mine ??= new Dictionary<string, double>(StringComparer.Ordinal);
                        mine[tag] = mine.GetValueOrDefault(tag) + weight;
                        tagTotals[tag] = tagTotals.GetValueOrDefault(tag) + weight;
                    }
                }
            }

            activity[user] = act;
            if (mine is not null)
            {
                perUserTag[user] = mine;
            }
        }

        var maxActivity = activity.Count == 0 ? 1 : activity.Values.Max() + 1;
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (user, act) in activity)
        {
            var score = 0.0;
            if (perUserTag.TryGetValue(user, out var mine))
            {
                foreach (var (tag, value) in mine)
                {
                    score += weighting == TagWeighting.Share ? value / tagTotals[tag] : value * tagWeights[tag];
                }
            }

            // Activity only breaks ties and orders people without a matching tag: it is scaled below any tag match.
            scores[user] = score + (1e-6 * act / maxActivity);
        }

        return Ranked.Top(scores, query.Depth + 1);
    }
}
