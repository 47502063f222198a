using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Tests.Export;

public sealed class XApiExporterTests
{
    private static readonly XApiExportOptions Options = new()
    {
        ActivityBaseUri = new Uri("https://app.example.com/learning/"),
        AccountHomePage = new Uri("https://login.example.com"),
    };

    [Fact]
    public void Statement_ids_are_RFC_9562_name_based_version_5_uuids()
    {
        // RFC 9562's own example (and Python's uuid.uuid5): the DNS namespace and "www.example.com".
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), XApiExporter.NameBasedId(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));
        // Names are UTF-8 (checked with Python's uuid.uuid5(uuid.NAMESPACE_URL, ...)).
        Assert.Equal(new Guid("ac442faa-895c-5ed6-9a99-ce40b65fe6e9"), XApiExporter.NameBasedId(new Guid("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "https://sociallearning.dev/ünï"));
    }

    [Fact]
    public async Task A_tenants_activity_becomes_valid_statements_in_time_order_with_the_registry_verbs()
    {
        using var host = await TestHost.CreateAsync();
        var (tip, question, answer) = await SeedAsync(host);

        var statements = await ExportAsync(host, Options);

        foreach (var statement in statements)
        {
            XApiStatementRules.AssertValid(statement);
        }

        Assert.Equal(
            [
                ("shared", tip.Id), ("asked", question.Id), ("answered", question.Id), ("voted up", tip.Id), ("viewed", tip.Id),
                ("viewed", tip.Id), ("saved", tip.Id), ("skipped", question.Id), ("accepted", answer.Id), ("flagged", tip.Id),
            ],
            statements.Select(s => (s["verb"]!["display"]!["en-US"]!.GetValue<string>(), Contribution(s))));
        Assert.Equal(statements.Select(s => s["timestamp"]!.GetValue<string>()).Order(StringComparer.Ordinal), statements.Select(s => s["timestamp"]!.GetValue<string>()));
        Assert.Equal("http://id.tincanapi.com/verb/voted-up", statements[3]["verb"]!["id"]!.GetValue<string>());
        Assert.Equal("bob", statements[3]["actor"]!["account"]!["name"]!.GetValue<string>());
        Assert.Null(statements[3]["actor"]!["name"]);

        // The answer answers the question; the answer itself is named in the result.
        var answered = statements[2];
        Assert.Equal("https://app.example.com/learning/contributions/" + question.Id.Value, answered["object"]!["id"]!.GetValue<string>());
        Assert.Equal("https://app.example.com/learning/contributions/" + answer.Id.Value, answered["result"]!["extensions"]!["https://sociallearning.dev/xapi/extensions/answer"]!.GetValue<string>());

        // Skills group the statement; the tenant and context keys are extensions.
        var shared = statements[0];
        Assert.Equal("https://app.example.com/learning/skills/invoicing", shared["context"]!["contextActivities"]!["grouping"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(host.Tenant.Value, shared["context"]!["extensions"]!["https://sociallearning.dev/xapi/extensions/tenant"]!.GetValue<string>());
        Assert.Equal("route:/invoices/new", shared["context"]!["extensions"]!["https://sociallearning.dev/xapi/extensions/context-keys"]![0]!.GetValue<string>());
        Assert.Equal("Outdated", statements[9]["result"]!["response"]!.GetValue<string>());

        // Two views in the same tick are two statements; every id is distinct, and a second export repeats them.
        Assert.Equal(statements.Count, statements.Select(s => s["id"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(statements.Select(s => s["id"]!.GetValue<string>()), (await ExportAsync(host, Options)).Select(s => s["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Proficiency_evidence_is_exported_when_asked_as_scored_statements_about_the_skill()
    {
        using var host = await TestHost.CreateAsync();
        await SeedAsync(host);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = host.Tenant, Learner = host.Bob, Skill = new SkillId("invoicing"), Source = EvidenceSource.Self, Level = 0.7 });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = host.Tenant, Learner = host.Ada, Skill = new SkillId("invoicing"), Source = EvidenceSource.PeerEndorsement, Level = 0.9, GivenBy = host.Bob });

        var plain = await ExportAsync(host, Options);
        Assert.DoesNotContain(plain, s => s["verb"]!["id"]!.GetValue<string>() == XApiExporter.ProficiencyVerb);

        var statements = await ExportAsync(host, Options with { IncludeEvidence = true });
        foreach (var statement in statements)
        {
            XApiStatementRules.AssertValid(statement);
        }

        var proficiency = statements.Where(s => s["verb"]!["id"]!.GetValue<string>() == XApiExporter.ProficiencyVerb).ToList();

        // Ada's tip and her answer two minutes later (activity 0.5 each: the first had decayed a little), 0.8 when the
        // answer was accepted; nothing for Bob's question (asking is not sharing); and the two recorded above.
        Assert.Equal(
            [("ada", "activity", 0.5), ("ada", "activity", 0.5), ("ada", "activity", 0.8), ("bob", "self", 0.7), ("ada", "peer-endorsement", 0.9)],
            proficiency.Select(s => (
                s["actor"]!["account"]!["name"]!.GetValue<string>(),
                s["context"]!["extensions"]!["https://sociallearning.dev/xapi/extensions/evidence-source"]!.GetValue<string>(),
                s["result"]!["score"]!["scaled"]!.GetValue<double>())));
        var self = proficiency[3];
        Assert.Equal("https://app.example.com/learning/skills/invoicing", self["object"]!["id"]!.GetValue<string>());
        Assert.Equal("https://sociallearning.dev/xapi/activities/skill", self["object"]!["definition"]!["type"]!.GetValue<string>());
        Assert.Equal("Invoicing", self["object"]!["definition"]!["name"]!["en-US"]!.GetValue<string>());
        Assert.Equal("bob", proficiency[4]["context"]!["extensions"]!["https://sociallearning.dev/xapi/extensions/given-by"]!.GetValue<string>());

        // Merged into the activity in time order; the rest is what the plain export says.
        Assert.Equal(statements.Select(s => s["timestamp"]!.GetValue<string>()).Order(StringComparer.Ordinal), statements.Select(s => s["timestamp"]!.GetValue<string>()));
        Assert.Equal(plain.Select(s => s["id"]!.GetValue<string>()), statements.Except(proficiency).Select(s => s["id"]!.GetValue<string>()));
        Assert.Equal(statements.Count, statements.Select(s => s["id"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(statements.Select(s => s["id"]!.GetValue<string>()), (await ExportAsync(host, Options with { IncludeEvidence = true })).Select(s => s["id"]!.GetValue<string>()));

        // The typed view: about a skill, not a contribution, with the level as the score.
        var typed = new List<XApiStatement>();
        await foreach (var statement in host.Services.GetRequiredService<IXApiExporter>().ExportAsync(host.Tenant, Options with { IncludeEvidence = true }))
        {
            if (statement.VerbId == XApiExporter.ProficiencyVerb)
            {
                typed.Add(statement);
            }
        }

        Assert.All(typed, t => Assert.Null(t.Object));
        Assert.Equal(new SkillId("invoicing"), typed[3].Skill);
        Assert.Equal(0.7, typed[3].Score);

        // The window applies to when the evidence was observed.
        var late = await ExportAsync(host, Options with { IncludeEvidence = true, From = host.Clock.GetUtcNow().AddMinutes(-1) });
        Assert.Equal([0.7, 0.9], late.Where(s => s["verb"]!["id"]!.GetValue<string>() == XApiExporter.ProficiencyVerb).Select(s => s["result"]!["score"]!["scaled"]!.GetValue<double>()));
    }

    [Fact]
    public async Task Evidence_alike_in_every_field_is_still_one_statement_each_with_ids_that_repeat_on_re_export()
    {
        using var host = await TestHost.CreateAsync();
        var evidence = new ProficiencyEvidence { Tenant = host.Tenant, Learner = host.Bob, Skill = new SkillId("invoicing"), Source = EvidenceSource.Activity, Level = 0.8, ObservedAt = host.Clock.GetUtcNow() };
        await host.Store.AppendEvidenceAsync(evidence, "accepted:a1");
        await host.Store.AppendEvidenceAsync(evidence, "accepted:a2");

        var first = (await ExportAsync(host, Options with { IncludeEvidence = true })).Select(s => s["id"]!.GetValue<string>()).ToList();
        Assert.Equal(2, first.Count);
        Assert.Equal(2, first.Distinct().Count());
        Assert.Equal(first, (await ExportAsync(host, Options with { IncludeEvidence = true })).Select(s => s["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_moderators_last_decision_is_exported_when_asked_and_a_new_decision_is_a_new_statement()
    {
        using var host = await TestHost.CreateAsync();
        var mod = new LearnerId("mod");
        await host.Learners.UpsertAsync(host.Tenant, mod, "Mo", roles: ["moderator"]);
        var kept = await host.Contributions.ShareAsync(host.Tip("Kept"));
        var dropped = await host.Contributions.ShareAsync(host.Tip("Dropped"));
        var untouched = await host.Contributions.ShareAsync(host.Tip("Untouched"));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Moderation.HideAsync(host.Tenant, mod, dropped.Id, dropped.Version);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        kept = await host.Moderation.HideAsync(host.Tenant, mod, kept.Id, kept.Version);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        kept = await host.Moderation.ApproveAsync(host.Tenant, mod, kept.Id, kept.Version);

        Assert.DoesNotContain(await ExportAsync(host, Options), s => s["actor"]!["account"]!["name"]!.GetValue<string>() == "mod");

        var statements = await ExportAsync(host, Options with { IncludeModeration = true });
        foreach (var statement in statements)
        {
            XApiStatementRules.AssertValid(statement);
        }

        var decisions = statements.Where(s => s["actor"]!["account"]!["name"]!.GetValue<string>() == "mod").ToList();
        Assert.Equal(
            [("http://activitystrea.ms/schema/1.0/reject", dropped.Id), ("http://activitystrea.ms/schema/1.0/approve", kept.Id)],
            decisions.Select(s => (s["verb"]!["id"]!.GetValue<string>(), Contribution(s))));
        Assert.Equal(kept.ReviewedAt, DateTimeOffset.Parse(decisions[1]["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.DoesNotContain(decisions, s => Contribution(s) == untouched.Id);
        Assert.Equal(statements.Select(s => s["timestamp"]!.GetValue<string>()).Order(StringComparer.Ordinal), statements.Select(s => s["timestamp"]!.GetValue<string>()));

        // The same decision exports with the same id; a later decision is a statement of its own.
        var again = await ExportAsync(host, Options with { IncludeModeration = true });
        Assert.Equal(statements.Select(s => s["id"]!.GetValue<string>()), again.Select(s => s["id"]!.GetValue<string>()));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Moderation.HideAsync(host.Tenant, mod, kept.Id, kept.Version);
        var later = (await ExportAsync(host, Options with { IncludeModeration = true })).Where(s => s["actor"]!["account"]!["name"]!.GetValue<string>() == "mod" && Contribution(s) == kept.Id).Single();
        Assert.Equal("http://activitystrea.ms/schema/1.0/reject", later["verb"]!["id"]!.GetValue<string>());
        Assert.NotEqual(decisions[1]["id"]!.GetValue<string>(), later["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Drafts_are_not_exported_nor_what_happened_to_them()
    {
        using var host = await TestHost.CreateAsync();
        var draft = await host.Contributions.ShareAsync(host.Tip("Mine only") with { Status = ContributionStatus.Draft });
        await host.Store.AppendInteractionAsync(new Interaction { Tenant = host.Tenant, ContributionId = draft.Id, Learner = host.Ada, Kind = InteractionKind.Viewed, OccurredAt = host.Clock.GetUtcNow() });
        Assert.Empty(await ExportAsync(host, Options));
    }

    [Fact]
    public async Task The_window_views_and_names_are_options()
    {
        using var host = await TestHost.CreateAsync();
        var (tip, _, _) = await SeedAsync(host);
        var all = await ExportAsync(host, Options);
        var cut = DateTimeOffset.Parse(all[4]["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);

        var before = await ExportAsync(host, Options with { To = cut });
        var after = await ExportAsync(host, Options with { From = cut });
        Assert.Equal(all.Select(s => s["id"]!.GetValue<string>()), before.Concat(after).Select(s => s["id"]!.GetValue<string>()));
        Assert.All(before, s => Assert.True(DateTimeOffset.Parse(s["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture) < cut));

        var noViews = await ExportAsync(host, Options with { IncludeViews = false });
        Assert.Equal(all.Count - 2, noViews.Count);
        Assert.DoesNotContain(noViews, s => s["verb"]!["id"]!.GetValue<string>().EndsWith("/viewed", StringComparison.Ordinal));

        var named = await ExportAsync(host, Options with { IncludeNames = true });
        Assert.Equal("Ada", named[0]["actor"]!["name"]!.GetValue<string>());
        XApiStatementRules.AssertValid(named[0]);
        Assert.Equal(tip.Id, Contribution(named[0]));
    }

    [Theory]
    [InlineData("/relative/", "https://login.example.com", null, "options.ActivityBaseUri")]
    [InlineData("ftp://files.example.com/", "https://login.example.com", null, "options.ActivityBaseUri")]
    [InlineData("https://app.example.com/learning", "https://login.example.com", null, "options.ActivityBaseUri")]
    [InlineData("https://app.example.com/", "mailto:someone@example.com", null, "options.AccountHomePage")]
    [InlineData("https://app.example.com/", "https://login.example.com", -1, "options.To")]
    public async Task Bad_options_are_rejected_naming_the_field(string activityBase, string homePage, int? toDays, string field)
    {
        using var host = await TestHost.CreateAsync();
        var exporter = host.Services.GetRequiredService<IXApiExporter>();
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var options = new XApiExportOptions
        {
            ActivityBaseUri = new Uri(activityBase, UriKind.RelativeOrAbsolute),
            AccountHomePage = new Uri(homePage),
            From = toDays is null ? null : from,
            To = toDays is null ? null : from.AddDays(toDays.Value),
        };

        var e = Assert.Throws<ArgumentException>(() => exporter.ExportAsync(host.Tenant, options));
        Assert.Equal(field, e.ParamName);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_statements_are_written_as_one_json_array()
    {
        using var host = await TestHost.CreateAsync();
        await SeedAsync(host);
        using var stream = new MemoryStream();
        var count = await XApiStatements.WriteJsonArrayAsync(host.Services.GetRequiredService<IXApiExporter>().ExportAsync(host.Tenant, Options), stream);

        using var document = JsonDocument.Parse(stream.ToArray());
        Assert.Equal(10, count);
        Assert.Equal(count, document.RootElement.GetArrayLength());
        Assert.NotEqual(0xEF, stream.ToArray()[0]); // no BOM
    }

    private static async Task<(Contribution Tip, Contribution Question, Contribution Answer)> SeedAsync(TestHost host)
    {
        var tip = await host.Contributions.ShareAsync(host.Tip());
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var question = await host.Contributions.ShareAsync(host.Tip("How do I split an invoice?") with { Author = host.Bob, Kind = ContributionKind.Question });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var answer = await host.Contributions.ShareAsync(host.Tip("Use two lines") with { Kind = ContributionKind.Answer, ParentId = question.Id, ContextKeys = [] });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, tip.Id, FeedbackKind.Helpful);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, tip.Id, FeedbackKind.Viewed);
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, tip.Id, FeedbackKind.Viewed);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, tip.Id, FeedbackKind.Saved);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Ada, question.Id, FeedbackKind.Dismissed);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, answer.Id, FeedbackKind.Accepted);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Contributions.FlagAsync(host.Tenant, host.Bob, tip.Id, "Outdated");
        return (tip, question, answer);
    }

    private static async Task<List<JsonObject>> ExportAsync(TestHost host, XApiExportOptions options)
    {
        var list = new List<JsonObject>();
        await foreach (var statement in host.Services.GetRequiredService<IXApiExporter>().ExportAsync(host.Tenant, options))
        {
            var json = statement.ToJsonObject();

            // The typed view says what the JSON says.
            Assert.Equal(statement.Id.ToString("D"), json["id"]!.GetValue<string>());
            Assert.Equal(statement.VerbId, json["verb"]!["id"]!.GetValue<string>());
            Assert.Equal(statement.ObjectActivityId, json["object"]!["id"]!.GetValue<string>());
            Assert.Equal(statement.Actor.Value, json["actor"]!["account"]!["name"]!.GetValue<string>());
            Assert.Equal(statement.Timestamp, DateTimeOffset.Parse(json["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture));
            list.Add(json);
        }

        return list;
    }

    private static ContributionId Contribution(JsonObject statement)
    {
        var id = statement["object"]!["id"]!.GetValue<string>();
        return new ContributionId(Uri.UnescapeDataString(id[(id.LastIndexOf('/') + 1)..]));
    }
}
