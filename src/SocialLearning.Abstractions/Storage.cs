namespace SocialLearning;

/// <summary>
/// Persistence for one SocialLearning deployment: entities, the interaction log and the change feed.
/// Stores are persistence, not search: recommendations are served from an in-memory index that follows
/// <see cref="ReadChangesAsync"/>. Every method is tenant-scoped: a record of one tenant is invisible to
/// every other. Run the conformance suite in <c>SocialLearning.Testing</c> against an implementation.
/// </summary>
/// <remarks>
/// Write rules every store must keep:
/// <list type="bullet">
/// <item>Create methods assign <c>Version = 1</c> and fail with <see cref="DuplicateEntityException"/> when the id exists,
/// unless the same <c>idempotencyKey</c> was used before, in which case the first result is returned and nothing is written.</item>
/// <item>Update methods take the version the caller read and fail with <see cref="VersionConflictException"/> when the
/// stored version differs; on success the stored version is one higher.</item>
/// <item>Interactions in the same <see cref="InteractionRules.UniqueSlot"/> are unique per learner and item, enforced by
/// the store itself (a unique key), not by a read before the write.</item>
/// <item>Every committed write appends exactly one change to the feed, in commit order.</item>
/// <item>An operation on an id the tenant does not have throws <see cref="EntityNotFoundException"/>.</item>
/// </list>
/// </remarks>
public interface ISocialLearningStore
{
    /// <summary>Stores a new learner.</summary>
    Task<Learner> CreateLearnerAsync(Learner learner, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a learner when its stored version is <paramref name="expectedVersion"/>.</summary>
    Task<Learner> UpdateLearnerAsync(Learner learner, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Reads a learner, or null.</summary>
    Task<Learner?> GetLearnerAsync(TenantId tenant, LearnerId id, CancellationToken cancellationToken = default);

    /// <summary>Streams a tenant's learners, ordered by id (ordinal).</summary>
    IAsyncEnumerable<Learner> ListLearnersAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Stores a new skill.</summary>
    Task<Skill> CreateSkillAsync(Skill skill, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a skill when its stored version is <paramref name="expectedVersion"/>.</summary>
    Task<Skill> UpdateSkillAsync(Skill skill, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Reads a skill, or null.</summary>
    Task<Skill?> GetSkillAsync(TenantId tenant, SkillId id, CancellationToken cancellationToken = default);

    /// <summary>Streams a tenant's skills, ordered by id (ordinal).</summary>
    IAsyncEnumerable<Skill> ListSkillsAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds an edge between two existing skills. Returns false (and writes nothing) when an edge with the same
    /// from, to and kind exists. Cycle checks are the caller's job (see the skill service).
    /// </summary>
    Task<bool> AddSkillEdgeAsync(SkillEdge edge, CancellationToken cancellationToken = default);

    /// <summary>Removes an edge; returns false when there was none.</summary>
    Task<bool> RemoveSkillEdgeAsync(TenantId tenant, SkillId from, SkillId to, SkillEdgeKind kind, CancellationToken cancellationToken = default);

    /// <summary>Streams a tenant's skill edges.</summary>
    IAsyncEnumerable<SkillEdge> ListSkillEdgesAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Appends proficiency evidence for an existing learner and skill. Returns false when the idempotency key was used before.</summary>
    Task<bool> AppendEvidenceAsync(ProficiencyEvidence evidence, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Streams evidence of a tenant, or of one learner, in the order it was appended.</summary>
    IAsyncEnumerable<ProficiencyEvidence> ListEvidenceAsync(TenantId tenant, LearnerId? learner = null, CancellationToken cancellationToken = default);

    /// <summary>Stores a new contribution and its first revision.</summary>
    Task<Contribution> CreateContributionAsync(Contribution contribution, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a contribution when its stored version is <paramref name="expectedVersion"/>, keeping a revision of the new text.</summary>
    Task<Contribution> UpdateContributionAsync(Contribution contribution, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Reads a contribution, or null.</summary>
    Task<Contribution?> GetContributionAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default);

    /// <summary>Streams a tenant's contributions, ordered by id (ordinal).</summary>
    IAsyncEnumerable<Contribution> ListContributionsAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Streams a contribution's revisions, oldest first. Throws <see cref="EntityNotFoundException"/> for an unknown id.</summary>
    IAsyncEnumerable<ContributionRevision> ListRevisionsAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends an interaction with an existing contribution and learner, keeping the uniqueness rules of
    /// <see cref="InteractionRules.UniqueSlot"/>, and returns what happened with the counters after it.
    /// </summary>
    Task<InteractionResult> AppendInteractionAsync(Interaction interaction, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the counters of a contribution. Throws <see cref="EntityNotFoundException"/> for an unknown id.</summary>
    Task<ContributionCounters> GetCountersAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default);

    /// <summary>Streams interactions of a tenant in the order they were appended, optionally for one contribution and/or one learner.</summary>
    IAsyncEnumerable<Interaction> ListInteractionsAsync(TenantId tenant, ContributionId? contribution = null, LearnerId? learner = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads committed changes with a position greater than <paramref name="afterPosition"/>, in commit order,
    /// at most <paramref name="maxCount"/> (1 to 10,000). A change is never returned before every change with a
    /// lower position is visible, so a follower that resumes from the last position it saw misses nothing.
    /// With <paramref name="tenant"/> null the feed of every tenant is read (for infrastructure such as the index).
    /// </summary>
    Task<ChangeBatch> ReadChangesAsync(long afterPosition, int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>The position of the last committed change (0 when there is none).</summary>
    Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Optional for a store: adds many skills and skill edges of one tenant in one transaction. <c>ISkillService.ImportAsync</c>
/// (seeding a skill graph from a taxonomy) uses it when the registered store implements it, and otherwise writes one
/// skill or edge at a time through <see cref="ISocialLearningStore"/>. The shipped stores implement it; the conformance
/// suite <c>SkillGraphBatchWriterConformanceTests</c> (namespace <c>SocialLearning.Testing.Storage.Optional</c>) checks one.
/// </summary>
public interface ISkillGraphBatchWriter
{
    /// <summary>
    /// Creates every skill in <paramref name="skills"/> (version 1; each of <paramref name="tenant"/>), then adds every edge in
    /// <paramref name="edges"/> that does not exist yet, in one transaction, appending one change per skill and per added
    /// edge in that order. All or nothing: a skill id that exists (<see cref="DuplicateEntityException"/>) or an edge to a
    /// skill the tenant does not have (<see cref="EntityNotFoundException"/>) leaves the store as it was. Returns how many
    /// edges were added.
    /// </summary>
    Task<int> AddSkillGraphAsync(TenantId tenant, IReadOnlyList<Skill> skills, IReadOnlyList<SkillEdge> edges, CancellationToken cancellationToken = default);
}

/// <summary>What an interaction write did.</summary>
public enum InteractionOutcome
{
    /// <summary>A new fact was recorded.</summary>
    Recorded = 1,

    /// <summary>The same fact was already recorded (same slot and kind, or the idempotency key was seen); nothing changed.</summary>
    AlreadyRecorded = 2,

    /// <summary>The learner's vote was changed (helpful to not helpful or back).</summary>
    Replaced = 3,
}

/// <summary>The result of <see cref="ISocialLearningStore.AppendInteractionAsync"/>.</summary>
public sealed record InteractionResult
{
    /// <summary>What happened.</summary>
    public required InteractionOutcome Outcome { get; init; }

    /// <summary>The counters after the write.</summary>
    public required ContributionCounters Counters { get; init; }
}

/// <summary>What a change was.</summary>
public enum ChangeKind
{
    /// <summary>A learner was created.</summary>
    LearnerCreated = 1,

    /// <summary>A learner was updated.</summary>
    LearnerUpdated = 2,

    /// <summary>A skill was created.</summary>
    SkillCreated = 3,

    /// <summary>A skill was updated.</summary>
    SkillUpdated = 4,

    /// <summary>A skill edge was added; <see cref="Change.EntityId"/> is <c>from|to|kind</c>.</summary>
    SkillEdgeAdded = 5,

    /// <summary>A skill edge was removed; <see cref="Change.EntityId"/> is <c>from|to|kind</c>.</summary>
    SkillEdgeRemoved = 6,

    /// <summary>Proficiency evidence was appended; <see cref="Change.EntityId"/> is the skill id.</summary>
    EvidenceAppended = 7,

    /// <summary>A contribution was created.</summary>
    ContributionCreated = 8,

    /// <summary>A contribution was updated.</summary>
    ContributionUpdated = 9,

    /// <summary>An interaction was recorded or a vote replaced; <see cref="Change.EntityId"/> is the contribution id.</summary>
    InteractionRecorded = 10,
}

/// <summary>One committed change in the feed.</summary>
public sealed record Change
{
    /// <summary>Position in the feed; strictly increasing in commit order.</summary>
    public required long Position { get; init; }

    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>What changed.</summary>
    public required ChangeKind Kind { get; init; }

    /// <summary>The id of the entity that changed (see <see cref="ChangeKind"/>).</summary>
    public required string EntityId { get; init; }

    /// <summary>The entity version after the change, or 0 where entities have none.</summary>
    public long Version { get; init; }

    /// <summary>The learner behind the change, where one is known (interactions, evidence).</summary>
    public LearnerId? Learner { get; init; }

    /// <summary>For <see cref="ChangeKind.InteractionRecorded"/>: the interaction kind.</summary>
    public InteractionKind? InteractionKind { get; init; }

    /// <summary>When the change happened (the entity's own timestamp).</summary>
    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>A page of the change feed.</summary>
public sealed record ChangeBatch
{
    /// <summary>The changes, in commit order.</summary>
    public required IReadOnlyList<Change> Changes { get; init; }

    /// <summary>The position to pass as <c>afterPosition</c> next time.</summary>
    public required long LastPosition { get; init; }
}
