namespace SocialLearning.Evaluation;

/// <summary>The evaluation tasks.</summary>
public enum EvaluationTask
{
    /// <summary>For a new question, rank the earlier questions it links to ("tips for this context"). Results are post ids.</summary>
    Related = 1,

    /// <summary>For a new question, rank the people who could answer it ("who can help"). Results are user ids.</summary>
    Routing = 2,

    /// <summary>For a learner, rank the skills (tags) they will answer about next ("what to learn next"). Results are tag names.</summary>
    NextSkill = 3,
}

/// <summary>Where a ranker comes from; reports keep them apart.</summary>
public enum RankerOrigin
{
    /// <summary>A baseline a developer would otherwise pick (Lucene.NET, SQLite FTS5, popularity, tag profile, random).</summary>
    Baseline = 1,

    /// <summary>A ranker built into the SDK, called through its public API.</summary>
    SdkBuiltIn = 2,

    /// <summary>A ranker that ships with the evaluation package (not part of the SDK's recommenders).</summary>
    Evaluation = 3,

    /// <summary>A ranker the host registered.</summary>
    Host = 4,
}

/// <summary>
/// One query, as a ranker sees it: no labels. Everything about the query is as of <see cref="At"/>; the harness has
/// replayed only what happened strictly before it.
/// </summary>
public sealed record EvaluationQuery
{
    /// <summary>Query id (also the TREC qid).</summary>
    public required string Id { get; init; }

    /// <summary>The task.</summary>
    public required EvaluationTask Task { get; init; }

    /// <summary>The query time.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Related and routing: the new question's id (never a valid result).</summary>
    public string? PostId { get; init; }

    /// <summary>Routing and related: who asked (never a valid routing result).</summary>
    public string? AskerId { get; init; }

    /// <summary>Related and routing: the question title, post links stripped.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>Related and routing: the question body as plain text, post links and their anchor text stripped.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Related and routing: the question's tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Next-skill: the learner.</summary>
    public string? LearnerId { get; init; }

    /// <summary>How many results the harness reads (100).</summary>
    public int Depth { get; init; } = 100;
}

/// <summary>What happened in the dataset, replayed to rankers in time order.</summary>
public enum ReplayEventKind
{
    /// <summary>A user joined (<see cref="ReplayEvent.UserId"/>).</summary>
    UserJoined = 1,

    /// <summary>A question or answer was posted (<see cref="ReplayEvent.Post"/>).</summary>
    PostCreated = 2,

    /// <summary>A vote became visible (<see cref="ReplayEvent.Vote"/>); accepts are votes of kind <see cref="CorpusVoteKind.Accept"/>.</summary>
    Vote = 3,
}

/// <summary>One replayed fact.</summary>
public sealed record ReplayEvent
{
    /// <summary>Position in the replay (0, 1, 2, ...): the same for every ranker, so shared state can skip repeats.</summary>
    public required long Sequence { get; init; }

    /// <summary>When it became visible.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What happened.</summary>
    public required ReplayEventKind Kind { get; init; }

    /// <summary>For <see cref="ReplayEventKind.UserJoined"/>: the user.</summary>
    public string? UserId { get; init; }

    /// <summary>For <see cref="ReplayEventKind.PostCreated"/>: the post, cleaned.</summary>
    public HistoryPost? Post { get; init; }

    /// <summary>For <see cref="ReplayEventKind.Vote"/>: the vote.</summary>
    public CorpusVote? Vote { get; init; }
}

/// <summary>A post as rankers see it: text cleaned of post links, answers carrying their question's tags.</summary>
public sealed record HistoryPost
{
    /// <summary>Post id.</summary>
    public required string Id { get; init; }

    /// <summary>Question or answer.</summary>
    public required CorpusPostKind Kind { get; init; }

    /// <summary>Author, if known.</summary>
    public string? AuthorId { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Title (questions), post links stripped.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>Plain text, post links and anchor text stripped.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Tags; for answers, the question's tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>For answers: the question.</summary>
    public string? ParentId { get; init; }
}

/// <summary>
/// A ranker under evaluation: the contract a host implements to compare its own strategy with the built-ins.
/// The harness replays the dataset in time order through <see cref="ObserveAsync"/> and asks
/// <see cref="RankAsync"/> at each query's time; nothing from the future has been observed then.
/// </summary>
public interface IEvaluationRanker
{
    /// <summary>Unique name in reports and run files, for example <c>lucene-bm25</c>.</summary>
    string Name { get; }

    /// <summary>The task it ranks for.</summary>
    EvaluationTask Task { get; }

    /// <summary>Where it comes from.</summary>
    RankerOrigin Origin { get; }

    /// <summary>Sees one event; called in time order before any query that comes after it.</summary>
    ValueTask ObserveAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ranks candidates for the query, best first: post ids (related), user ids (routing) or tag names (next-skill).
    /// <paramref name="history"/> holds everything observed so far, for rankers that need no index of their own.
    /// </summary>
    ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default);

    /// <summary>
    /// Called once per query, untimed, after the events before it were observed and just before
    /// <see cref="RankAsync"/>: bring indexes up to date here (reopen a reader, catch up with a change feed) so that
    /// the latency reported for <see cref="RankAsync"/> is the query's own and not the replay's. The default does
    /// nothing; <see cref="RankAsync"/> must still be correct when this was not called.
    /// </summary>
    ValueTask PrepareAsync(EvaluationQuery query, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>A convenient base: observes nothing and ranks synchronously from the history.</summary>
public abstract class EvaluationRanker : IEvaluationRanker
{
    /// <summary>Creates the ranker.</summary>
    protected EvaluationRanker(string name, EvaluationTask task, RankerOrigin origin = RankerOrigin.Host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Task = task;
        Origin = origin;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public EvaluationTask Task { get; }

    /// <inheritdoc />
    public RankerOrigin Origin { get; }

    /// <inheritdoc />
    public virtual ValueTask ObserveAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Rank(query, history));

    /// <summary>Ranks synchronously.</summary>
    protected abstract IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history);
}
