namespace SocialLearning;

/// <summary>A person in a tenant, with the team and roles the host knows.</summary>
public sealed record Learner
{
    /// <summary>The tenant the learner belongs to.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The learner's id from the host's identity system.</summary>
    public required LearnerId Id { get; init; }

    /// <summary>Name shown to colleagues (1 to 200 characters).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Team, if any; used for audiences and "people like you".</summary>
    public string? Team { get; init; }

    /// <summary>Roles, for example <c>accounts-payable-clerk</c>.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Optimistic-concurrency version, 1 for a new record; set by the store.</summary>
    public long Version { get; init; }

    /// <summary>When the learner was first stored.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <inheritdoc />
    public bool Equals(Learner? other) =>
        other is not null && Tenant == other.Tenant && Id == other.Id && DisplayName == other.DisplayName
        && Team == other.Team && Roles.SequenceEqual(other.Roles) && Version == other.Version && CreatedAt == other.CreatedAt;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Tenant, Id, Version);
}

/// <summary>A skill with its aliases.</summary>
public sealed record Skill
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The skill id.</summary>
    public required SkillId Id { get; init; }

    /// <summary>Display name (1 to 200 characters).</summary>
    public required string Name { get; init; }

    /// <summary>Other names people use for the skill.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Optional description.</summary>
    public string? Description { get; init; }

    /// <summary>Optimistic-concurrency version, 1 for a new record; set by the store.</summary>
    public long Version { get; init; }

    /// <summary>When the skill was first stored.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <inheritdoc />
    public bool Equals(Skill? other) =>
        other is not null && Tenant == other.Tenant && Id == other.Id && Name == other.Name
        && Aliases.SequenceEqual(other.Aliases) && Description == other.Description && Version == other.Version && CreatedAt == other.CreatedAt;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Tenant, Id, Version);
}

/// <summary>The kind of a skill-graph edge.</summary>
public enum SkillEdgeKind
{
    /// <summary><c>From</c> should be learned before <c>To</c>. Prerequisite edges form a DAG.</summary>
    Prerequisite = 1,

    /// <summary><c>From</c> and <c>To</c> are related, with a weight in (0, 1].</summary>
    Related = 2,

    /// <summary><c>To</c> is the broader skill of <c>From</c>.</summary>
    Broader = 3,
}

/// <summary>A typed edge between two skills of one tenant.</summary>
public sealed record SkillEdge
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>Source skill.</summary>
    public required SkillId From { get; init; }

    /// <summary>Target skill.</summary>
    public required SkillId To { get; init; }

    /// <summary>Edge kind.</summary>
    public required SkillEdgeKind Kind { get; init; }

    /// <summary>Weight in (0, 1]; 1 unless the edge is <see cref="SkillEdgeKind.Related"/> with a weaker relation.</summary>
    public double Weight { get; init; } = 1.0;
}

/// <summary>Where evidence of a learner's proficiency comes from. Higher values take precedence.</summary>
public enum EvidenceSource
{
    /// <summary>Inferred from what the learner did and shared (accepted answers, helpful tips).</summary>
    Activity = 1,

    /// <summary>The learner's own statement.</summary>
    Self = 2,

    /// <summary>A colleague's endorsement.</summary>
    PeerEndorsement = 3,

    /// <summary>The learner's manager's assessment.</summary>
    Manager = 4,
}

/// <summary>One piece of evidence about a learner's proficiency in a skill. Append-only.</summary>
public sealed record ProficiencyEvidence
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>Whose proficiency.</summary>
    public required LearnerId Learner { get; init; }

    /// <summary>Which skill.</summary>
    public required SkillId Skill { get; init; }

    /// <summary>Where it comes from.</summary>
    public required EvidenceSource Source { get; init; }

    /// <summary>Level from 0 (none) to 1 (expert).</summary>
    public required double Level { get; init; }

    /// <summary>Who gave it (endorser or manager); null for self and activity.</summary>
    public LearnerId? GivenBy { get; init; }

    /// <summary>When it was observed.</summary>
    public DateTimeOffset ObservedAt { get; init; }
}

/// <summary>The kind of a contribution.</summary>
public enum ContributionKind
{
    /// <summary>A short tip.</summary>
    Tip = 1,

    /// <summary>A longer, step-by-step how-to.</summary>
    HowTo = 2,

    /// <summary>A question to colleagues.</summary>
    Question = 3,

    /// <summary>An answer to a question (has a parent).</summary>
    Answer = 4,

    /// <summary>A link to a resource, with a note.</summary>
    ResourceLink = 5,
}

/// <summary>The lifecycle status of a contribution. Only <see cref="Published"/> is recommended.</summary>
public enum ContributionStatus
{
    /// <summary>Visible to its author only.</summary>
    Draft = 1,

    /// <summary>Waiting for a moderator.</summary>
    PendingReview = 2,

    /// <summary>Visible to its audience.</summary>
    Published = 3,

    /// <summary>Hidden by moderation or flags.</summary>
    Hidden = 4,

    /// <summary>Retired by its author or a curator.</summary>
    Archived = 5,
}

/// <summary>Who may see a contribution. Empty lists mean everyone in the tenant.</summary>
public sealed record Audience
{
    /// <summary>Everyone in the tenant.</summary>
    public static Audience Everyone { get; } = new();

    /// <summary>Teams that may see it; empty for any team.</summary>
    public IReadOnlyList<string> Teams { get; init; } = [];

    /// <summary>Roles that may see it; empty for any role.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>True when the audience has no restriction.</summary>
    public bool IsEveryone => Teams.Count == 0 && Roles.Count == 0;

    /// <inheritdoc />
    public bool Equals(Audience? other) =>
        other is not null && Teams.SequenceEqual(other.Teams) && Roles.SequenceEqual(other.Roles);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Teams.Count, Roles.Count);
}

/// <summary>A tip, how-to, question, answer or resource link that a worker shares.</summary>
public sealed record Contribution
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The id.</summary>
    public required ContributionId Id { get; init; }

    /// <summary>The kind.</summary>
    public required ContributionKind Kind { get; init; }

    /// <summary>Who shared it.</summary>
    public required LearnerId Author { get; init; }

    /// <summary>Title (1 to 200 characters).</summary>
    public required string Title { get; init; }

    /// <summary>Markdown body, stored raw and rendered on the server.</summary>
    public required string Body { get; init; }

    /// <summary>Skills it helps with.</summary>
    public IReadOnlyList<SkillId> Skills { get; init; } = [];

    /// <summary>Places in the host app where it helps.</summary>
    public IReadOnlyList<ContextKey> ContextKeys { get; init; } = [];

    /// <summary>Who may see it.</summary>
    public Audience Audience { get; init; } = Audience.Everyone;

    /// <summary>Lifecycle status.</summary>
    public ContributionStatus Status { get; init; } = ContributionStatus.Published;

    /// <summary>For an answer: the question it answers.</summary>
    public ContributionId? ParentId { get; init; }

    /// <summary>For a resource link: the absolute http(s) URL.</summary>
    public Uri? Url { get; init; }

    /// <summary>Optimistic-concurrency version, 1 for a new record; set by the store.</summary>
    public long Version { get; init; }

    /// <summary>When it was first shared.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who made the last change (the author or an editor).</summary>
    public LearnerId? UpdatedBy { get; init; }

    /// <summary>
    /// The moderator who last decided on it (approved or hid it), or null when no moderator has. Set by
    /// <c>IModerationService</c>; stores keep it as given.
    /// </summary>
    public LearnerId? ReviewedBy { get; init; }

    /// <summary>When a moderator last decided on it, or null. Flags from before this time count as handled.</summary>
    public DateTimeOffset? ReviewedAt { get; init; }

    /// <summary>
    /// The moderator (the learning team) who featured it, or null: while <see cref="FeaturedUntil"/> is ahead, tip
    /// recommendations for its context keys show it first. Set by <c>IModerationService</c>; stores keep it as given.
    /// </summary>
    public LearnerId? FeaturedBy { get; init; }

    /// <summary>Until when it is featured, or null when it is not.</summary>
    public DateTimeOffset? FeaturedUntil { get; init; }

    /// <inheritdoc />
    public bool Equals(Contribution? other) =>
        other is not null
        && Tenant == other.Tenant && Id == other.Id && Kind == other.Kind && Author == other.Author
        && Title == other.Title && Body == other.Body
        && Skills.SequenceEqual(other.Skills) && ContextKeys.SequenceEqual(other.ContextKeys)
        && Audience.Equals(other.Audience) && Status == other.Status && ParentId == other.ParentId
        && Url == other.Url && Version == other.Version && CreatedAt == other.CreatedAt
        && UpdatedAt == other.UpdatedAt && UpdatedBy == other.UpdatedBy
        && ReviewedBy == other.ReviewedBy && ReviewedAt == other.ReviewedAt
        && FeaturedBy == other.FeaturedBy && FeaturedUntil == other.FeaturedUntil;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Tenant, Id, Version);
}

/// <summary>A past version of a contribution's text, kept on every edit.</summary>
public sealed record ContributionRevision
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The contribution.</summary>
    public required ContributionId ContributionId { get; init; }

    /// <summary>The contribution version this revision holds.</summary>
    public required long Version { get; init; }

    /// <summary>Title at that version.</summary>
    public required string Title { get; init; }

    /// <summary>Body at that version.</summary>
    public required string Body { get; init; }

    /// <summary>Who wrote that version.</summary>
    public required LearnerId EditedBy { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset EditedAt { get; init; }
}

/// <summary>What a learner did with a contribution. Interactions are append-only facts.</summary>
public enum InteractionKind
{
    /// <summary>Saw it. Counted every time.</summary>
    Viewed = 1,

    /// <summary>Voted it helpful. One vote (helpful or not helpful) per learner per item; a new vote replaces the old.</summary>
    Helpful = 2,

    /// <summary>Voted it not helpful. Shares the vote slot with <see cref="Helpful"/>.</summary>
    NotHelpful = 3,

    /// <summary>Saved it for later. Once per learner per item.</summary>
    Saved = 4,

    /// <summary>Dismissed it: never recommend it to this learner again. Once per learner per item.</summary>
    Dismissed = 5,

    /// <summary>Shared it with someone. Counted every time.</summary>
    Shared = 6,

    /// <summary>Accepted it as the answer to their question. Once per learner per item.</summary>
    Accepted = 7,

    /// <summary>Endorsed it. Once per learner per item.</summary>
    Endorsed = 8,

    /// <summary>Flagged it for moderation. Once per learner per item.</summary>
    Flagged = 9,
}

/// <summary>One fact in the interaction log.</summary>
public sealed record Interaction
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The contribution acted on.</summary>
    public required ContributionId ContributionId { get; init; }

    /// <summary>Who acted.</summary>
    public required LearnerId Learner { get; init; }

    /// <summary>What they did.</summary>
    public required InteractionKind Kind { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>Optional reason (for example why it was flagged), at most 1,000 characters.</summary>
    public string? Note { get; init; }
}

/// <summary>Counters derived from the interaction log. Votes count each learner once.</summary>
public sealed record ContributionCounters
{
    /// <summary>Counters of an item nobody has touched.</summary>
    public static ContributionCounters Zero { get; } = new();

    /// <summary>Views (every view counts).</summary>
    public long Views { get; init; }

    /// <summary>Learners whose current vote is helpful.</summary>
    public long Helpful { get; init; }

    /// <summary>Learners whose current vote is not helpful.</summary>
    public long NotHelpful { get; init; }

    /// <summary>Learners who saved it.</summary>
    public long Saves { get; init; }

    /// <summary>Learners who dismissed it.</summary>
    public long Dismissals { get; init; }

    /// <summary>Shares (every share counts).</summary>
    public long Shares { get; init; }

    /// <summary>Learners who accepted it.</summary>
    public long Accepts { get; init; }

    /// <summary>Learners who endorsed it.</summary>
    public long Endorsements { get; init; }

    /// <summary>Learners who flagged it.</summary>
    public long Flags { get; init; }

    /// <summary>Returns the counter that <paramref name="kind"/> feeds.</summary>
    public long Get(InteractionKind kind) => kind switch
    {
        InteractionKind.Viewed => Views,
        InteractionKind.Helpful => Helpful,
        InteractionKind.NotHelpful => NotHelpful,
        InteractionKind.Saved => Saves,
        InteractionKind.Dismissed => Dismissals,
        InteractionKind.Shared => Shares,
        InteractionKind.Accepted => Accepts,
        InteractionKind.Endorsed => Endorsements,
        InteractionKind.Flagged => Flags,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown interaction kind."),
    };

    /// <summary>Returns a copy with the counter for <paramref name="kind"/> changed by <paramref name="delta"/>.</summary>
    public ContributionCounters Add(InteractionKind kind, long delta) => kind switch
    {
        InteractionKind.Viewed => this with { Views = Views + delta },
        InteractionKind.Helpful => this with { Helpful = Helpful + delta },
        InteractionKind.NotHelpful => this with { NotHelpful = NotHelpful + delta },
        InteractionKind.Saved => this with { Saves = Saves + delta },
        InteractionKind.Dismissed => this with { Dismissals = Dismissals + delta },
        InteractionKind.Shared => this with { Shares = Shares + delta },
        InteractionKind.Accepted => this with { Accepts = Accepts + delta },
        InteractionKind.Endorsed => this with { Endorsements = Endorsements + delta },
        InteractionKind.Flagged => this with { Flags = Flags + delta },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown interaction kind."),
    };
}

/// <summary>Rules shared by every store for the interaction log.</summary>
public static class InteractionRules
{
    /// <summary>
    /// The uniqueness slot of an interaction kind: interactions in the same slot by the same learner on the
    /// same item are one fact. Returns null for kinds that count every time (viewed, shared).
    /// Helpful and not-helpful share the <c>vote</c> slot, so a new vote replaces the old one.
    /// </summary>
    public static string? UniqueSlot(InteractionKind kind) => kind switch
    {
        InteractionKind.Viewed or InteractionKind.Shared => null,
        InteractionKind.Helpful or InteractionKind.NotHelpful => "vote",
        InteractionKind.Saved => "saved",
        InteractionKind.Dismissed => "dismissed",
        InteractionKind.Accepted => "accepted",
        InteractionKind.Endorsed => "endorsed",
        InteractionKind.Flagged => "flagged",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown interaction kind."),
    };
}
