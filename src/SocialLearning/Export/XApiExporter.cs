using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SocialLearning.Services;

namespace SocialLearning;

/// <summary>What <see cref="IXApiExporter"/> exports and how it names things.</summary>
public sealed record XApiExportOptions
{
    /// <summary>
    /// Absolute http(s) IRI that activity ids start with; it must end with <c>/</c>. A contribution becomes
    /// <c>{ActivityBaseUri}contributions/{id}</c> and a skill <c>{ActivityBaseUri}skills/{id}</c>. Use an address of the
    /// host app, so that the ids are the host's own.
    /// </summary>
    public required Uri ActivityBaseUri { get; init; }

    /// <summary>Absolute http(s) IRI of the system where learner ids are accounts (<c>actor.account.homePage</c>).</summary>
    public required Uri AccountHomePage { get; init; }

    /// <summary>Only statements at or after this time; null for no lower bound.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only statements before this time; null for no upper bound.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Whether views are exported (they are most of the log). Default true.</summary>
    public bool IncludeViews { get; init; } = true;

    /// <summary>
    /// Whether proficiency evidence is exported: one statement per piece of evidence, about the skill, with the level as
    /// <c>result.score.scaled</c> and its source (activity, self, peer-endorsement, manager) as an extension. Default false.
    /// </summary>
    public bool IncludeEvidence { get; init; }

    /// <summary>
    /// Whether moderators' decisions are exported: the last decision on each contribution (approved, if it is still
    /// published; rejected, if hidden), by the moderator, at the time of the decision. Default false.
    /// </summary>
    public bool IncludeModeration { get; init; }

    /// <summary>
    /// Whether actors carry the learner's display name (<c>actor.name</c>). Default false: the account id identifies the
    /// learner, and the name is personal data the LRS may not need.
    /// </summary>
    public bool IncludeNames { get; init; }
}

/// <summary>
/// Exports a tenant's activity as xAPI 1.0.3 statements, for a Learning Record Store: sharing, asking and answering
/// from the contributions, every interaction (viewed, voted up or down, saved, dismissed, shared, accepted,
/// endorsed, flagged) from the log, with <see cref="XApiExportOptions.IncludeEvidence"/> the proficiency evidence
/// about each person's skills, and with <see cref="XApiExportOptions.IncludeModeration"/> moderators' last decisions.
/// Statement ids are name-based UUIDs (version 5) of what they record, so exporting the
/// same period again gives the same ids and an LRS keeps one copy. See docs/xapi.md for the vocabulary.
/// </summary>
public interface IXApiExporter
{
    /// <summary>
    /// Streams the statements, oldest first (for a log appended in time order). Each writes itself as xAPI JSON
    /// (<see cref="XApiStatement.WriteTo"/>); <see cref="XApiStatements.WriteJsonArrayAsync"/> writes a batch to POST to
    /// an LRS's <c>statements</c> resource. Reads the tenant's contributions once (for titles, kinds, parents and
    /// skills) and then streams the interaction log. Drafts are never exported, nor interactions with them.
    /// </summary>
    IAsyncEnumerable<XApiStatement> ExportAsync(TenantId tenant, XApiExportOptions options, CancellationToken cancellationToken = default);
}

/// <summary>One xAPI statement: what it records, and its JSON.</summary>
public sealed class XApiStatement
{
    private readonly XApiActivity _object;
    private readonly XApiActivity _context;
    private readonly string? _homePage;
    private readonly string? _answerActivity;

    internal XApiStatement(Guid id, LearnerId actor, string? actorName, string homePage, string verbId, string verbDisplay, XApiActivity activity, XApiActivity context, DateTimeOffset timestamp, string? response, string? answerActivity, double? score = null)
    {
        Score = score;
        Id = id;
        Actor = actor;
        ActorName = actorName;
        _homePage = homePage;
        VerbId = verbId;
        VerbDisplay = verbDisplay;
        _object = activity;
        _context = context;
        Timestamp = timestamp;
        Response = response;
        _answerActivity = answerActivity;
    }

    /// <summary>The statement id (a version 5 UUID).</summary>
    public Guid Id { get; }

    /// <summary>The learner (the actor's account name).</summary>
    public LearnerId Actor { get; }

    /// <summary>The actor's display name, with <see cref="XApiExportOptions.IncludeNames"/>.</summary>
    public string? ActorName { get; }

    /// <summary>The verb's IRI.</summary>
    public string VerbId { get; }

    /// <summary>The verb's display text (<c>en-US</c>).</summary>
    public string VerbDisplay { get; }

    /// <summary>
    /// The contribution the statement is about (an answer's statement is about its question); null for a proficiency
    /// statement, which is about a <see cref="Skill"/>.
    /// </summary>
    public ContributionId? Object => _object.Id;

    /// <summary>The skill a proficiency statement is about; null for the others.</summary>
    public SkillId? Skill => _object.Skill;

    /// <summary><c>result.score.scaled</c>: the level of a proficiency statement, 0 to 1; else null.</summary>
    public double? Score { get; }

    /// <summary>The object's activity id.</summary>
    public string ObjectActivityId => _object.ActivityId;

    /// <summary>When it happened.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary><c>result.response</c>: a flag's reason, or the answer an "answered" statement names; else null.</summary>
    public string? Response { get; }

    /// <summary>Writes the statement as one xAPI JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteStartObject("actor");
        writer.WriteString("objectType", "Agent");
        if (ActorName is not null)
        {
            writer.WriteString("name", ActorName);
        }

        writer.WriteStartObject("account");
        writer.WriteString("homePage", _homePage);
        writer.WriteString("name", Actor.Value);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("verb");
        writer.WriteString("id", VerbId);
        writer.WriteStartObject("display");
        writer.WriteString("en-US", VerbDisplay);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WritePropertyName("object");
        _object.WriteActivity(writer);
        if (Score is { } scaled)
        {
            writer.WriteStartObject("result");
            writer.WriteStartObject("score");
            writer.WriteNumber("scaled", scaled);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else if (Response is not null)
        {
            writer.WriteStartObject("result");
            writer.WriteString("response", Response);
            if (_answerActivity is not null)
            {
                writer.WriteStartObject("extensions");
                writer.WriteString(XApiExporter.Vocabulary + "extensions/answer", _answerActivity);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WritePropertyName("context");
        _context.WriteContext(writer);
        writer.WriteString("timestamp", Timestamp.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }

    /// <summary>The statement as a JSON DOM, for hosts that add properties before sending it. Slower than <see cref="WriteTo"/>.</summary>
    public JsonObject ToJsonObject()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }
}

/// <summary>Writing exported statements.</summary>
public static class XApiStatements
{
    /// <summary>Writes the statements to <paramref name="stream"/> as one JSON array (UTF-8, no BOM) and returns how many there were.</summary>
    public static async Task<long> WriteJsonArrayAsync(IAsyncEnumerable<XApiStatement> statements, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(stream);
        var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        await using (writer.ConfigureAwait(false))
        {
            long count = 0;
            writer.WriteStartArray();
            await foreach (var statement in statements.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                statement.WriteTo(writer);
                count++;
                if (writer.BytesPending > 64 * 1024)
                {
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            writer.WriteEndArray();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            return count;
        }
    }
}

/// <summary>What statements say about one contribution, worked out once per export and shared by its statements.</summary>
internal sealed class XApiActivity
{
    /// <summary>The contribution, or null for a skill (<see cref="Skill"/>).</summary>
    public ContributionId? Id { get; init; }

    public SkillId? Skill { get; init; }

    /// <summary>A proficiency statement's context extensions: the evidence's source and who gave it.</summary>
    public (string Source, string? GivenBy)? Evidence { get; init; }

    public required string ActivityId { get; init; }

    public required string? Title { get; init; }

    public required string Type { get; init; }

    public required string? MoreInfo { get; init; }

    public required string[] SkillIds { get; init; }

    public required string[] ContextKeys { get; init; }

    public required string Tenant { get; init; }

    public XApiActivity? Parent { get; set; }

    public void WriteActivity(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("objectType", "Activity");
        writer.WriteString("id", ActivityId);
        writer.WriteStartObject("definition");
        if (Title is not null)
        {
            // A language map's values must not be empty; a store may hold untitled items (imported answers, say).
            writer.WriteStartObject("name");
            writer.WriteString("en-US", Title);
            writer.WriteEndObject();
        }

        writer.WriteString("type", Type);
        if (MoreInfo is not null)
        {
            writer.WriteString("moreInfo", MoreInfo);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public void WriteContext(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("platform", "SocialLearning");
        if (Parent is not null || SkillIds.Length > 0)
        {
            writer.WriteStartObject("contextActivities");
            if (Parent is not null)
            {
                writer.WriteStartArray("parent");
                Parent.WriteActivity(writer);
                writer.WriteEndArray();
            }

            if (SkillIds.Length > 0)
            {
                writer.WriteStartArray("grouping");
                foreach (var skill in SkillIds)
                {
                    writer.WriteStartObject();
                    writer.WriteString("objectType", "Activity");
                    writer.WriteString("id", skill);
                    writer.WriteStartObject("definition");
                    writer.WriteString("type", XApiExporter.Vocabulary + "activities/skill");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteStartObject("extensions");
        writer.WriteString(XApiExporter.Vocabulary + "extensions/tenant", Tenant);
        if (Evidence is { } evidence)
        {
            writer.WriteString(XApiExporter.Vocabulary + "extensions/evidence-source", evidence.Source);
            if (evidence.GivenBy is not null)
            {
                writer.WriteString(XApiExporter.Vocabulary + "extensions/given-by", evidence.GivenBy);
            }
        }

        if (ContextKeys.Length > 0)
        {
            writer.WriteStartArray(XApiExporter.Vocabulary + "extensions/context-keys");
            foreach (var key in ContextKeys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

internal sealed class XApiExporter(ISocialLearningStore store) : IXApiExporter
{
    internal const string Vocabulary = "https://sociallearning.dev/xapi/";

    // A fixed namespace for the name-based statement ids (RFC 9562 version 5).
    private static readonly Guid IdNamespace = new("6f1c2a4e-52d1-4c7b-9a61-3d0f2b8e7c15");

    public IAsyncEnumerable<XApiStatement> ExportAsync(TenantId tenant, XApiExportOptions options, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        ArgumentNullException.ThrowIfNull(options);
        HttpIri(options.ActivityBaseUri, "options.ActivityBaseUri");
        HttpIri(options.AccountHomePage, "options.AccountHomePage");
        if (!options.ActivityBaseUri.AbsoluteUri.EndsWith('/'))
        {
            throw new ArgumentException("options.ActivityBaseUri must end with '/', for example https://app.example.com/learning/.", "options.ActivityBaseUri");
        }

        if (options is { From: { } from, To: { } to } && to <= from)
        {
            throw new ArgumentException("options.To must be later than options.From.", "options.To");
        }

        return ExportCoreAsync(tenant, options, cancellationToken);
    }

    /// <summary>A name-based (version 5, SHA-1) UUID as RFC 9562 defines it.</summary>
    internal static Guid NameBasedId(Guid ns, string name)
    {
        var length = 16 + Encoding.UTF8.GetByteCount(name);
        var rented = length <= 512 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            _ = ns.TryWriteBytes(input, bigEndian: true, out _);
            Encoding.UTF8.GetBytes(name, input[16..]);
            Span<byte> hash = stackalloc byte[20];
            SHA1.HashData(input, hash);
            hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
            hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
            return new Guid(hash[..16], bigEndian: true);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void HttpIri(Uri? value, string field)
    {
        if (value is null || !value.IsAbsoluteUri || (value.Scheme != Uri.UriSchemeHttp && value.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{field} must be an absolute http or https IRI.", field);
        }
    }

    private async IAsyncEnumerable<XApiStatement> ExportCoreAsync(TenantId tenant, XApiExportOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var baseIri = options.ActivityBaseUri.AbsoluteUri;
        var homePage = options.AccountHomePage.AbsoluteUri;
        var items = new Dictionary<ContributionId, (Contribution Contribution, XApiActivity Activity)>();
        var skillIris = new Dictionary<SkillId, string>();
        await foreach (var c in store.ListContributionsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            if (c.Status == ContributionStatus.Draft)
            {
                continue;
            }

            var skills = new string[c.Skills.Count];
            for (var i = 0; i < skills.Length; i++)
            {
                if (!skillIris.TryGetValue(c.Skills[i], out var iri))
                {
                    skillIris[c.Skills[i]] = iri = baseIri + "skills/" + Uri.EscapeDataString(c.Skills[i].Value);
                }

                skills[i] = iri;
            }

            var keys = new string[c.ContextKeys.Count];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = c.ContextKeys[i].Value;
            }

            // Bodies are never part of a statement: do not hold them for the whole export.
            var slim = c with { Body = string.Empty };
            items[c.Id] = (slim, new XApiActivity
            {
                Id = c.Id,
                ActivityId = baseIri + "contributions/" + Uri.EscapeDataString(c.Id.Value),
                Title = string.IsNullOrWhiteSpace(c.Title) ? null : c.Title,
                Type = Vocabulary + "activities/" + ActivityType(c.Kind),
                MoreInfo = c.Url?.AbsoluteUri,
                SkillIds = skills,
                ContextKeys = keys,
                Tenant = tenant.Value,
            });
        }

        foreach (var (c, activity) in items.Values)
        {
            if (c.ParentId is { } parentId && items.TryGetValue(parentId, out var parent))
            {
                activity.Parent = parent.Activity;
            }
        }

        var created = items.Values.Select(v => v.Contribution).Where(c => InWindow(c.CreatedAt, options)).ToList();
        created.Sort(static (a, b) =>
        {
            var byTime = a.CreatedAt.CompareTo(b.CreatedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id.Value, b.Id.Value);
        });

        var evidence = new List<ProficiencyEvidence>();
        var skillNames = new Dictionary<SkillId, string>();
        var repeats = new Dictionary<string, int>(StringComparer.Ordinal);
        if (options.IncludeEvidence)
        {
            await foreach (var e in store.ListEvidenceAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (InWindow(e.ObservedAt, options))
                {
                    evidence.Add(e);
                }
            }

            // Time order; ties by learner, skill and source, so the output does not depend on the store's listing order.
            evidence.Sort(static (a, b) =>
            {
                var c = a.ObservedAt.CompareTo(b.ObservedAt);
                c = c != 0 ? c : string.CompareOrdinal(a.Learner.Value, b.Learner.Value);
                c = c != 0 ? c : string.CompareOrdinal(a.Skill.Value, b.Skill.Value);
                return c != 0 ? c : a.Source.CompareTo(b.Source);
            });
            await foreach (var skill in store.ListSkillsAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                skillNames[skill.Id] = skill.Name;
            }
        }

        var decisions = new List<Contribution>();
        if (options.IncludeModeration)
        {
            foreach (var (c, _) in items.Values)
            {
                if (c is { ReviewedBy: not null, ReviewedAt: { } at, Status: ContributionStatus.Published or ContributionStatus.Hidden } && InWindow(at, options))
                {
                    decisions.Add(c);
                }
            }

            decisions.Sort(static (a, b) =>
            {
                var byTime = a.ReviewedAt!.Value.CompareTo(b.ReviewedAt!.Value);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Id.Value, b.Id.Value);
            });
        }

        // What is not in the log, in time order: created contributions, then evidence, then decisions at the same
        // instant, each list in its own order (the sequence number keeps the sort stable).
        var pending = new List<(DateTimeOffset At, int Order, int Seq)>(created.Count + evidence.Count + decisions.Count);
        for (var i = 0; i < created.Count; i++)
        {
            pending.Add((created[i].CreatedAt, 0, i));
        }

        for (var i = 0; i < evidence.Count; i++)
        {
            pending.Add((evidence[i].ObservedAt, 1, i));
        }

        for (var i = 0; i < decisions.Count; i++)
        {
            pending.Add((decisions[i].ReviewedAt!.Value, 2, i));
        }

        if (evidence.Count + decisions.Count > 0)
        {
            pending.Sort(static (a, b) =>
            {
                var c = a.At.CompareTo(b.At);
                c = c != 0 ? c : a.Order.CompareTo(b.Order);
                return c != 0 ? c : a.Seq.CompareTo(b.Seq);
            });
        }

        var names = new Dictionary<LearnerId, string?>();
        // Not async itself, so each statement pays for one state machine, not two.
        Task<XApiStatement> PendingAsync((DateTimeOffset At, int Order, int Seq) entry) => entry.Order switch
        {
            0 => CreatedAsync(tenant, created[entry.Seq], items, names, homePage, options, cancellationToken),
            1 => EvidenceAsync(tenant, evidence[entry.Seq], skillNames, repeats, names, baseIri, homePage, options, cancellationToken),
            _ => DecisionAsync(tenant, decisions[entry.Seq], items, names, homePage, options, cancellationToken),
        };

        var next = 0;
        long ordinal = -1;
        await foreach (var interaction in store.ListInteractionsAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ordinal++;
            if ((!options.IncludeViews && interaction.Kind == InteractionKind.Viewed)
                || !InWindow(interaction.OccurredAt, options)
                || !items.TryGetValue(interaction.ContributionId, out var target))
            {
                continue;
            }

            // Keep the output in time order: what was created, observed or decided before this interaction comes first.
            while (next < pending.Count && pending[next].At <= interaction.OccurredAt)
            {
                yield return await PendingAsync(pending[next++]).ConfigureAwait(false);
            }

            var (verb, display) = Verb(interaction.Kind);
            var key = string.Join('\n', "interaction", tenant.Value, ((int)interaction.Kind).ToString(CultureInfo.InvariantCulture), interaction.ContributionId.Value, interaction.Learner.Value, interaction.OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture));

            // A fact that can happen again (a view, a share, a vote that was replaced and cast again) is also named by
            // its place in the append-only log, so two in the same tick get distinct ids; re-exporting repeats them.
            if (interaction.Kind is InteractionKind.Viewed or InteractionKind.Shared or InteractionKind.Helpful or InteractionKind.NotHelpful)
            {
                key += "\n" + ordinal.ToString(CultureInfo.InvariantCulture);
            }

            yield return new XApiStatement(
                NameBasedId(IdNamespace, key),
                interaction.Learner,
                await NameAsync(tenant, interaction.Learner, names, options, cancellationToken).ConfigureAwait(false),
                homePage,
                verb,
                display,
                target.Activity,
                target.Activity,
                interaction.OccurredAt,
                interaction.Kind == InteractionKind.Flagged && interaction.Note is { Length: > 0 } reason ? reason : null,
                null);
        }

        while (next < pending.Count)
        {
            yield return await PendingAsync(pending[next++]).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A moderator's decision on a contribution (only the last one is stored): approved (still published) or rejected
    /// (hidden). Named by the contribution, the moderator and the time, so a later decision is a new statement and an
    /// LRS that is fed regularly keeps the history the store does not.
    /// </summary>
    private async Task<XApiStatement> DecisionAsync(TenantId tenant, Contribution c, Dictionary<ContributionId, (Contribution Contribution, XApiActivity Activity)> items, Dictionary<LearnerId, string?> names, string homePage, XApiExportOptions options, CancellationToken cancellationToken)
    {
        var moderator = c.ReviewedBy!.Value;
        var at = c.ReviewedAt!.Value;
        var approved = c.Status == ContributionStatus.Published;
        var id = NameBasedId(IdNamespace, string.Join('\n', "decision", tenant.Value, c.Id.Value, moderator.Value, at.UtcTicks.ToString(CultureInfo.InvariantCulture), approved ? "approved" : "rejected"));
        var name = await NameAsync(tenant, moderator, names, options, cancellationToken).ConfigureAwait(false);
        var activity = items[c.Id].Activity;
        return approved
            ? new XApiStatement(id, moderator, name, homePage, "http://activitystrea.ms/schema/1.0/approve", "approved", activity, activity, at, null, null)
            : new XApiStatement(id, moderator, name, homePage, "http://activitystrea.ms/schema/1.0/reject", "rejected", activity, activity, at, null, null);
    }

    /// <summary>One piece of proficiency evidence: the learner showed proficiency in the skill, at the level as the score.</summary>
    private async Task<XApiStatement> EvidenceAsync(TenantId tenant, ProficiencyEvidence e, Dictionary<SkillId, string> skillNames, Dictionary<string, int> repeats, Dictionary<LearnerId, string?> names, string baseIri, string homePage, XApiExportOptions options, CancellationToken cancellationToken)
    {
        var name = await NameAsync(tenant, e.Learner, names, options, cancellationToken).ConfigureAwait(false);
        var source = EvidenceSourceName(e.Source);
        var key = string.Join(
            '\n',
            "evidence",
            tenant.Value,
            e.Learner.Value,
            e.Skill.Value,
            source,
            e.ObservedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            e.Level.ToString("R", CultureInfo.InvariantCulture),
            e.GivenBy?.Value ?? string.Empty);

        // Two pieces of evidence can be alike in every field (two answers accepted the same day, in the same skill):
        // the second is named by its place among them, so each is its own statement and a re-export repeats the ids.
        var seen = repeats.GetValueOrDefault(key);
        repeats[key] = seen + 1;
        var id = NameBasedId(IdNamespace, seen == 0 ? key : key + "\n" + seen.ToString(CultureInfo.InvariantCulture));
        var skill = new XApiActivity
        {
            Skill = e.Skill,
            ActivityId = baseIri + "skills/" + Uri.EscapeDataString(e.Skill.Value),
            Title = skillNames.TryGetValue(e.Skill, out var skillName) && !string.IsNullOrWhiteSpace(skillName) ? skillName : null,
            Type = Vocabulary + "activities/skill",
            MoreInfo = null,
            SkillIds = [],
            ContextKeys = [],
            Tenant = tenant.Value,
            Evidence = (source, e.GivenBy?.Value),
        };
        return new XApiStatement(id, e.Learner, name, homePage, ProficiencyVerb, "showed proficiency", skill, skill, e.ObservedAt, null, null, Math.Clamp(e.Level, 0, 1));
    }

    /// <summary>The verb of a proficiency statement (no registry verb says "showed this level of skill").</summary>
    internal const string ProficiencyVerb = Vocabulary + "verbs/showed-proficiency";

    private static string EvidenceSourceName(EvidenceSource source) => source switch
    {
        EvidenceSource.Activity => "activity",
        EvidenceSource.Self => "self",
        EvidenceSource.PeerEndorsement => "peer-endorsement",
        EvidenceSource.Manager => "manager",
        _ => source.ToString().ToLowerInvariant(),
    };

    private async Task<XApiStatement> CreatedAsync(TenantId tenant, Contribution c, Dictionary<ContributionId, (Contribution Contribution, XApiActivity Activity)> items, Dictionary<LearnerId, string?> names, string homePage, XApiExportOptions options, CancellationToken cancellationToken)
    {
        var name = await NameAsync(tenant, c.Author, names, options, cancellationToken).ConfigureAwait(false);
        var id = NameBasedId(IdNamespace, string.Join('\n', "created", tenant.Value, c.Id.Value));
        var activity = items[c.Id].Activity;

        // An answer is recorded as answering its question, the answer itself named in the result.
        if (c.Kind == ContributionKind.Answer && c.ParentId is { } parentId && items.TryGetValue(parentId, out var question))
        {
            return new XApiStatement(id, c.Author, name, homePage, "http://adlnet.gov/expapi/verbs/answered", "answered", question.Activity, activity, c.CreatedAt, c.Title, activity.ActivityId);
        }

        var (verb, display) = c.Kind == ContributionKind.Question
            ? ("http://adlnet.gov/expapi/verbs/asked", "asked")
            : ("http://adlnet.gov/expapi/verbs/shared", "shared");
        return new XApiStatement(id, c.Author, name, homePage, verb, display, activity, activity, c.CreatedAt, null, null);
    }

    private static bool InWindow(DateTimeOffset at, XApiExportOptions options) =>
        (options.From is not { } from || at >= from) && (options.To is not { } to || at < to);

    private async ValueTask<string?> NameAsync(TenantId tenant, LearnerId learner, Dictionary<LearnerId, string?> names, XApiExportOptions options, CancellationToken cancellationToken)
    {
        if (!options.IncludeNames)
        {
            return null;
        }

        if (!names.TryGetValue(learner, out var name))
        {
            names[learner] = name = (await store.GetLearnerAsync(tenant, learner, cancellationToken).ConfigureAwait(false))?.DisplayName;
        }

        return name;
    }

    private static string ActivityType(ContributionKind kind) => kind switch
    {
        ContributionKind.Tip => "tip",
        ContributionKind.HowTo => "how-to",
        ContributionKind.Question => "question",
        ContributionKind.Answer => "answer",
        ContributionKind.ResourceLink => "resource-link",
        _ => "contribution",
    };

    /// <summary>The verb of each interaction kind: registry verbs where one means the same, ours otherwise (docs/xapi.md).</summary>
    internal static (string Id, string Display) Verb(InteractionKind kind) => kind switch
    {
        InteractionKind.Viewed => ("http://id.tincanapi.com/verb/viewed", "viewed"),
        InteractionKind.Helpful => ("http://id.tincanapi.com/verb/voted-up", "voted up"),
        InteractionKind.NotHelpful => ("http://id.tincanapi.com/verb/voted-down", "voted down"),
        InteractionKind.Saved => ("http://activitystrea.ms/schema/1.0/save", "saved"),
        InteractionKind.Dismissed => ("http://id.tincanapi.com/verb/skipped", "skipped"),
        InteractionKind.Shared => ("http://adlnet.gov/expapi/verbs/shared", "shared"),
        InteractionKind.Accepted => ("http://activitystrea.ms/schema/1.0/accept", "accepted"),
        InteractionKind.Endorsed => (Vocabulary + "verbs/endorsed", "endorsed"),
        InteractionKind.Flagged => (Vocabulary + "verbs/flagged", "flagged"),
        _ => (Vocabulary + "verbs/" + kind.ToString().ToLowerInvariant(), kind.ToString().ToLowerInvariant()),
    };
}
