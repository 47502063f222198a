using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Evaluation;

/// <summary>
/// Writes a corpus into any <see cref="ISocialLearningStore"/> in the SDK's model, event by event in time order:
/// users → learners; tags → skills; questions and answers → contributions (final text, post links stripped, times
/// kept); up/down votes → helpful/not-helpful by anonymous voter learners (dumps do not say who voted: the k-th vote
/// on a post is voter k, so one vote per learner per item holds); favourites → saved; accepts → accepted by the
/// asker; each answer → activity evidence (level 0.5, 0.8 once accepted) for the question's tags; tags that co-occur
/// on at least two questions → Related skill edges (cosine weight) when <see cref="RefreshTagGraphAsync"/> is called.
/// </summary>
public sealed class CorpusStoreWriter
{
    /// <summary>The learner that stands for deleted accounts.</summary>
    public const string UnknownLearner = "evaluation-unknown-user";

    private readonly ISocialLearningStore _store;
    private readonly TenantId _tenant;
    private readonly HashSet<string> _learners = new(StringComparer.Ordinal);
    private readonly HashSet<string> _skills = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Author, string? Parent, IReadOnlyList<string> Tags, string Title)> _posts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _downs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _tagQuestions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), int> _cooccurrence = [];
    private readonly HashSet<(string, string)> _edges = [];
    private long _applied = -1;
    private DateTimeOffset _now;

    /// <summary>Creates a writer for one tenant of a store.</summary>
    public CorpusStoreWriter(ISocialLearningStore store, TenantId tenant)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (tenant.IsDefault)
        {
            throw new ArgumentException("tenant must not be default.", nameof(tenant));
        }

        _store = store;
        _tenant = tenant;
    }

    /// <summary>Imports a whole corpus (every replay event in order, then the tag graph); returns the number of events written.</summary>
    public static async Task<int> ImportAsync(EvaluationCorpus corpus, ISocialLearningStore store, TenantId tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var writer = new CorpusStoreWriter(store, tenant);
        var events = EvaluationPlan.BuildEvents(corpus);
        foreach (var e in events)
        {
            await writer.ApplyAsync(e, cancellationToken).ConfigureAwait(false);
        }

        await writer.RefreshTagGraphAsync(cancellationToken).ConfigureAwait(false);
        return events.Count;
    }

    /// <summary>Makes sure a learner exists (unknown authors map to <see cref="UnknownLearner"/>) and returns its id.</summary>
    public async ValueTask<LearnerId> EnsureLearnerAsync(string? id, CancellationToken cancellationToken = default)
    {
        var value = string.IsNullOrWhiteSpace(id) ? UnknownLearner : id;
        var learnerId = new LearnerId(value);
        if (_learners.Add(value))
        {
            await _store.CreateLearnerAsync(
                new Learner { Tenant = _tenant, Id = learnerId, DisplayName = "user " + value, CreatedAt = _now },
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return learnerId;
    }

    /// <summary>Applies one event once (events already applied, by sequence, are skipped, so several adapters can share a host).</summary>
    public async ValueTask ApplyAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replayEvent);
        if (replayEvent.Sequence <= _applied)
        {
            return;
        }

        _applied = replayEvent.Sequence;
        _now = replayEvent.At;
        switch (replayEvent.Kind)
        {
            case ReplayEventKind.UserJoined:
                await EnsureLearnerAsync(replayEvent.UserId, cancellationToken).ConfigureAwait(false);
                break;
            case ReplayEventKind.PostCreated when replayEvent.Post is { } post:
                await AddPostAsync(post, cancellationToken).ConfigureAwait(false);
                break;
            case ReplayEventKind.Vote when replayEvent.Vote is { } vote:
                await AddVoteAsync(vote, replayEvent.At, cancellationToken).ConfigureAwait(false);
                break;
            default:
                break;
        }
    }

    /// <summary>Adds Related edges between tags that co-occurred on at least two questions so far (weight: cosine of their question sets).</summary>
    public async ValueTask RefreshTagGraphAsync(CancellationToken cancellationToken = default)
    {
        foreach (var ((a, b), together) in _cooccurrence)
        {
            if (together < 2 || !_edges.Add((a, b)))
            {
                continue;
            }

            var weight = Math.Clamp(together / Math.Sqrt((double)_tagQuestions[a] * _tagQuestions[b]), 0.01, 1.0);
            await _store.AddSkillEdgeAsync(new SkillEdge { Tenant = _tenant, From = new SkillId(a), To = new SkillId(b), Kind = SkillEdgeKind.Related, Weight = weight }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask EnsureSkillAsync(string tag, CancellationToken cancellationToken)
    {
        if (_skills.Add(tag))
        {
            await _store.CreateSkillAsync(new Skill { Tenant = _tenant, Id = new SkillId(tag), Name = tag, CreatedAt = _now }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask AddPostAsync(HistoryPost post, CancellationToken cancellationToken)
    {
        var author = await EnsureLearnerAsync(post.AuthorId, cancellationToken).ConfigureAwait(false);
        foreach (var tag in post.Tags)
        {
            await EnsureSkillAsync(tag, cancellationToken).ConfigureAwait(false);
        }

        var title = post.Kind == CorpusPostKind.Question
            ? post.Title
            : post.ParentId is not null && _posts.TryGetValue(post.ParentId, out var parent) ? "Answer: " + parent.Title : "Answer";
        title = string.IsNullOrWhiteSpace(title) ? "(untitled)" : title.Length > 200 ? title[..200] : title;
        var body = string.IsNullOrWhiteSpace(post.Text) ? "(empty)" : post.Text;
        await _store.CreateContributionAsync(
            new Contribution
            {
                Tenant = _tenant,
                Id = new ContributionId(post.Id),
                Kind = post.Kind == CorpusPostKind.Question ? ContributionKind.Question : ContributionKind.Answer,
                Author = author,
                Title = title,
                Body = body,
                Skills = [.. post.Tags.Select(t => new SkillId(t))],
                ParentId = post.Kind == CorpusPostKind.Answer && post.ParentId is not null && _posts.ContainsKey(post.ParentId) ? new ContributionId(post.ParentId) : null,
                Status = ContributionStatus.Published,
                CreatedAt = post.CreatedAt,
                UpdatedAt = post.CreatedAt,
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        _posts[post.Id] = (post.AuthorId, post.ParentId, post.Tags, title);

        if (post.Kind == CorpusPostKind.Question)
        {
            foreach (var tag in post.Tags)
            {
                _tagQuestions[tag] = _tagQuestions.GetValueOrDefault(tag) + 1;
                foreach (var other in post.Tags)
                {
                    if (string.CompareOrdinal(tag, other) < 0)
                    {
                        _cooccurrence[(tag, other)] = _cooccurrence.GetValueOrDefault((tag, other)) + 1;
                    }
                }
            }
        }
        else if (post.AuthorId is not null)
        {
            await AppendEvidenceAsync(author, post.Tags, 0.5, post.CreatedAt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask AppendEvidenceAsync(LearnerId learner, IReadOnlyList<string> tags, double level, DateTimeOffset at, CancellationToken cancellationToken)
    {
        foreach (var tag in tags)
        {
            await _store.AppendEvidenceAsync(
                new ProficiencyEvidence { Tenant = _tenant, Learner = learner, Skill = new SkillId(tag), Source = EvidenceSource.Activity, Level = level, ObservedAt = at },
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask AddVoteAsync(CorpusVote vote, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!_posts.TryGetValue(vote.PostId, out var post))
        {
            return;
        }

        LearnerId learner;
        InteractionKind kind;
        switch (vote.Kind)
        {
            case CorpusVoteKind.Up:
                var up = _ups[vote.PostId] = _ups.GetValueOrDefault(vote.PostId) + 1;
                learner = await EnsureLearnerAsync("anonymous-up-voter-" + up.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                kind = InteractionKind.Helpful;
                break;
            case CorpusVoteKind.Down:
                var down = _downs[vote.PostId] = _downs.GetValueOrDefault(vote.PostId) + 1;
                learner = await EnsureLearnerAsync("anonymous-down-voter-" + down.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                kind = InteractionKind.NotHelpful;
                break;
            case CorpusVoteKind.Favorite when vote.UserId is not null:
                learner = await EnsureLearnerAsync(vote.UserId, cancellationToken).ConfigureAwait(false);
                kind = InteractionKind.Saved;
                break;
            case CorpusVoteKind.Accept when post.Parent is not null && _posts.TryGetValue(post.Parent, out var question):
                learner = await EnsureLearnerAsync(question.Author, cancellationToken).ConfigureAwait(false);
                kind = InteractionKind.Accepted;
                if (post.Author is not null)
                {
                    await AppendEvidenceAsync(new LearnerId(post.Author), post.Tags, 0.8, at, cancellationToken).ConfigureAwait(false);
                }

                break;
            default:
                return;
        }

        await _store.AppendInteractionAsync(
            new Interaction { Tenant = _tenant, ContributionId = new ContributionId(vote.PostId), Learner = learner, Kind = kind, OccurredAt = at },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Replays a dataset into a real SocialLearning service provider (in-memory store written by
/// <see cref="CorpusStoreWriter"/>, the SDK's recommendation index following the store's change feed, a
/// <see cref="ReplayClock"/> as its TimeProvider), so built-in recommenders are evaluated through their public API
/// exactly as a host would call them.
/// </summary>
public sealed class SdkReplayHost : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly ReplayClock _clock = new(DateTimeOffset.UnixEpoch);
    private readonly CorpusStoreWriter _writer;

    /// <summary>Creates the host; <paramref name="configure"/> can change recommendation options (for example the default step ranker).</summary>
    public SdkReplayHost(Action<RecommendationOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        var builder = services.AddSocialLearning(o =>
        {
            o.AutoCreateSkills = true;
            o.MaxBodyLength = 1_000_000;
        }).UseInMemoryStorage();
        if (configure is not null)
        {
            builder.ConfigureRecommendations(configure);
        }

        _services = services.BuildServiceProvider();
        _writer = new CorpusStoreWriter(_services.GetRequiredService<ISocialLearningStore>(), Tenant);
        Tips = _services.GetRequiredService<ITipRecommender>();
        Peers = _services.GetRequiredService<IPeerFinder>();
        Paths = _services.GetRequiredService<ILearningPathPlanner>();
    }

    /// <summary>The tenant everything is replayed into.</summary>
    public static TenantId Tenant { get; } = new("evaluation");

    /// <summary>The SDK's tip recommender.</summary>
    public ITipRecommender Tips { get; }

    /// <summary>The SDK's peer finder.</summary>
    public IPeerFinder Peers { get; }

    /// <summary>The SDK's learning path planner.</summary>
    public ILearningPathPlanner Paths { get; }

    /// <summary>Moves the clock to the query time.</summary>
    public void AdvanceTo(DateTimeOffset now) => _clock.Set(now);

    /// <summary>Makes sure a learner exists and returns its id.</summary>
    public ValueTask<LearnerId> EnsureLearnerAsync(string? id, CancellationToken cancellationToken = default) => _writer.EnsureLearnerAsync(id, cancellationToken);

    /// <summary>Applies one event once (by sequence), moving the clock to its time.</summary>
    public ValueTask ApplyAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replayEvent);
        _clock.Set(replayEvent.At);
        return _writer.ApplyAsync(replayEvent, cancellationToken);
    }

    /// <summary>Adds Related edges between co-occurring tags seen so far.</summary>
    public ValueTask RefreshTagGraphAsync(CancellationToken cancellationToken = default) => _writer.RefreshTagGraphAsync(cancellationToken);

    /// <summary>Catches the SDK's recommendation index up with everything written so far (<see cref="IRecommendationIndex"/>).</summary>
    public ValueTask RefreshIndexAsync(CancellationToken cancellationToken = default) =>
        _services.GetRequiredService<IRecommendationIndex>().RefreshAsync(Tenant, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();
}
