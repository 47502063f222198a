using System.Text.Json;
using System.Text.Json.Serialization;

namespace SocialLearning.AspNetCore;

/// <summary>Body of <c>POST /contributions</c>: share a tip, how-to, question, answer or resource link.</summary>
public sealed record ShareContributionBody
{
    /// <summary>Kind; default <c>Tip</c>.</summary>
    public ContributionKind? Kind { get; init; }

    /// <summary>Title.</summary>
    public string? Title { get; init; }

    /// <summary>Markdown body.</summary>
    public string? Body { get; init; }

    /// <summary>Skill ids.</summary>
    public IReadOnlyList<string>? Skills { get; init; }

    /// <summary>Context keys such as <c>route:/invoices/new</c>.</summary>
    public IReadOnlyList<string>? ContextKeys { get; init; }

    /// <summary>For a resource link: its http(s) URL.</summary>
    public string? Url { get; init; }

    /// <summary>For an answer: the question's id.</summary>
    public string? ParentId { get; init; }

    /// <summary>Initial status (Published, Draft or PendingReview); default Published.</summary>
    public ContributionStatus? Status { get; init; }
}

/// <summary>Body of <c>PUT /contributions/{id}</c> (with <c>If-Match</c>). Null fields keep their value.</summary>
public sealed record EditContributionBody
{
    /// <summary>New title.</summary>
    public string? Title { get; init; }

    /// <summary>New markdown body.</summary>
    public string? Body { get; init; }

    /// <summary>New skills.</summary>
    public IReadOnlyList<string>? Skills { get; init; }

    /// <summary>New context keys.</summary>
    public IReadOnlyList<string>? ContextKeys { get; init; }

    /// <summary>New status.</summary>
    public ContributionStatus? Status { get; init; }
}

/// <summary>Body of <c>POST /contributions/{id}/feedback</c>.</summary>
public sealed record FeedbackBody
{
    /// <summary>Helpful, NotHelpful, Saved, Dismissed or Viewed.</summary>
    public FeedbackKind? Kind { get; init; }
}

/// <summary>Body of <c>POST /contributions/{id}/flag</c>.</summary>
public sealed record FlagBody
{
    /// <summary>Why it should be reviewed.</summary>
    public string? Reason { get; init; }
}

/// <summary>A person as the widget shows them.</summary>
public sealed record PersonView
{
    /// <summary>Learner id.</summary>
    public required LearnerId Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }
}

/// <summary>The caller's own state on a contribution.</summary>
public sealed record MyFeedbackView
{
    /// <summary>The caller's current vote: Helpful, NotHelpful or null.</summary>
    public FeedbackKind? Vote { get; init; }

    /// <summary>Saved by the caller.</summary>
    public bool Saved { get; init; }

    /// <summary>Dismissed by the caller.</summary>
    public bool Dismissed { get; init; }
}

/// <summary>A contribution with its body rendered to sanitised HTML.</summary>
public sealed record ContributionView
{
    /// <summary>Id.</summary>
    public required ContributionId Id { get; init; }

    /// <summary>Kind.</summary>
    public required ContributionKind Kind { get; init; }

    /// <summary>Title (plain text; insert with textContent).</summary>
    public required string Title { get; init; }

    /// <summary>Raw markdown, for editing.</summary>
    public required string Body { get; init; }

    /// <summary>Sanitised HTML of the body.</summary>
    public required string BodyHtml { get; init; }

    /// <summary>Author.</summary>
    public required PersonView Author { get; init; }

    /// <summary>Skills.</summary>
    public required IReadOnlyList<SkillId> Skills { get; init; }

    /// <summary>Context keys.</summary>
    public required IReadOnlyList<ContextKey> ContextKeys { get; init; }

    /// <summary>Status.</summary>
    public required ContributionStatus Status { get; init; }

    /// <summary>Version; the ETag is this number in quotes.</summary>
    public required long Version { get; init; }

    /// <summary>For a resource link: its URL.</summary>
    public string? Url { get; init; }

    /// <summary>For an answer: the question.</summary>
    public ContributionId? ParentId { get; init; }

    /// <summary>Created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Until when the learning team features it, when it does.</summary>
    public DateTimeOffset? FeaturedUntil { get; init; }

    /// <summary>Counters.</summary>
    public required ContributionCounters Counters { get; init; }

    /// <summary>The caller's own feedback.</summary>
    public required MyFeedbackView Mine { get; init; }
}

/// <summary>A recommended tip as the widget shows it.</summary>
public sealed record TipView
{
    /// <summary>The contribution.</summary>
    public required ContributionId Id { get; init; }

    /// <summary>Kind.</summary>
    public required ContributionKind Kind { get; init; }

    /// <summary>Title (plain text).</summary>
    public required string Title { get; init; }

    /// <summary>Sanitised HTML of the body.</summary>
    public required string BodyHtml { get; init; }

    /// <summary>Author.</summary>
    public required PersonView Author { get; init; }

    /// <summary>The ranker's score.</summary>
    public required double Score { get; init; }

    /// <summary>Why it is recommended.</summary>
    public required IReadOnlyList<ExplanationSignal> Explanation { get; init; }

    /// <summary>Counters.</summary>
    public required ContributionCounters Counters { get; init; }

    /// <summary>The caller's own feedback.</summary>
    public required MyFeedbackView Mine { get; init; }
}

/// <summary>Answer of <c>GET /tips</c>.</summary>
public sealed record TipsView
{
    /// <summary>The tips, best first.</summary>
    public required IReadOnlyList<TipView> Items { get; init; }

    /// <summary>The ranker.</summary>
    public required string Ranker { get; init; }

    /// <summary>The A/B variant, if any.</summary>
    public string? Variant { get; init; }
}

/// <summary>Answer of <c>GET /peers</c>.</summary>
public sealed record PeersView
{
    /// <summary>Colleagues, best first.</summary>
    public required IReadOnlyList<PeerRecommendation> Items { get; init; }

    /// <summary>The ranker.</summary>
    public required string Ranker { get; init; }
}

/// <summary>Answer of feedback and flag writes.</summary>
public sealed record FeedbackView
{
    /// <summary>What happened.</summary>
    public required InteractionOutcome Outcome { get; init; }

    /// <summary>Counters after the write.</summary>
    public required ContributionCounters Counters { get; init; }
}

/// <summary>A skill.</summary>
public sealed record SkillView
{
    /// <summary>Id.</summary>
    public required SkillId Id { get; init; }

    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Aliases.</summary>
    public required IReadOnlyList<string> Aliases { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }
}

/// <summary>Answer of <c>GET /skills/search?q=…&amp;limit=…</c>: the matching skills, best first.</summary>
public sealed record SkillSearchView
{
    /// <summary>Skills, best match first (see <c>ISkillService.FindAsync</c>).</summary>
    public required IReadOnlyList<SkillView> Skills { get; init; }
}

/// <summary>A skill-graph edge.</summary>
public sealed record SkillEdgeView
{
    /// <summary>From.</summary>
    public required SkillId From { get; init; }

    /// <summary>To.</summary>
    public required SkillId To { get; init; }

    /// <summary>Kind.</summary>
    public required SkillEdgeKind Kind { get; init; }

    /// <summary>Weight.</summary>
    public required double Weight { get; init; }
}

/// <summary>Answer of <c>GET /skills</c>.</summary>
public sealed record SkillsView
{
    /// <summary>Skills, by id.</summary>
    public required IReadOnlyList<SkillView> Skills { get; init; }

    /// <summary>Edges.</summary>
    public required IReadOnlyList<SkillEdgeView> Edges { get; init; }
}

/// <summary>
/// Body of <c>PUT /moderation/skills</c>: skills and edges to create or update (<see cref="ISkillService.ImportAsync"/>).
/// The shape of <see cref="SkillsView"/>, so what <c>GET /skills</c> returns can be edited and sent back; a skill's
/// <c>aliases</c> and <c>description</c> and an edge's <c>weight</c> (default 1) may be left out.
/// </summary>
public sealed record SkillGraphBody
{
    /// <summary>Skills.</summary>
    public IReadOnlyList<SkillBody?>? Skills { get; init; }

    /// <summary>Edges.</summary>
    public IReadOnlyList<SkillEdgeBody?>? Edges { get; init; }
}

/// <summary>A skill in <see cref="SkillGraphBody"/>.</summary>
public sealed record SkillBody
{
    /// <summary>Id.</summary>
    public SkillId Id { get; init; }

    /// <summary>Name, 1 to 200 characters.</summary>
    public string? Name { get; init; }

    /// <summary>Aliases: at most 50 of 1 to 200 characters.</summary>
    public IReadOnlyList<string>? Aliases { get; init; }

    /// <summary>Description, at most 4,000 characters.</summary>
    public string? Description { get; init; }
}

/// <summary>An edge in <see cref="SkillGraphBody"/>.</summary>
public sealed record SkillEdgeBody
{
    /// <summary>From.</summary>
    public SkillId From { get; init; }

    /// <summary>To.</summary>
    public SkillId To { get; init; }

    /// <summary>Kind: <c>Prerequisite</c>, <c>Related</c> or <c>Broader</c>.</summary>
    public SkillEdgeKind Kind { get; init; }

    /// <summary>Weight in (0, 1]; default 1.</summary>
    public double? Weight { get; init; }
}

/// <summary>Answer of <c>GET /me</c>.</summary>
public sealed record MeView
{
    /// <summary>The caller.</summary>
    public required PersonView Learner { get; init; }

    /// <summary>Team.</summary>
    public string? Team { get; init; }

    /// <summary>Roles.</summary>
    public required IReadOnlyList<string> Roles { get; init; }
}

/// <summary>Answer of <c>GET /moderation/votes</c>: helpful votes concentrated on one colleague, most first.</summary>
public sealed record VotePatternsView
{
    /// <summary>The patterns.</summary>
    public required IReadOnlyList<VotePatternView> Items { get; init; }
}

/// <summary>One learner's helpful votes concentrated on one colleague (see <see cref="VotePattern"/>).</summary>
public sealed record VotePatternView
{
    /// <summary>Who voted.</summary>
    public required PersonView Voter { get; init; }

    /// <summary>Whose contributions they voted helpful.</summary>
    public required PersonView Author { get; init; }

    /// <summary>Those helpful votes.</summary>
    public required int HelpfulVotes { get; init; }

    /// <summary>Their share of all the voter's helpful votes.</summary>
    public required double Share { get; init; }

    /// <summary>The author's helpful votes on the voter's contributions.</summary>
    public required int Reciprocal { get; init; }

    /// <summary>The first of those votes.</summary>
    public required DateTimeOffset FirstVoteAt { get; init; }

    /// <summary>The last of those votes.</summary>
    public required DateTimeOffset LastVoteAt { get; init; }
}

/// <summary>Body of <c>POST /moderation/contributions/{id}/feature</c>.</summary>
public sealed record FeatureBody
{
    /// <summary>Until when to feature it (ISO 8601, later than now).</summary>
    public DateTimeOffset? Until { get; init; }
}

/// <summary>Answer of <c>GET /moderation/queue</c>: what waits for a moderator, oldest first.</summary>
public sealed record ReviewQueueView
{
    /// <summary>The items.</summary>
    public required IReadOnlyList<ReviewItemView> Items { get; init; }
}

/// <summary>One contribution waiting for a moderator.</summary>
public sealed record ReviewItemView
{
    /// <summary>The contribution; send its version in <c>If-Match</c> with the decision.</summary>
    public required ContributionView Contribution { get; init; }

    /// <summary>Why it waits.</summary>
    public required ReviewReason Reason { get; init; }

    /// <summary>Since when.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>Flags since a moderator last decided on it, oldest first.</summary>
    public required IReadOnlyList<FlagView> Flags { get; init; }
}

/// <summary>One learner's flag.</summary>
public sealed record FlagView
{
    /// <summary>Who flagged it.</summary>
    public required PersonView Learner { get; init; }

    /// <summary>Their reason (plain text; insert with textContent).</summary>
    public required string Reason { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset FlaggedAt { get; init; }

    /// <summary>Whether it counts toward hiding (an account old enough whose flags moderators have not kept overturning, or a moderator).</summary>
    public bool Trusted { get; init; }

    /// <summary>How many of this learner's flags moderators have overturned.</summary>
    public int Overturned { get; init; }
}

/// <summary>Source-generated JSON for the endpoints (camelCase, enums as names, ids as strings).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    AllowTrailingCommas = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    Converters = [typeof(LearnerIdJsonConverter), typeof(SkillIdJsonConverter), typeof(ContributionIdJsonConverter), typeof(ContextKeyJsonConverter)])]
[JsonSerializable(typeof(ShareContributionBody))]
[JsonSerializable(typeof(EditContributionBody))]
[JsonSerializable(typeof(FeedbackBody))]
[JsonSerializable(typeof(FlagBody))]
[JsonSerializable(typeof(ContributionView))]
[JsonSerializable(typeof(TipsView))]
[JsonSerializable(typeof(PeersView))]
[JsonSerializable(typeof(FeedbackView))]
[JsonSerializable(typeof(SkillsView))]
[JsonSerializable(typeof(SkillSearchView))]
[JsonSerializable(typeof(LearningPath))]
[JsonSerializable(typeof(MeView))]
[JsonSerializable(typeof(ReviewQueueView))]
[JsonSerializable(typeof(FeatureBody))]
[JsonSerializable(typeof(SkillGraphBody))]
[JsonSerializable(typeof(SkillImportResult))]
[JsonSerializable(typeof(VotePatternsView))]
[JsonSerializable(typeof(LearningInsightsReport))]
internal sealed partial class SocialLearningJsonContext : JsonSerializerContext;

internal sealed class LearnerIdJsonConverter : JsonConverter<LearnerId>
{
    public override LearnerId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException("Ids are only written.");

    public override void Write(Utf8JsonWriter writer, LearnerId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class SkillIdJsonConverter : JsonConverter<SkillId>
{
    /// <summary>Skill ids are read in <c>PUT moderation/skills</c>; a bad one is an <see cref="InvalidIdJsonException"/> saying why.</summary>
    public override SkillId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (SkillId.TryCreate(value, out var id))
        {
            return id;
        }

        try
        {
            _ = new SkillId(value!);
        }
        catch (ArgumentException e)
        {
            throw new InvalidIdJsonException(e.Message);
        }

        throw new InvalidIdJsonException("A skill id must be a JSON string.");
    }

    public override void Write(Utf8JsonWriter writer, SkillId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

/// <summary>An id in a request body that is not a valid id; the message says why.</summary>
internal sealed class InvalidIdJsonException(string message) : JsonException(message);

internal sealed class ContributionIdJsonConverter : JsonConverter<ContributionId>
{
    public override ContributionId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException("Ids are only written.");

    public override void Write(Utf8JsonWriter writer, ContributionId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class ContextKeyJsonConverter : JsonConverter<ContextKey>
{
    public override ContextKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException("Context keys are only written.");

    public override void Write(Utf8JsonWriter writer, ContextKey value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
