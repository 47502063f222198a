namespace SocialLearning.Evaluation;

/// <summary>
/// Related ranker shipped with the evaluation package (not an SDK built-in): BM25 over questions with the
/// harness tokenizer; optionally the title repeated (a field weight) and each question expanded with the text of
/// answers posted before the query time.
/// </summary>
public sealed class Bm25RelatedRanker(string name = "eval-bm25-thread", int titleRepeat = 2, bool expandWithAnswers = true) : IEvaluationRanker
{
    private readonly Bm25Index _index = new();

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public EvaluationTask Task => EvaluationTask.Related;

    /// <inheritdoc />
    public RankerOrigin Origin => RankerOrigin.Evaluation;

    /// <inheritdoc />
    public ValueTask ObserveAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replayEvent);
        if (replayEvent.Post is { Kind: CorpusPostKind.Question } q)
        {
            var terms = new List<string>();
            for (var i = 0; i < titleRepeat; i++)
            {
                terms.AddRange(SimpleTokenizer.Tokenize(q.Title));
            }

            terms.AddRange(SimpleTokenizer.Tokenize(q.Text));
            _index.Add(q.Id, terms);
        }
        else if (expandWithAnswers && replayEvent.Post is { Kind: CorpusPostKind.Answer, ParentId: { } parent } a)
        {
            _index.Append(parent, SimpleTokenizer.Tokenize(a.Text));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var q = new List<string>();
        for (var i = 0; i < titleRepeat; i++)
        {
            q.AddRange(SimpleTokenizer.Tokenize(query.Title));
        }

        q.AddRange(SimpleTokenizer.Tokenize(query.Text));
        return ValueTask.FromResult(Ranked.Top(_index.Score(q), query.Depth + 1));
    }
}
