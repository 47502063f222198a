using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SocialLearning.Services;

internal sealed partial class ContributionService(
    ISocialLearningStore store,
    IOptions<SocialLearningOptions> options,
    TimeProvider time,
    IModeratorPolicy moderators,
    SkillCatalog catalog,
    ILogger<ContributionService>? logger = null) : IContributionService
{
    private readonly SocialLearningOptions _options = options.Value;
    private readonly ILogger _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public async Task<Contribution> ShareAsync(ShareContributionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Guard.Tenant(request.Tenant, "request.Tenant");
        Guard.Set(request.Author, "request.Author");
        if (!Enum.IsDefined(request.Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "request.Kind is not a defined contribution kind.");
        }

        if (request.Status is not (ContributionStatus.Published or ContributionStatus.Draft or ContributionStatus.PendingReview))
        {
            throw new ArgumentException("request.Status must be Published, Draft or PendingReview when sharing.", "request.Status");
        }

        var title = Guard.Text(request.Title, "request.Title", _options.MaxTitleLength);
        var body = Guard.Text(request.Body, "request.Body", _options.MaxBodyLength);
        var contextKeys = Guard.ContextKeys(request.ContextKeys, "request.ContextKeys", _options.MaxContextKeysPerContribution);
        var skillEntries = Guard.SkillEntries(request.Skills, "request.Skills", _options.MaxSkillsPerContribution);
        var audience = Guard.Audience(request.Audience, "request.Audience");
        ValidateShape(request.Kind, request.ParentId, request.Url);
        cancellationToken.ThrowIfCancellationRequested();

        using var activity = SocialLearningTelemetry.ActivitySource.StartActivity("SocialLearning.Share");
        var author = await store.GetLearnerAsync(request.Tenant, request.Author, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(nameof(Learner), request.Author.Value, "request.Author");
        if (request.ParentId is { } parentId)
        {
            var parent = await store.GetContributionAsync(request.Tenant, parentId, cancellationToken).ConfigureAwait(false)
                ?? throw new EntityNotFoundException(nameof(Contribution), parentId.Value, "request.ParentId");
            if (parent.Kind != ContributionKind.Question)
            {
                throw new ArgumentException("request.ParentId must name a question.", "request.ParentId");
            }
        }

        var skills = await ResolveSkillsAsync(request.Tenant, skillEntries, "request.Skills", cancellationToken).ConfigureAwait(false);

        var now = time.GetUtcNow();
        var contribution = new Contribution
        {
            Tenant = request.Tenant,
            Id = request.Id ?? ContributionId.New(),
            Kind = request.Kind,
            Author = request.Author,
            Title = title.Trim(),
            Body = body,
            Skills = skills,
            ContextKeys = contextKeys,
            Audience = audience,
            Status = ReviewedStatus(request.Status, author),
            ParentId = request.ParentId,
            Url = request.Url,
            CreatedAt = now,
            UpdatedAt = now,
            UpdatedBy = request.Author,
        };
        var stored = await store.CreateContributionAsync(contribution, request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        if (stored.Status == ContributionStatus.Published && stored.Kind != ContributionKind.Question)
        {
            await InferProficiencyAsync(stored, stored.Author, _options.ActivityShareLevel, "shared", cancellationToken).ConfigureAwait(false);
        }

        SocialLearningTelemetry.ContributionsShared.Add(1, new KeyValuePair<string, object?>("kind", stored.Kind.ToString()));
        LogShared(_logger, stored.Tenant.Value, stored.Id.Value, stored.Kind);
        return stored;
    }

    public async Task<Contribution> EditAsync(EditContributionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Guard.Tenant(request.Tenant, "request.Tenant");
        Guard.Set(request.Id, "request.Id");
        Guard.Set(request.Editor, "request.Editor");
        if (request.ExpectedVersion < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.ExpectedVersion, "request.ExpectedVersion must be 1 or more.");
        }

        var title = request.Title is null ? null : Guard.Text(request.Title, "request.Title", _options.MaxTitleLength);
        var body = request.Body is null ? null : Guard.Text(request.Body, "request.Body", _options.MaxBodyLength);
        var contextKeys = request.ContextKeys is null ? null : Guard.ContextKeys(request.ContextKeys, "request.ContextKeys", _options.MaxContextKeysPerContribution);
        var skillEntries = request.Skills is null ? null : Guard.SkillEntries(request.Skills, "request.Skills", _options.MaxSkillsPerContribution);
        var audience = request.Audience is null ? null : Guard.Audience(request.Audience, "request.Audience");
        if (request.Status is { } status && !Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(request), status, "request.Status is not a defined status.");
        }

        var current = await GetAsync(request.Tenant, request.Id, cancellationToken).ConfigureAwait(false);
        var editor = await store.GetLearnerAsync(request.Tenant, request.Editor, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(nameof(Learner), request.Editor.Value, "request.Editor");
        var isAuthor = current.Author == request.Editor;
        if (!isAuthor && !_options.AllowPeerEdits)
        {
            throw new SocialLearningForbiddenException("Only the author may edit this contribution (SocialLearningOptions.AllowPeerEdits is off).");
        }

        var newStatus = current.Status;
        if (request.Status is { } requested && requested != current.Status)
        {
            if (!isAuthor)
            {
                throw new SocialLearningForbiddenException("Only the author may change a contribution's status by editing it; moderators decide through IModerationService.");
            }

            if (current.Status == ContributionStatus.Hidden && requested != ContributionStatus.Archived)
            {
                throw new SocialLearningForbiddenException("A hidden contribution can only be published again by a moderator (IModerationService.ApproveAsync); its author may archive it.");
            }

            if (current.Status == ContributionStatus.PendingReview && requested == ContributionStatus.Published)
            {
                throw new SocialLearningForbiddenException("A contribution pending review is published by a moderator (IModerationService.ApproveAsync); its author may withdraw it to Draft or archive it.");
            }

            newStatus = ReviewedStatus(requested, editor);
        }

        var skills = skillEntries is null ? null : await ResolveSkillsAsync(request.Tenant, skillEntries, "request.Skills", cancellationToken).ConfigureAwait(false);

        var updated = current with
        {
            Title = title?.Trim() ?? current.Title,
            Body = body ?? current.Body,
            Skills = skills ?? current.Skills,
            ContextKeys = contextKeys ?? current.ContextKeys,
            Audience = audience ?? current.Audience,
            Status = newStatus,
            UpdatedAt = time.GetUtcNow(),
            UpdatedBy = request.Editor,
        };
        return await store.UpdateContributionAsync(updated, request.ExpectedVersion, cancellationToken).ConfigureAwait(false);
    }

    public async Task<InteractionResult> GiveFeedbackAsync(TenantId tenant, LearnerId learner, ContributionId contribution, FeedbackKind feedback, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(learner, nameof(learner));
        Guard.Set(contribution, nameof(contribution));
        if (!Enum.IsDefined(feedback))
        {
            throw new ArgumentOutOfRangeException(nameof(feedback), feedback, "feedback is not a defined feedback kind.");
        }

        return await RecordAsync(tenant, learner, contribution, (InteractionKind)feedback, null, idempotencyKey, cancellationToken).ConfigureAwait(false);
    }

    public async Task<InteractionResult> FlagAsync(TenantId tenant, LearnerId learner, ContributionId contribution, string reason, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(learner, nameof(learner));
        Guard.Set(contribution, nameof(contribution));
        var note = Guard.Text(reason, nameof(reason), _options.MaxNoteLength);
        var result = await RecordAsync(tenant, learner, contribution, InteractionKind.Flagged, note, null, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == InteractionOutcome.Recorded
            && _options.AutoHideFlagThreshold > 0
            && result.Counters.Flags >= _options.AutoHideFlagThreshold)
        {
            // The counter holds every flag ever; only those since a moderator's last decision may hide it again.
            await HideAsync(tenant, contribution, learner, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public async Task<Contribution> GetAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(id, nameof(id));
        return await store.GetContributionAsync(tenant, id, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(nameof(Contribution), id.Value, nameof(id));
    }

    public Task<ContributionCounters> GetCountersAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(id, nameof(id));
        return store.GetCountersAsync(tenant, id, cancellationToken);
    }

    public async Task<IReadOnlyList<ContributionRevision>> GetRevisionsAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(id, nameof(id));
        var list = new List<ContributionRevision>();
        await foreach (var revision in store.ListRevisionsAsync(tenant, id, cancellationToken).ConfigureAwait(false))
        {
            list.Add(revision);
        }

        return list;
    }

    private async Task<InteractionResult> RecordAsync(TenantId tenant, LearnerId learner, ContributionId id, InteractionKind kind, string? note, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var contribution = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (contribution.Author == learner && kind is InteractionKind.Helpful or InteractionKind.NotHelpful or InteractionKind.Endorsed or InteractionKind.Accepted or InteractionKind.Flagged)
        {
            throw new SocialLearningForbiddenException($"A learner cannot mark their own contribution as {kind}.");
        }

        if (kind == InteractionKind.Accepted)
        {
            var question = contribution.ParentId is { } parentId
                ? await store.GetContributionAsync(tenant, parentId, cancellationToken).ConfigureAwait(false)
                : null;
            if (question is null || question.Author != learner)
            {
                throw new SocialLearningForbiddenException("Only the author of the question can accept an answer.");
            }
        }

        var result = await store.AppendInteractionAsync(
            new Interaction { Tenant = tenant, ContributionId = id, Learner = learner, Kind = kind, OccurredAt = time.GetUtcNow(), Note = note },
            idempotencyKey,
            cancellationToken).ConfigureAwait(false);
        if (result.Outcome == InteractionOutcome.Recorded && kind is InteractionKind.Accepted or InteractionKind.Endorsed)
        {
            await InferProficiencyAsync(contribution, contribution.Author, _options.ActivityRecognitionLevel, kind == InteractionKind.Accepted ? "accepted" : "endorsed", cancellationToken).ConfigureAwait(false);
        }
        SocialLearningTelemetry.InteractionsRecorded.Add(
            1,
            new KeyValuePair<string, object?>("kind", kind.ToString()),
            new KeyValuePair<string, object?>("outcome", result.Outcome.ToString()));
        return result;
    }

    private async Task HideAsync(TenantId tenant, ContributionId id, LearnerId by, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            if (current.Status != ContributionStatus.Published
                || ((current.ReviewedAt is not null || _options.TrustedFlaggerMinimumAge > TimeSpan.Zero || _options.UntrustedAfterOverturnedFlags > 0)
                    && await CountTrustedFlagsSinceAsync(tenant, id, current.ReviewedAt, cancellationToken).ConfigureAwait(false) < _options.AutoHideFlagThreshold))
            {
                return;
            }

            try
            {
                await store.UpdateContributionAsync(
                    current with { Status = ContributionStatus.Hidden, UpdatedAt = time.GetUtcNow(), UpdatedBy = by },
                    current.Version,
                    cancellationToken).ConfigureAwait(false);
                LogAutoHidden(_logger, tenant.Value, id.Value);
                return;
            }
            catch (VersionConflictException)
            {
                // Someone edited it meanwhile; read again and retry.
            }
        }
    }

    /// <summary>
    /// Records <see cref="EvidenceSource.Activity"/> evidence for <paramref name="learner"/> in the contribution's skills (an
    /// answer without skills of its own counts in its question's), where <paramref name="level"/> raises their current
    /// activity level. The fact itself is already stored; a failure here is logged, not thrown, and a retry of the same
    /// event is idempotent.
    /// </summary>
    private async Task InferProficiencyAsync(Contribution contribution, LearnerId learner, double level, string reason, CancellationToken cancellationToken)
    {
        if (level <= 0)
        {
            return;
        }

        try
        {
            IReadOnlyList<SkillId> skills = contribution.Skills;
            if (skills.Count == 0 && contribution.ParentId is { } parentId
                && await store.GetContributionAsync(contribution.Tenant, parentId, cancellationToken).ConfigureAwait(false) is { } question)
            {
                skills = question.Skills;
            }

            if (skills.Count == 0)
            {
                return;
            }

            var now = time.GetUtcNow();
            var current = new Dictionary<SkillId, double>();
            await foreach (var e in store.ListEvidenceAsync(contribution.Tenant, learner, cancellationToken).ConfigureAwait(false))
            {
                if (e.Source == EvidenceSource.Activity)
                {
                    // Within a source the latest evidence decides (docs/concepts.md), so the latest one is the level now.
                    current[e.Skill] = e.Level * Math.Pow(2, -(now - e.ObservedAt).TotalSeconds / _options.ProficiencyHalfLife.TotalSeconds);
                }
            }

            foreach (var skill in skills)
            {
                if (current.TryGetValue(skill, out var levelNow) && levelNow >= level - 1e-9)
                {
                    continue;
                }

                await store.AppendEvidenceAsync(
                    new ProficiencyEvidence { Tenant = contribution.Tenant, Learner = learner, Skill = skill, Source = EvidenceSource.Activity, Level = level, ObservedAt = now },
                    $"activity:{reason}:{contribution.Id.Value}:{skill.Value}",
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocialLearningException or InvalidOperationException)
        {
            LogInferenceFailed(_logger, contribution.Tenant.Value, contribution.Id.Value, ex);
        }
    }

    /// <summary>Flags after the moderator's last decision (all when none) from learners trusted when they flagged.</summary>
    private async Task<int> CountTrustedFlagsSinceAsync(TenantId tenant, ContributionId id, DateTimeOffset? reviewedAt, CancellationToken cancellationToken)
    {
        // One flag per learner per item is a store rule, so each flag here is a distinct learner.
        var count = 0;
        var learners = new HashSet<LearnerId>();
        await foreach (var interaction in store.ListInteractionsAsync(tenant, id, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (interaction.Kind != InteractionKind.Flagged || (reviewedAt is { } at && interaction.OccurredAt <= at))
            {
                continue;
            }

            var flagger = await store.GetLearnerAsync(tenant, interaction.Learner, cancellationToken).ConfigureAwait(false);
            if (flagger is not null && ModerationService.IsTrustedFlagger(flagger, interaction.OccurredAt, _options, moderators))
            {
                count++;
                if (!moderators.IsModerator(flagger))
                {
                    learners.Add(flagger.Id);
                }
            }
        }

        // Whose flags moderators keep overturning is a question about the whole log: asked only when the trusted flags
        // would hide the contribution, which is rare next to flagging.
        if (count >= _options.AutoHideFlagThreshold && _options.UntrustedAfterOverturnedFlags > 0 && learners.Count > 0)
        {
            foreach (var (_, overturned) in await ModerationService.OverturnedFlagsAsync(store, tenant, learners, cancellationToken).ConfigureAwait(false))
            {
                if (overturned >= _options.UntrustedAfterOverturnedFlags)
                {
                    count--;
                }
            }
        }

        return count;
    }

    /// <summary>Under <see cref="SocialLearningOptions.RequireReview"/>, what a learner without the moderator role publishes waits for review.</summary>
    private ContributionStatus ReviewedStatus(ContributionStatus requested, Learner learner) =>
        requested == ContributionStatus.Published && _options.RequireReview && !moderators.IsModerator(learner)
            ? ContributionStatus.PendingReview
            : requested;

    /// <summary>
    /// Each entry as a skill id: an existing skill's id first; else the one skill whose name or alias it is (see
    /// <see cref="SkillLabels"/>: case and runs of white space do not matter); else, with
    /// <see cref="SocialLearningOptions.AutoCreateSkills"/>, a new skill with that id. A label that names several skills,
    /// or nothing when skills are not created, is an error naming the entry's field.
    /// </summary>
    private async Task<List<SkillId>> ResolveSkillsAsync(TenantId tenant, List<string> entries, string field, CancellationToken cancellationToken)
    {
        SkillLabelIndex? labels = null;
        var result = new List<SkillId>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            SkillId skill;
            if (SkillLabels.AsId(entry) is { } id && await store.GetSkillAsync(tenant, id, cancellationToken).ConfigureAwait(false) is not null)
            {
                skill = id;
            }
            else if ((labels ??= await catalog.GetAsync(tenant, cancellationToken).ConfigureAwait(false)).Carriers(entry) is { Count: > 0 } carriers)
            {
                if (carriers.Count > 1)
                {
                    throw new ArgumentException(
                        $"{field}[{i}]: '{entry}' is the name or an alias of several skills ({string.Join(", ", carriers.Select(n => n.Value))}); give the skill's id.",
                        $"{field}[{i}]");
                }

                skill = carriers[0];
            }
            else if (!_options.AutoCreateSkills)
            {
                throw new EntityNotFoundException(nameof(Skill), entry, $"{field}[{i}]");
            }
            else
            {
                skill = SkillLabels.AsId(entry) ?? throw new ArgumentException(
                    $"{field}[{i}]: no skill has the name or alias '{entry}', and it cannot be a new skill's id: {SkillLabels.WhyNotAnId(entry)}",
                    $"{field}[{i}]");
                try
                {
                    await store.CreateSkillAsync(
                        new Skill { Tenant = tenant, Id = skill, Name = entry, CreatedAt = time.GetUtcNow() },
                        null,
                        cancellationToken).ConfigureAwait(false);
                }
                catch (DuplicateEntityException)
                {
                    // Created concurrently: that is what we wanted.
                }
            }

            if (!result.Contains(skill))
            {
                result.Add(skill);
            }
        }

        return result;
    }

    private static void ValidateShape(ContributionKind kind, ContributionId? parentId, Uri? url)
    {
        if (kind == ContributionKind.Answer && parentId is null)
        {
            throw new ArgumentException("request.ParentId is required for an answer.", "request.ParentId");
        }

        if (kind != ContributionKind.Answer && parentId is not null)
        {
            throw new ArgumentException("request.ParentId is only allowed on answers.", "request.ParentId");
        }

        if (kind == ContributionKind.ResourceLink && url is null)
        {
            throw new ArgumentException("request.Url is required for a resource link.", "request.Url");
        }

        if (url is not null && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            throw new ArgumentException("request.Url must be an absolute http or https URL.", "request.Url");
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Shared contribution {ContributionId} ({Kind}) in tenant {Tenant}")]
    private static partial void LogShared(ILogger logger, string tenant, string contributionId, ContributionKind kind);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Contribution {ContributionId} in tenant {Tenant} hidden after reaching the flag threshold")]
    private static partial void LogAutoHidden(ILogger logger, string tenant, string contributionId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not record activity proficiency for contribution {ContributionId} in tenant {Tenant}; the contribution itself is stored")]
    private static partial void LogInferenceFailed(ILogger logger, string tenant, string contributionId, Exception exception);
}
