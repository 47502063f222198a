namespace SocialLearning;

/// <summary>Input to <see cref="IContributionService.ShareAsync"/>.</summary>
public sealed record ShareContributionRequest
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>Who shares it; must be a learner of the tenant.</summary>
    public required LearnerId Author { get; init; }

    /// <summary>The kind; default <see cref="ContributionKind.Tip"/>.</summary>
    public ContributionKind Kind { get; init; } = ContributionKind.Tip;

    /// <summary>Title, 1 to <see cref="SocialLearningOptions.MaxTitleLength"/> characters.</summary>
    public required string Title { get; init; }

    /// <summary>Markdown body, 1 to <see cref="SocialLearningOptions.MaxBodyLength"/> characters.</summary>
    public required string Body { get; init; }

    /// <summary>Skill ids; each must exist unless <see cref="SocialLearningOptions.AutoCreateSkills"/> is set.</summary>
    public IReadOnlyList<string> Skills { get; init; } = [];

    /// <summary>Context keys in <c>scheme:value</c> form, for example <c>route:/invoices/new</c>.</summary>
    public IReadOnlyList<string> ContextKeys { get; init; } = [];

    /// <summary>Who may see it; everyone by default.</summary>
    public Audience Audience { get; init; } = Audience.Everyone;

    /// <summary>For an answer: the question it answers (required for answers, forbidden otherwise).</summary>
    public ContributionId? ParentId { get; init; }

    /// <summary>For a resource link: the absolute http(s) URL (required for links).</summary>
    public Uri? Url { get; init; }

    /// <summary>Initial status: <see cref="ContributionStatus.Published"/> (default), draft or pending review.</summary>
    public ContributionStatus Status { get; init; } = ContributionStatus.Published;

    /// <summary>An explicit id; a new one is made when null.</summary>
    public ContributionId? Id { get; init; }

    /// <summary>Retrying with the same key returns the first result and writes nothing.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>Input to <see cref="IContributionService.EditAsync"/>. Null fields keep their value.</summary>
public sealed record EditContributionRequest
{
    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The contribution to edit.</summary>
    public required ContributionId Id { get; init; }

    /// <summary>Who edits it.</summary>
    public required LearnerId Editor { get; init; }

    /// <summary>The version the editor read; a newer stored version fails with <see cref="VersionConflictException"/>.</summary>
    public required long ExpectedVersion { get; init; }

    /// <summary>New title, or null to keep it.</summary>
    public string? Title { get; init; }

    /// <summary>New body, or null to keep it.</summary>
    public string? Body { get; init; }

    /// <summary>New skills, or null to keep them.</summary>
    public IReadOnlyList<string>? Skills { get; init; }

    /// <summary>New context keys, or null to keep them.</summary>
    public IReadOnlyList<string>? ContextKeys { get; init; }

    /// <summary>New audience, or null to keep it.</summary>
    public Audience? Audience { get; init; }

    /// <summary>New status, or null to keep it. Only the author may publish, archive or unpublish.</summary>
    public ContributionStatus? Status { get; init; }
}

/// <summary>Feedback a learner gives on a contribution with one click.</summary>
public enum FeedbackKind
{
    /// <summary>It helped.</summary>
    Helpful = InteractionKind.Helpful,

    /// <summary>It did not help.</summary>
    NotHelpful = InteractionKind.NotHelpful,

    /// <summary>Save for later.</summary>
    Saved = InteractionKind.Saved,

    /// <summary>Do not show it to me again.</summary>
    Dismissed = InteractionKind.Dismissed,

    /// <summary>Viewed (impression or open).</summary>
    Viewed = InteractionKind.Viewed,

    /// <summary>Shared with a colleague.</summary>
    Shared = InteractionKind.Shared,

    /// <summary>Accepted as the answer (by the question's author).</summary>
    Accepted = InteractionKind.Accepted,

    /// <summary>Endorsed.</summary>
    Endorsed = InteractionKind.Endorsed,
}

/// <summary>A learner's proficiency in one skill, from the evidence after precedence and decay.</summary>
public sealed record SkillProficiency
{
    /// <summary>The skill.</summary>
    public required SkillId Skill { get; init; }

    /// <summary>Effective level in [0, 1] after time decay.</summary>
    public required double Level { get; init; }

    /// <summary>The source that decided the level (the highest-precedence one with evidence).</summary>
    public required EvidenceSource Source { get; init; }

    /// <summary>How many pieces of evidence exist for the skill, over all sources.</summary>
    public required int EvidenceCount { get; init; }

    /// <summary>When the deciding evidence was observed.</summary>
    public required DateTimeOffset ObservedAt { get; init; }
}

/// <summary>A learner with their proficiencies.</summary>
public sealed record LearnerProfile
{
    /// <summary>The learner.</summary>
    public required Learner Learner { get; init; }

    /// <summary>Proficiencies, highest level first.</summary>
    public required IReadOnlyList<SkillProficiency> Skills { get; init; }
}

/// <summary>A tenant's skills and edges at one moment.</summary>
public sealed record SkillGraph
{
    /// <summary>The skills.</summary>
    public required IReadOnlyList<Skill> Skills { get; init; }

    /// <summary>The edges.</summary>
    public required IReadOnlyList<SkillEdge> Edges { get; init; }
}

/// <summary>A skill as a taxonomy or a host defines it, for <see cref="ISkillService.ImportAsync"/>.</summary>
public sealed record SkillDefinition
{
    /// <summary>The skill id.</summary>
    public required SkillId Id { get; init; }

    /// <summary>Display name, 1 to 200 characters (trimmed).</summary>
    public required string Name { get; init; }

    /// <summary>Other names people use for it: at most 50, each 1 to 200 characters.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Optional description, at most 4,000 characters.</summary>
    public string? Description { get; init; }
}

/// <summary>An edge between two skills, for <see cref="ISkillService.ImportAsync"/>.</summary>
public sealed record SkillEdgeDefinition
{
    /// <summary>The skill the edge starts at (for a prerequisite: the skill learned first).</summary>
    public required SkillId From { get; init; }

    /// <summary>The skill the edge ends at.</summary>
    public required SkillId To { get; init; }

    /// <summary>The kind of edge.</summary>
    public required SkillEdgeKind Kind { get; init; }

    /// <summary>Weight in (0, 1]; default 1.</summary>
    public double Weight { get; init; } = 1.0;
}

/// <summary>What <see cref="ISkillService.ImportAsync"/> wrote.</summary>
public sealed record SkillImportResult
{
    /// <summary>Skills that were not in the store.</summary>
    public required int SkillsCreated { get; init; }

    /// <summary>Skills whose name, aliases or description changed.</summary>
    public required int SkillsUpdated { get; init; }

    /// <summary>Skills already stored exactly as defined (nothing written).</summary>
    public required int SkillsUnchanged { get; init; }

    /// <summary>Edges that were not in the store.</summary>
    public required int EdgesAdded { get; init; }

    /// <summary>Edges whose weight changed (removed and added again).</summary>
    public required int EdgesUpdated { get; init; }

    /// <summary>Edges already stored with the same weight (nothing written).</summary>
    public required int EdgesUnchanged { get; init; }
}

/// <summary>Why a contribution is in the review queue.</summary>
public enum ReviewReason
{
    /// <summary>Its author (or <see cref="SocialLearningOptions.RequireReview"/>) sent it to review.</summary>
    PendingReview = 1,

    /// <summary>It is hidden (by flags, or changed since a moderator hid it) and no moderator has decided since.</summary>
    Hidden = 2,

    /// <summary>It is published and was flagged since a moderator last decided on it, fewer times than hide it.</summary>
    Flagged = 3,
}

/// <summary>One entry of the review queue.</summary>
public sealed record ReviewItem
{
    /// <summary>The contribution as stored; pass its <see cref="Contribution.Version"/> to the decision.</summary>
    public required Contribution Contribution { get; init; }

    /// <summary>Why it waits.</summary>
    public required ReviewReason Reason { get; init; }

    /// <summary>Since when it waits: its last change, or its first flag since the last decision when that is later.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>The flags since a moderator last decided on it (all of them when none has), oldest first.</summary>
    public IReadOnlyList<FlagReport> Flags { get; init; } = [];
}

/// <summary>One learner's flag on a contribution.</summary>
public sealed record FlagReport
{
    /// <summary>Who flagged it.</summary>
    public required LearnerId Learner { get; init; }

    /// <summary>The reason they gave.</summary>
    public required string Reason { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset FlaggedAt { get; init; }

    /// <summary>
    /// Whether it counts toward hiding: the learner was known for <see cref="SocialLearningOptions.TrustedFlaggerMinimumAge"/>
    /// when they flagged and has had fewer than <see cref="SocialLearningOptions.UntrustedAfterOverturnedFlags"/> flags
    /// overturned, or is a moderator. Other flags are shown to moderators but hide nothing.
    /// </summary>
    public bool Trusted { get; init; }

    /// <summary>How many of this learner's flags moderators have overturned so far (flagged contributions they approved after the flag).</summary>
    public int Overturned { get; init; }
}

/// <summary>Thresholds of <see cref="IModerationService.GetVotePatternsAsync"/>.</summary>
public sealed record VotePatternQuery
{
    /// <summary>Helpful votes from one learner on one colleague's contributions to report. 1 to 1,000; default 5.</summary>
    public int MinVotes { get; init; } = 5;

    /// <summary>The share of the voter's helpful votes that went to that colleague. More than 0, at most 1; default 0.5.</summary>
    public double MinShare { get; init; } = 0.5;

    /// <summary>Most patterns returned. 1 to 500; default 50.</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>One learner's helpful votes concentrated on one colleague.</summary>
public sealed record VotePattern
{
    /// <summary>Who voted.</summary>
    public required LearnerId Voter { get; init; }

    /// <summary>Whose contributions they voted helpful.</summary>
    public required LearnerId Author { get; init; }

    /// <summary>The voter's current helpful votes on the author's contributions (one per contribution).</summary>
    public required int HelpfulVotes { get; init; }

    /// <summary>Those votes as a share of all the voter's current helpful votes.</summary>
    public required double Share { get; init; }

    /// <summary>The author's current helpful votes on the voter's contributions: high on both sides looks like a ring.</summary>
    public required int Reciprocal { get; init; }

    /// <summary>The first of those votes.</summary>
    public required DateTimeOffset FirstVoteAt { get; init; }

    /// <summary>The last of those votes.</summary>
    public required DateTimeOffset LastVoteAt { get; init; }
}
