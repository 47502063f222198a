namespace SocialLearning;

/// <summary>Share, improve, give feedback on and moderate contributions. Resolve it from DI.</summary>
public interface IContributionService
{
    /// <summary>Validates and stores a new contribution. Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    Task<Contribution> ShareAsync(ShareContributionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Edits a contribution under optimistic concurrency, keeping a revision.</summary>
    Task<Contribution> EditAsync(EditContributionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Records one-click feedback. Self-votes (helpful, not helpful, endorsed, accepted on one's own item) are rejected.</summary>
    Task<InteractionResult> GiveFeedbackAsync(TenantId tenant, LearnerId learner, ContributionId contribution, FeedbackKind feedback, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Flags a contribution for moderation; enough distinct flags hide it (see <see cref="SocialLearningOptions.AutoHideFlagThreshold"/>).</summary>
    Task<InteractionResult> FlagAsync(TenantId tenant, LearnerId learner, ContributionId contribution, string reason, CancellationToken cancellationToken = default);

    /// <summary>Reads a contribution; throws <see cref="EntityNotFoundException"/> when the tenant has no such id.</summary>
    Task<Contribution> GetAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default);

    /// <summary>Reads a contribution's counters.</summary>
    Task<ContributionCounters> GetCountersAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default);

    /// <summary>Reads a contribution's revisions, oldest first.</summary>
    Task<IReadOnlyList<ContributionRevision>> GetRevisionsAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default);
}

/// <summary>Define skills and the skill graph.</summary>
public interface ISkillService
{
    /// <summary>Creates the skill, or updates its name, aliases and description when it exists.</summary>
    Task<Skill> DefineSkillAsync(TenantId tenant, SkillId id, string name, IReadOnlyList<string>? aliases = null, string? description = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds an edge. A prerequisite edge that would close a cycle throws <see cref="SkillGraphCycleException"/> naming it;
    /// a self-edge throws <see cref="ArgumentException"/>. Returns false when the edge already existed.
    /// </summary>
    Task<bool> AddEdgeAsync(TenantId tenant, SkillId from, SkillId to, SkillEdgeKind kind, double weight = 1.0, CancellationToken cancellationToken = default);

    /// <summary>Removes an edge; returns false when there was none.</summary>
    Task<bool> RemoveEdgeAsync(TenantId tenant, SkillId from, SkillId to, SkillEdgeKind kind, CancellationToken cancellationToken = default);

    /// <summary>
    /// Seeds or refreshes the skill graph from a taxonomy in one call: skills that are missing are created, skills whose
    /// name, aliases or description differ are updated, edges that are missing are added and edges whose weight differs
    /// are replaced. Nothing is removed, and skills or edges already stored as defined are not written, so running the
    /// same import again writes nothing. Every entry is checked before anything is written: a bad entry is an
    /// <see cref="ArgumentException"/> naming it (<c>skills[3].Name</c>, <c>edges[7].Weight</c>), a skill defined twice or
    /// an edge listed twice too, an edge to a skill that is neither in <paramref name="skills"/> nor stored is an
    /// <see cref="EntityNotFoundException"/> naming <c>edges[i].From</c> or <c>.To</c>, and prerequisite edges that
    /// would close a cycle with each other or with stored ones are a <see cref="SkillGraphCycleException"/>. New skills
    /// and edges go to the store in batches of one transaction each when it implements <see cref="ISkillGraphBatchWriter"/>,
    /// the rest as single writes many at a time; skills before edges. A store failure or cancellation midway leaves what was written so far; run
    /// the import again to finish it.
    /// </summary>
    Task<SkillImportResult> ImportAsync(TenantId tenant, IReadOnlyList<SkillDefinition> skills, IReadOnlyList<SkillEdgeDefinition>? edges = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the tenant's whole skill graph.</summary>
    Task<SkillGraph> GetGraphAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Skills whose id, name or an alias matches <paramref name="text"/> (case and runs of white space ignored), best
    /// first: an exact id, name or alias; a name, then an alias, that starts with the text; a word of a name, then of an
    /// alias, that starts with it; then a name or alias that contains it. Ties go to the shorter name, then the id.
    /// For a skill picker that completes what a worker types. <paramref name="text"/> must not be empty (at most 200
    /// characters) and <paramref name="limit"/> must be 1 to 100, or <see cref="ArgumentException"/> names them.
    /// </summary>
    Task<IReadOnlyList<Skill>> FindAsync(TenantId tenant, string text, int limit = 10, CancellationToken cancellationToken = default);
}

/// <summary>Learners and their proficiency.</summary>
public interface ILearnerService
{
    /// <summary>Creates the learner or updates display name, team and roles (retrying on concurrent updates).</summary>
    Task<Learner> UpsertAsync(TenantId tenant, LearnerId id, string displayName, string? team = null, IReadOnlyList<string>? roles = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a learner; throws <see cref="EntityNotFoundException"/> when unknown.</summary>
    Task<Learner> GetAsync(TenantId tenant, LearnerId id, CancellationToken cancellationToken = default);

    /// <summary>Records evidence of proficiency. Level must be in [0, 1]; endorsements and manager evidence need <c>GivenBy</c>, who may not be the learner.</summary>
    Task RecordEvidenceAsync(ProficiencyEvidence evidence, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>The learner with their effective proficiency per skill (see docs/concepts.md for precedence and decay).</summary>
    Task<LearnerProfile> GetProfileAsync(TenantId tenant, LearnerId id, CancellationToken cancellationToken = default);
}

/// <summary>
/// The review queue and a moderator's decisions. Moderators are learners with <see cref="SocialLearningOptions.ModeratorRole"/>;
/// every method checks the caller's stored roles and throws <see cref="SocialLearningForbiddenException"/> for anyone else.
/// A decision records <see cref="Contribution.ReviewedBy"/> and <see cref="Contribution.ReviewedAt"/>: flags from before it
/// count as handled, so the same flags cannot hide an approved contribution again.
/// </summary>
public interface IModerationService
{
    /// <summary>
    /// What waits for a moderator, oldest first (by when it started waiting): contributions pending review, hidden ones
    /// without a decision since they were hidden or last changed, and published ones flagged since the last decision.
    /// Each item carries the flags since that decision. Reads the tenant's contributions and interaction log, so it is
    /// meant for a moderator's page, not for a hot path. <paramref name="limit"/> is 1 to 500.
    /// </summary>
    Task<IReadOnlyList<ReviewItem>> GetReviewQueueAsync(TenantId tenant, LearnerId moderator, int limit = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes a contribution that is pending review or hidden, or keeps a flagged published one, and marks its flags
    /// as handled. Fails with <see cref="VersionConflictException"/> when <paramref name="expectedVersion"/> is stale, and
    /// with <see cref="ArgumentException"/> for a draft or an archived contribution.
    /// </summary>
    Task<Contribution> ApproveAsync(TenantId tenant, LearnerId moderator, ContributionId contribution, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hides a published contribution, rejects one pending review, or confirms one that flags hid; only a moderator can
    /// publish it again. Fails as <see cref="ApproveAsync"/> does.
    /// </summary>
    Task<Contribution> HideAsync(TenantId tenant, LearnerId moderator, ContributionId contribution, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Features a published contribution until <paramref name="until"/> (later than now, at most
    /// <see cref="SocialLearningOptions.MaxFeaturePeriod"/> ahead): tip recommendations for any of its context keys, and
    /// requests without context keys that require one of its skills (a learning path's steps), show it first, to
    /// everyone in its audience who has not dismissed it, explained as featured by the learning team.
    /// Featuring it again moves the end. Fails as <see cref="ApproveAsync"/> does, and with <see cref="ArgumentException"/>
    /// for a contribution that is not published or has neither a context key nor a skill.
    /// </summary>
    Task<Contribution> FeatureAsync(TenantId tenant, LearnerId moderator, ContributionId contribution, DateTimeOffset until, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Vote patterns worth a look: learners whose current helpful votes go mostly to one colleague's contributions
    /// (at least <see cref="VotePatternQuery.MinVotes"/>, and at least <see cref="VotePatternQuery.MinShare"/> of all
    /// their helpful votes), with how many the colleague gave back, most votes first. A report for a moderator to judge;
    /// it changes nothing. Reads the tenant's contributions and interaction log.
    /// </summary>
    Task<IReadOnlyList<VotePattern>> GetVotePatternsAsync(TenantId tenant, LearnerId moderator, VotePatternQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Ends a contribution's feature now. Fails as <see cref="ApproveAsync"/> does, and with <see cref="ArgumentException"/> when it is not featured.</summary>
    Task<Contribution> UnfeatureAsync(TenantId tenant, LearnerId moderator, ContributionId contribution, long expectedVersion, CancellationToken cancellationToken = default);
}
