namespace SocialLearning.Evaluation;

/// <summary>
/// Adapters that evaluate the SDK's built-in recommenders through their public API (<see cref="ITipRecommender"/>,
/// <see cref="IPeerFinder"/>, <see cref="ILearningPathPlanner"/>), one per registered built-in ranker name.
/// </summary>
public static class SdkRankers
{
    /// <summary>Built-in tip ranker names (evaluated on the related task with <c>Kinds = [Question]</c>).</summary>
    public static IReadOnlyList<string> TipRankers { get; } = ["recency", "popularity", "wilson", "bayesian", "hot", "bm25", "overlap", "personal-fit", "blend", "rrf", "mmr"];

    /// <summary>Built-in peer ranker names (routing task).</summary>
    public static IReadOnlyList<string> PeerRankers { get; } = ["answers", "zscore", "expertise-rank", "affinity", "bm25", "fusion", "availability", "learned"];

    /// <summary>Built-in learning-step ranker names (next-skill task; each needs its own host, as the step ranker is an option).</summary>
    public static IReadOnlyList<string> StepRankers { get; } = ["prerequisite-frontier", "pagerank", "transitions", "blend", "popularity", "learned"];

    /// <summary>
    /// Creates the adapters for a task, named <c>sdk-tip-*</c>, <c>sdk-peer-*</c> or <c>sdk-path-*</c>, with default
    /// options; with <paramref name="configure"/> and a <paramref name="suffix"/> (for example <c>@hl30</c>) they run with
    /// changed <see cref="RecommendationOptions"/> in a host of their own. With <paramref name="includeMastered"/> the
    /// next-skill adapters ask with <see cref="LearningPathRequest.IncludeMastered"/> (the other tasks ignore it).
    /// </summary>
    public static IEnumerable<IEvaluationRanker> Create(EvaluationTask task, Action<RecommendationOptions>? configure = null, string suffix = "", IReadOnlyList<string>? names = null, bool includeMastered = false)
    {
        switch (task)
        {
            case EvaluationTask.Related:
            {
                var list = names ?? TipRankers;
                var host = new SharedHost(new SdkReplayHost(configure), list.Count);
                return [.. list.Select(name => new SdkTipRanker(host, name, suffix))];
            }

            case EvaluationTask.Routing:
            {
                var list = names ?? PeerRankers;
                var host = new SharedHost(new SdkReplayHost(configure), list.Count);
                return [.. list.Select(name => new SdkPeerRanker(host, name, suffix))];
            }

            case EvaluationTask.NextSkill:
                return [.. (names ?? StepRankers).Select(name => new SdkPathRanker(new SharedHost(new SdkReplayHost(o => { configure?.Invoke(o); o.DefaultStepRanker = name; }), 1), name, suffix, includeMastered))];
            default:
                throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task.");
        }
    }

    internal static string QueryText(EvaluationQuery query)
    {
        var text = query.Title + "\n" + query.Text;
        return text.Length > 4000 ? text[..4000] : text;
    }
}

/// <summary>A replay host shared by several adapters; disposed with the last of them.</summary>
internal sealed class SharedHost(SdkReplayHost host, int users)
{
    private int _users = users;

    public SdkReplayHost Host => host;

    public void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            host.Dispose();
        }
    }
}

/// <summary>Base of the SDK adapters.</summary>
internal abstract class SdkAdapter(SharedHost shared, string name, EvaluationTask task) : IEvaluationRanker, IDisposable
{
    private bool _disposed;
    private EvaluationQuery? _prepared;
    private LearnerId _learner;

    public string Name => name;

    public EvaluationTask Task => task;

    public RankerOrigin Origin => RankerOrigin.SdkBuiltIn;

    protected SdkReplayHost Host => shared.Host;

    public ValueTask ObserveAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default)
    {
        _prepared = null;
        return Host.ApplyAsync(replayEvent, cancellationToken);
    }

    /// <summary>
    /// Replay work that is not the query's: the clock moved to the query time, the asker (learner) created if new, the
    /// tag graph refreshed (next-skill), and the SDK's index caught up with the replayed writes
    /// (<see cref="IRecommendationIndex.RefreshAsync"/>), which a request would otherwise do first.
    /// </summary>
    public async ValueTask PrepareAsync(EvaluationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        Host.AdvanceTo(query.At);
        _learner = await Host.EnsureLearnerAsync(Task == EvaluationTask.NextSkill ? query.LearnerId : query.AskerId, cancellationToken).ConfigureAwait(false);
        if (Task == EvaluationTask.NextSkill)
        {
            await Host.RefreshTagGraphAsync(cancellationToken).ConfigureAwait(false);
        }

        await Host.RefreshIndexAsync(cancellationToken).ConfigureAwait(false);
        _prepared = query;
    }

    /// <summary>Prepares the query unless the harness already has; returns the asker (learner).</summary>
    protected async ValueTask<LearnerId> PreparedAsync(EvaluationQuery query, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(_prepared, query))
        {
            await PrepareAsync(query, cancellationToken).ConfigureAwait(false);
        }

        return _learner;
    }

    public abstract ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default);

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            shared.Release();
        }
    }
}

/// <summary>Related task through <see cref="ITipRecommender"/>: question text and tags as the request, questions only.</summary>
internal sealed class SdkTipRanker(SharedHost shared, string ranker, string suffix = "") : SdkAdapter(shared, "sdk-tip-" + ranker + suffix, EvaluationTask.Related)
{
    public override async ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default)
    {
        var learner = await PreparedAsync(query, cancellationToken).ConfigureAwait(false);
        var result = await Host.Tips.RecommendAsync(
            new TipRequest
            {
                Tenant = SdkReplayHost.Tenant,
                Learner = learner,
                Skills = query.Tags,
                Text = SdkRankers.QueryText(query),
                K = Math.Min(100, query.Depth),
                Kinds = [ContributionKind.Question],
                IncludeOwn = true,
                Ranker = ranker,
            },
            cancellationToken).ConfigureAwait(false);
        return [.. result.Items.Select(i => i.ContributionId.Value)];
    }
}

/// <summary>Routing task through <see cref="IPeerFinder"/>: the question's tags and text, the asker excluded by the SDK.</summary>
internal sealed class SdkPeerRanker(SharedHost shared, string ranker, string suffix = "") : SdkAdapter(shared, "sdk-peer-" + ranker + suffix, EvaluationTask.Routing)
{
    public override async ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default)
    {
        var asker = await PreparedAsync(query, cancellationToken).ConfigureAwait(false);
        var result = await Host.Peers.FindAsync(
            new PeerRequest
            {
                Tenant = SdkReplayHost.Tenant,
                Asker = asker,
                Skills = query.Tags,
                Text = SdkRankers.QueryText(query),
                K = Math.Min(100, query.Depth),
                Ranker = ranker,
            },
            cancellationToken).ConfigureAwait(false);
        return [.. result.Items.Select(i => i.Learner.Value)];
    }
}

/// <summary>Next-skill task through <see cref="ILearningPathPlanner"/> with no target: the steps in order, then the related skills.</summary>
internal sealed class SdkPathRanker(SharedHost shared, string ranker, string suffix = "", bool includeMastered = false) : SdkAdapter(shared, "sdk-path-" + ranker + suffix, EvaluationTask.NextSkill)
{
    public override async ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default)
    {
        var learner = await PreparedAsync(query, cancellationToken).ConfigureAwait(false);
        var path = await Host.Paths.PlanAsync(
            new LearningPathRequest { Tenant = SdkReplayHost.Tenant, Learner = learner, MaxSteps = 50, TipsPerStep = 0, MentorsPerStep = 0, IncludeMastered = includeMastered },
            cancellationToken).ConfigureAwait(false);
        var result = new List<string>();
        foreach (var step in path.Steps)
        {
            result.Add(step.Skill.Value);
        }

        foreach (var skill in path.Related)
        {
            result.Add(skill.Value);
        }

        return result;
    }
}
