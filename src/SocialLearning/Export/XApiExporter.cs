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
    /// Whether actors carry the learner's display name (<c>actor.name</c>). Default false: the account id identifies the
    /// learner, and the name is personal data the LRS may not need.
    /// </summary>
    public bool IncludeNames { get; init; }
}

/// <summary>
/// Exports a tenant's activity as xAPI 1.0.3 statements, for a Learning Record Store: sharing, asking and answering
/// from the contributions, and every interaction (viewed, voted up or down, saved, dismissed, shared, accepted,
/// endorsed, flagged) from the log. Statement ids are name-based UUIDs (version 5) of what they record, so exporting the
/// same period again gives the same ids and an LRS keeps one copy. See docs/xapi.md for the vocabulary.
/// </summary>
public interface IXApiExporter
{
    /// <summary>
    /// Streams the statements, oldest first (for a log appended in time order), as JSON objects ready to POST to an LRS's <c>statements</c> resource (in
    /// batches, as a JSON array). Reads the tenant's contributions once (for titles, kinds, parents and skills) and then
    /// streams the interaction log. Drafts are never exported, nor interactions with them.
    /// </summary>
    IAsyncEnumerable<JsonObject> ExportAsync(TenantId tenant, XApiExportOptions options, CancellationToken cancellationToken = default);
}

/// <summary>Writing exported statements.</summary>
public static class XApiStatements
{
    /// <summary>Writes the statements to <paramref name="stream"/> as one JSON array (UTF-8, no BOM) and returns how many there were.</summary>
    public static async Task<long> WriteJsonArrayAsync(IAsyncEnumerable<JsonObject> statements, Stream stream, CancellationToken cancellationToken = default)
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

internal sealed class XApiExporter(ISocialLearningStore store) : IXApiExporter
{
    internal const string Vocabulary = "https://sociallearning.dev/xapi/";

    // A fixed namespace for the name-based statement ids (RFC 9562 version 5).
    private static readonly Guid IdNamespace = new("6f1c2a4e-52d1-4c7b-9a61-3d0f2b8e7c15");

    public IAsyncEnumerable<JsonObject> ExportAsync(TenantId tenant, XApiExportOptions options, CancellationToken cancellationToken = default)
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
        Span<byte> nsBytes = stackalloc byte[16];
        _ = ns.TryWriteBytes(nsBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        nsBytes.CopyTo(input);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    private static void HttpIri(Uri? value, string field)
    {
        if (value is null || !value.IsAbsoluteUri || (value.Scheme != Uri.UriSchemeHttp && value.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{field} must be an absolute http or https IRI.", field);
        }
    }

    private async IAsyncEnumerable<JsonObject> ExportCoreAsync(TenantId tenant, XApiExportOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = new Dictionary<ContributionId, Contribution>();
        await foreach (var c in store.ListContributionsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            if (c.Status != ContributionStatus.Draft)
            {
                items[c.Id] = c;
            }
        }

        var created = items.Values.Where(c => InWindow(c.CreatedAt, options)).ToList();
        created.Sort(static (a, b) =>
        {
            var byTime = a.CreatedAt.CompareTo(b.CreatedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id.Value, b.Id.Value);
        });

        var names = new Dictionary<LearnerId, string?>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = 0;
        await foreach (var interaction in store.ListInteractionsAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if ((!options.IncludeViews && interaction.Kind == InteractionKind.Viewed)
                || !InWindow(interaction.OccurredAt, options)
                || !items.TryGetValue(interaction.ContributionId, out var target))
            {
                continue;
            }

            // Keep the output in time order: the contributions created before this interaction come first.
            while (next < created.Count && created[next].CreatedAt <= interaction.OccurredAt)
            {
                yield return await CreatedAsync(tenant, created[next++], items, names, options, cancellationToken).ConfigureAwait(false);
            }

            var (verb, display) = Verb(interaction.Kind);
            var key = string.Join('\n', "interaction", tenant.Value, ((int)interaction.Kind).ToString(CultureInfo.InvariantCulture), interaction.ContributionId.Value, interaction.Learner.Value, interaction.OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture));
            // Two identical facts (two views in the same tick) still get distinct, repeatable ids.
            var occurrence = seen.TryGetValue(key, out var earlier) ? earlier + 1 : 0;
            seen[key] = occurrence;
            var statement = Statement(
                NameBasedId(IdNamespace, occurrence == 0 ? key : key + "\n" + occurrence.ToString(CultureInfo.InvariantCulture)),
                await ActorAsync(tenant, interaction.Learner, names, options, cancellationToken).ConfigureAwait(false),
                verb,
                display,
                Activity(target, options),
                interaction.OccurredAt,
                Context(tenant, target, items, options));
            if (interaction.Kind == InteractionKind.Flagged && interaction.Note is { Length: > 0 } reason)
            {
                statement["result"] = new JsonObject { ["response"] = reason };
            }

            yield return statement;
        }

        while (next < created.Count)
        {
            yield return await CreatedAsync(tenant, created[next++], items, names, options, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<JsonObject> CreatedAsync(TenantId tenant, Contribution c, Dictionary<ContributionId, Contribution> items, Dictionary<LearnerId, string?> names, XApiExportOptions options, CancellationToken cancellationToken)
    {
        var actor = await ActorAsync(tenant, c.Author, names, options, cancellationToken).ConfigureAwait(false);
        var id = NameBasedId(IdNamespace, string.Join('\n', "created", tenant.Value, c.Id.Value));

        // An answer is recorded as answering its question, the answer itself named in the result.
        if (c.Kind == ContributionKind.Answer && c.ParentId is { } parentId && items.TryGetValue(parentId, out var question))
        {
            var answered = Statement(id, actor, "http://adlnet.gov/expapi/verbs/answered", "answered", Activity(question, options), c.CreatedAt, Context(tenant, c, items, options));
            answered["result"] = new JsonObject
            {
                ["response"] = c.Title,
                ["extensions"] = new JsonObject { [Vocabulary + "extensions/answer"] = ActivityId(c.Id, options) },
            };
            return answered;
        }

        var (verb, display) = c.Kind == ContributionKind.Question
            ? ("http://adlnet.gov/expapi/verbs/asked", "asked")
            : ("http://adlnet.gov/expapi/verbs/shared", "shared");
        return Statement(id, actor, verb, display, Activity(c, options), c.CreatedAt, Context(tenant, c, items, options));
    }

    private static bool InWindow(DateTimeOffset at, XApiExportOptions options) =>
        (options.From is not { } from || at >= from) && (options.To is not { } to || at < to);

    private static JsonObject Statement(Guid id, JsonObject actor, string verb, string display, JsonObject activity, DateTimeOffset timestamp, JsonObject context) => new()
    {
        ["id"] = id.ToString("D"),
        ["actor"] = actor,
        ["verb"] = new JsonObject { ["id"] = verb, ["display"] = new JsonObject { ["en-US"] = display } },
        ["object"] = activity,
        ["context"] = context,
        ["timestamp"] = timestamp.ToString("O", CultureInfo.InvariantCulture),
    };

    private async Task<JsonObject> ActorAsync(TenantId tenant, LearnerId learner, Dictionary<LearnerId, string?> names, XApiExportOptions options, CancellationToken cancellationToken)
    {
        var actor = new JsonObject { ["objectType"] = "Agent" };
        if (options.IncludeNames)
        {
            if (!names.TryGetValue(learner, out var name))
            {
                names[learner] = name = (await store.GetLearnerAsync(tenant, learner, cancellationToken).ConfigureAwait(false))?.DisplayName;
            }

            if (name is not null)
            {
                actor["name"] = name;
            }
        }

        actor["account"] = new JsonObject { ["homePage"] = options.AccountHomePage.AbsoluteUri, ["name"] = learner.Value };
        return actor;
    }

    private static string ActivityId(ContributionId id, XApiExportOptions options) =>
        options.ActivityBaseUri.AbsoluteUri + "contributions/" + Uri.EscapeDataString(id.Value);

    private static JsonObject Activity(Contribution c, XApiExportOptions options)
    {
        var definition = new JsonObject();
        if (!string.IsNullOrWhiteSpace(c.Title))
        {
            // A language map's values must not be empty; a store may hold untitled items (imported answers, say).
            definition["name"] = new JsonObject { ["en-US"] = c.Title };
        }

        definition["type"] = Vocabulary + "activities/" + ActivityType(c.Kind);
        if (c.Url is { } url)
        {
            definition["moreInfo"] = url.AbsoluteUri;
        }

        return new JsonObject { ["objectType"] = "Activity", ["id"] = ActivityId(c.Id, options), ["definition"] = definition };
    }

    private static JsonObject Context(TenantId tenant, Contribution c, Dictionary<ContributionId, Contribution> items, XApiExportOptions options)
    {
        var activities = new JsonObject();
        if (c.ParentId is { } parentId && items.TryGetValue(parentId, out var parent))
        {
            activities["parent"] = new JsonArray(Activity(parent, options));
        }

        if (c.Skills.Count > 0)
        {
            var skills = new JsonArray();
            foreach (var skill in c.Skills)
            {
                skills.Add((JsonNode)new JsonObject
                {
                    ["objectType"] = "Activity",
                    ["id"] = options.ActivityBaseUri.AbsoluteUri + "skills/" + Uri.EscapeDataString(skill.Value),
                    ["definition"] = new JsonObject { ["type"] = Vocabulary + "activities/skill" },
                });
            }

            activities["grouping"] = skills;
        }

        var extensions = new JsonObject { [Vocabulary + "extensions/tenant"] = tenant.Value };
        if (c.ContextKeys.Count > 0)
        {
            var keys = new JsonArray();
            foreach (var key in c.ContextKeys)
            {
                keys.Add((JsonNode)JsonValue.Create(key.Value));
            }

            extensions[Vocabulary + "extensions/context-keys"] = keys;
        }

        var context = new JsonObject { ["platform"] = "SocialLearning" };
        if (activities.Count > 0)
        {
            context["contextActivities"] = activities;
        }

        context["extensions"] = extensions;
        return context;
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
