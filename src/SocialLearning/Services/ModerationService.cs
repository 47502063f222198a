using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SocialLearning.Services;

internal sealed partial class ModerationService(
    ISocialLearningStore store,
    IOptions<SocialLearningOptions> options,
    TimeProvider time,
    IModeratorPolicy policy,
    ILogger<ModerationService>? logger = null) : IModerationService
{
    /// <summary>Most items one queue read returns.</summary>
    public const int MaxQueueLimit = 500;

    private readonly SocialLearningOptions _options = options.Value;
    private readonly ILogger _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public async Task<IReadOnlyList<ReviewItem>> GetReviewQueueAsync(TenantId tenant, LearnerId moderator, int limit = 50, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(moderator, nameof(moderator));
        if (limit is < 1 or > MaxQueueLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be between 1 and {MaxQueueLimit}.");
        }

        await RequireModeratorAsync(tenant, moderator, cancellationToken).ConfigureAwait(false);

        // Flags are few next to the rest of the log; collect them once, then decide per contribution.
        var flags = new Dictionary<ContributionId, List<FlagReport>>();
        var flaggers = new Dictionary<LearnerId, Learner?>();
        await foreach (var interaction in store.ListInteractionsAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (interaction.Kind != InteractionKind.Flagged)
            {
                continue;
            }

            if (!flags.TryGetValue(interaction.ContributionId, out var list))
            {
                flags[interaction.ContributionId] = list = [];
            }

            if (!flaggers.TryGetValue(interaction.Learner, out var flagger))
            {
                flaggers[interaction.Learner] = flagger = await store.GetLearnerAsync(tenant, interaction.Learner, cancellationToken).ConfigureAwait(false);
            }

            list.Add(new FlagReport
            {
                Learner = interaction.Learner,
                Reason = interaction.Note ?? string.Empty,
                FlaggedAt = interaction.OccurredAt,
                Trusted = flagger is not null && IsTrustedFlagger(flagger, interaction.OccurredAt, _options, policy),
            });
        }

        var queue = new List<ReviewItem>();
        var overturned = new Dictionary<LearnerId, int>();
        await foreach (var contribution in store.ListContributionsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            if (Approved(contribution) is { } approvedAt && flags.TryGetValue(contribution.Id, out var flagged))
            {
                foreach (var flag in flagged)
                {
                    if (flag.FlaggedAt < approvedAt)
                    {
                        overturned[flag.Learner] = overturned.GetValueOrDefault(flag.Learner) + 1;
                    }
                }
            }

            var recent = flags.TryGetValue(contribution.Id, out var all) ? SinceReview(all, contribution.ReviewedAt) : [];
            ReviewReason? reason = contribution.Status switch
            {
                ContributionStatus.PendingReview => ReviewReason.PendingReview,
                ContributionStatus.Hidden when contribution.ReviewedAt is not { } reviewedAt || reviewedAt < contribution.UpdatedAt => ReviewReason.Hidden,
                ContributionStatus.Published when recent.Count > 0 => ReviewReason.Flagged,
                _ => null,
            };
            if (reason is not { } why)
            {
                continue;
            }

            var since = why == ReviewReason.Flagged ? recent[0].FlaggedAt : contribution.UpdatedAt;
            queue.Add(new ReviewItem { Contribution = contribution, Reason = why, Since = since, Flags = recent });
        }

        // Counted over every contribution, so only now can a flagger's overturned flags be told.
        if (overturned.Count > 0)
        {
            for (var i = 0; i < queue.Count; i++)
            {
                var item = queue[i];
                queue[i] = item with
                {
                    Flags = [.. item.Flags.Select(f => overturned.TryGetValue(f.Learner, out var n)
                        ? f with { Overturned = n, Trusted = f.Trusted && !LosesTrust(n, flaggers.GetValueOrDefault(f.Learner), _options, policy) }
                        : f)],
                };
            }
        }

        queue.Sort(static (a, b) =>
        {
            var bySince = a.Since.CompareTo(b.Since);
            return bySince != 0 ? bySince : string.CompareOrdinal(a.Contribution.Id.Value, b.Contribution.Id.Value);
        });
        if (queue.Count > limit)
        {
            queue.RemoveRange(limit, queue.Count - limit);
        }

        return queue;
    }

    public Task<Contribution> ApproveAsync(TenantId tenant, LearnerId moderator, ContributionId contribution, long expectedVersion, CancellationToken cancellationToken = default) =>
        DecideAsync(tenant, moderator, contribution, expectedVersion, ContributionStatus.Published, cancellationToken);

    public Task<Contribution> HideAsync(TenantId tenant, LearnerId moderator, ContributionId contribution, long expectedVersion, CancellationToken cancellationToken = default) =>
        DecideAsync(tenant, moderator, contribution, expectedVersion, ContributionStatus.Hidden, cancellationToken);

    public async Task<Contribution> FeatureAsync(TenantId tenant, LearnerId moderator, ContributionId contribution, DateTimeOffset until, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var (current, now) = await ReadForDecisionAsync(tenant, moderator, contribution, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (until <= now || until > now + _options.MaxFeaturePeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(until), until, $"until must be later than now and at most SocialLearningOptions.MaxFeaturePeriod ({_options.MaxFeaturePeriod.TotalDays:0.#} days) ahead.");
        }

        if (current.Status != ContributionStatus.Published)
        {
            throw new ArgumentException($"contribution '{contribution.Value}' is {current.Status}; only a published contribution can be featured.", nameof(contribution));
        }

        if (current.ContextKeys.Count == 0 && current.Skills.Count == 0)
        {
            throw new ArgumentException($"contribution '{contribution.Value}' has no context key or skill, so there is no screen or skill to feature it for.", nameof(contribution));
        }

        var featured = await store.UpdateContributionAsync(
            current with { FeaturedBy = moderator, FeaturedUntil = until, UpdatedAt = now, UpdatedBy = moderator },
            expectedVersion,
            cancellationToken).ConfigureAwait(false);
        SocialLearningTelemetry.ModerationDecisions.Add(1, new KeyValuePair<string, object?>("decision", "featured"));
        return featured;
    }

    public async Task<Contribution> UnfeatureAsync(TenantId tenant, LearnerId moderator, ContributionId contribution, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var (current, now) = await ReadForDecisionAsync(tenant, moderator, contribution, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (current.FeaturedUntil is not { } until || until <= now)
        {
            throw new ArgumentException($"contribution '{contribution.Value}' is not featured.", nameof(contribution));
        }

        var unfeatured = await store.UpdateContributionAsync(
            current with { FeaturedBy = null, FeaturedUntil = null, UpdatedAt = now, UpdatedBy = moderator },
            expectedVersion,
            cancellationToken).ConfigureAwait(false);
        SocialLearningTelemetry.ModerationDecisions.Add(1, new KeyValuePair<string, object?>("decision", "unfeatured"));
        return unfeatured;
    }

    public async Task<IReadOnlyList<VotePattern>> GetVotePatternsAsync(TenantId tenant, LearnerId moderator, VotePatternQuery? query = null, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(moderator, nameof(moderator));
        query ??= new VotePatternQuery();
        if (query.MinVotes is < 1 or > 1_000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.MinVotes, "query.MinVotes must be between 1 and 1,000.");
        }

        if (!(query.MinShare > 0 && query.MinShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.MinShare, "query.MinShare must be more than 0 and at most 1.");
        }

        if (query.Limit is < 1 or > MaxQueueLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"query.Limit must be between 1 and {MaxQueueLimit}.");
        }

        await RequireModeratorAsync(tenant, moderator, cancellationToken).ConfigureAwait(false);
        var authors = new Dictionary<ContributionId, LearnerId>();
        await foreach (var c in store.ListContributionsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            authors[c.Id] = c.Author;
        }

        // Each learner's current vote per item: a later vote replaces an earlier one, as in the counters.
        var votes = new Dictionary<(LearnerId Voter, ContributionId Item), (bool Helpful, DateTimeOffset At)>();
        await foreach (var i in store.ListInteractionsAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (i.Kind is InteractionKind.Helpful or InteractionKind.NotHelpful)
            {
                votes[(i.Learner, i.ContributionId)] = (i.Kind == InteractionKind.Helpful, i.OccurredAt);
            }
        }

        var totals = new Dictionary<LearnerId, int>();
        var pairs = new Dictionary<(LearnerId Voter, LearnerId Author), (int Count, DateTimeOffset First, DateTimeOffset Last)>();
        foreach (var ((voter, item), (helpful, at)) in votes)
        {
            if (!helpful || !authors.TryGetValue(item, out var author) || author == voter)
            {
                continue;
            }

            totals[voter] = totals.GetValueOrDefault(voter) + 1;
            pairs[(voter, author)] = pairs.TryGetValue((voter, author), out var p)
                ? (p.Count + 1, at < p.First ? at : p.First, at > p.Last ? at : p.Last)
                : (1, at, at);
        }

        var found = new List<VotePattern>();
        foreach (var ((voter, author), (count, first, last)) in pairs)
        {
            var share = count / (double)totals[voter];
            if (count >= query.MinVotes && share >= query.MinShare)
            {
                found.Add(new VotePattern
                {
                    Voter = voter,
                    Author = author,
                    HelpfulVotes = count,
                    Share = share,
                    Reciprocal = pairs.TryGetValue((author, voter), out var back) ? back.Count : 0,
                    FirstVoteAt = first,
                    LastVoteAt = last,
                });
            }
        }

        found.Sort(static (a, b) =>
            a.HelpfulVotes != b.HelpfulVotes ? b.HelpfulVotes.CompareTo(a.HelpfulVotes)
            : a.Share != b.Share ? b.Share.CompareTo(a.Share)
            : a.Voter != b.Voter ? string.CompareOrdinal(a.Voter.Value, b.Voter.Value)
            : string.CompareOrdinal(a.Author.Value, b.Author.Value));
        if (found.Count > query.Limit)
        {
            found.RemoveRange(query.Limit, found.Count - query.Limit);
        }

        return found;
    }

    /// <summary>The flags after a moderator's decision (all of them when there was none), oldest first.</summary>
    internal static List<FlagReport> SinceReview(List<FlagReport> flags, DateTimeOffset? reviewedAt)
    {
        var recent = reviewedAt is { } at ? flags.FindAll(f => f.FlaggedAt > at) : [.. flags];
        recent.Sort(static (a, b) => a.FlaggedAt.CompareTo(b.FlaggedAt));
        return recent;
    }

    /// <summary>
    /// True when a flag by <paramref name="learner"/> at <paramref name="flaggedAt"/> counts toward hiding: the learner had
    /// been known for <see cref="SocialLearningOptions.TrustedFlaggerMinimumAge"/> by then, or is a moderator.
    /// </summary>
    internal static bool IsTrustedFlagger(Learner learner, DateTimeOffset flaggedAt, SocialLearningOptions options, IModeratorPolicy policy) =>
        learner.CreatedAt <= flaggedAt - options.TrustedFlaggerMinimumAge || policy.IsModerator(learner);

    /// <summary>True when <paramref name="overturned"/> flags cost a (non-moderator) learner their trust (<see cref="SocialLearningOptions.UntrustedAfterOverturnedFlags"/>).</summary>
    internal static bool LosesTrust(int overturned, Learner? learner, SocialLearningOptions options, IModeratorPolicy policy) =>
        options.UntrustedAfterOverturnedFlags > 0 && overturned >= options.UntrustedAfterOverturnedFlags && (learner is null || !policy.IsModerator(learner));

    /// <summary>When a moderator approved the contribution, if that is its current state (published after a decision).</summary>
    internal static DateTimeOffset? Approved(Contribution contribution) =>
        contribution.Status == ContributionStatus.Published ? contribution.ReviewedAt : null;

    /// <summary>
    /// Per learner in <paramref name="learners"/>: their flags that a moderator overturned, that is flags on a contribution
    /// now published with a moderator's decision after the flag. One pass over the contributions and one over the log.
    /// </summary>
    internal static async Task<Dictionary<LearnerId, int>> OverturnedFlagsAsync(ISocialLearningStore store, TenantId tenant, IReadOnlySet<LearnerId> learners, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<LearnerId, int>();
        var approved = new Dictionary<ContributionId, DateTimeOffset>();
        await foreach (var c in store.ListContributionsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            if (Approved(c) is { } at)
            {
                approved[c.Id] = at;
            }
        }

        if (approved.Count == 0)
        {
            return counts;
        }

        await foreach (var i in store.ListInteractionsAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (i.Kind == InteractionKind.Flagged && learners.Contains(i.Learner) && approved.TryGetValue(i.ContributionId, out var at) && at > i.OccurredAt)
            {
                counts[i.Learner] = counts.GetValueOrDefault(i.Learner) + 1;
            }
        }

        return counts;
    }

    private async Task<Contribution> DecideAsync(TenantId tenant, LearnerId moderator, ContributionId id, long expectedVersion, ContributionStatus status, CancellationToken cancellationToken)
    {
        var (current, now) = await ReadForDecisionAsync(tenant, moderator, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (current.Status is not (ContributionStatus.PendingReview or ContributionStatus.Published or ContributionStatus.Hidden))
        {
            var verb = status == ContributionStatus.Published ? "approved" : "hidden";
            throw new ArgumentException(
                $"contribution '{id.Value}' is {current.Status}; only contributions pending review, published or hidden can be {verb}.",
                "contribution");
        }

        var decided = await store.UpdateContributionAsync(
            current with { Status = status, UpdatedAt = now, UpdatedBy = moderator, ReviewedBy = moderator, ReviewedAt = now },
            expectedVersion,
            cancellationToken).ConfigureAwait(false);
        SocialLearningTelemetry.ModerationDecisions.Add(1, new KeyValuePair<string, object?>("decision", status == ContributionStatus.Published ? "approved" : "hidden"));
        LogDecided(_logger, tenant.Value, id.Value, current.Status, status);
        return decided;
    }

    /// <summary>Checks the input and the moderator, and reads the contribution a decision is about.</summary>
    private async Task<(Contribution Current, DateTimeOffset Now)> ReadForDecisionAsync(TenantId tenant, LearnerId moderator, ContributionId id, long expectedVersion, CancellationToken cancellationToken)
    {
        Guard.Tenant(tenant);
        Guard.Set(moderator, nameof(moderator));
        Guard.Set(id, "contribution");
        if (expectedVersion < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedVersion), expectedVersion, "expectedVersion must be 1 or more.");
        }

        await RequireModeratorAsync(tenant, moderator, cancellationToken).ConfigureAwait(false);
        var current = await store.GetContributionAsync(tenant, id, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(nameof(Contribution), id.Value, "contribution");
        return (current, time.GetUtcNow());
    }

    private async Task RequireModeratorAsync(TenantId tenant, LearnerId moderator, CancellationToken cancellationToken)
    {
        var learner = await store.GetLearnerAsync(tenant, moderator, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(nameof(Learner), moderator.Value, nameof(moderator));
        if (!policy.IsModerator(learner))
        {
            throw new SocialLearningForbiddenException($"Learner '{moderator.Value}' is not a moderator: moderation {policy.Requirement}.");
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Moderator decision on contribution {ContributionId} in tenant {Tenant}: {From} to {To}")]
    private static partial void LogDecided(ILogger logger, string tenant, string contributionId, ContributionStatus from, ContributionStatus to);
}
