using System.Net;

namespace SocialLearning.AspNetCore.Tests;

public sealed class ModerationEndpointTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Moderator => _app.Client("mona", roles: "moderator");

    private const string Graph = """
        {"skills":[
          {"id":"esco-vat","name":"apply VAT rules","aliases":["sales tax"]},
          {"id":"esco-close","name":"close the books","description":"Month-end closing."}],
         "edges":[{"from":"esco-vat","to":"esco-close","kind":"Prerequisite"}]}
        """;

    [Fact]
    public async Task The_learning_team_seeds_the_skill_graph_and_what_GET_skills_returns_can_be_sent_back_unchanged()
    {
        var seeded = await Moderator.PostJsonAsync("moderation/skills", Graph, method: "PUT");
        var result = await seeded.JsonAsync();
        Assert.True(seeded.StatusCode == HttpStatusCode.OK, result.ToString());
        Assert.Equal((2, 1), (result.GetProperty("skillsCreated").GetInt32(), result.GetProperty("edgesAdded").GetInt32()));

        var graph = await (await Moderator.GetAsync("skills")).Content.ReadAsStringAsync();
        var again = await (await Moderator.PostJsonAsync("moderation/skills", graph, method: "PUT")).JsonAsync();
        Assert.Equal(0, again.GetProperty("skillsCreated").GetInt32() + again.GetProperty("skillsUpdated").GetInt32() + again.GetProperty("edgesAdded").GetInt32() + again.GetProperty("edgesUpdated").GetInt32());
        Assert.True(again.GetProperty("skillsUnchanged").GetInt32() >= 2);

        var search = await (await _app.Client("bob").GetAsync("skills/search?q=sales%20tax")).JsonAsync();
        Assert.Equal("esco-vat", search.GetProperty("skills")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"skills":[{"id":"a","name":"A"},{"id":"b","name":" "}]}""", 400, "skills[1].name")]
    [InlineData("""{"skills":[{"id":"a","name":"A"}],"edges":[{"from":"a","to":"nowhere","kind":"Related"}]}""", 404, "edges[0].to")]
    [InlineData("""{"skills":[{"id":"a","name":"A"}],"edges":[{"from":"a","to":"a","kind":"Related","weight":0.5}]}""", 400, "edges[0].to")]
    [InlineData("""{"skills":[{"id":"a b","name":"A"}]}""", 400, "skills[0].id")]
    [InlineData("""{"skills":[{"id":"a","name":"A","level":3}]}""", 400, "skills[0].level")]
    public async Task A_bad_skill_graph_is_a_problem_naming_the_entry_and_nothing_is_written(string body, int status, string field)
    {
        var response = await Moderator.PostJsonAsync("moderation/skills", body, method: "PUT");
        var problem = await response.JsonAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.DoesNotContain("   at ", problem.ToString(), StringComparison.Ordinal);
        var skills = await (await Moderator.GetAsync("skills")).JsonAsync();
        Assert.DoesNotContain(skills.GetProperty("skills").EnumerateArray(), s => s.GetProperty("id").GetString() == "a");
    }

    [Fact]
    public async Task A_skill_graph_has_its_own_body_limit()
    {
        await using var app = await TestApp.StartAsync(o => o.MaxSkillGraphBodyBytes = 4_096);
        var moderator = app.Client("mona", roles: "moderator");
        var big = "{\"skills\":[" + string.Join(",", Enumerable.Range(0, 300).Select(i => $$"""{"id":"s{{i}}","name":"Skill {{i}}"}""")) + "]}";
        Assert.InRange(big.Length, 4_097, 64 * 1024); // over this limit, under the one for other bodies

        var refused = await moderator.PostJsonAsync("moderation/skills", big, method: "PUT");
        var accepted = await moderator.PostJsonAsync("moderation/skills", Graph, method: "PUT");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("body_too_large", (await refused.JsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_prerequisite_cycle_is_a_conflict_and_only_the_learning_team_may_change_the_graph()
    {
        var cycle = await Moderator.PostJsonAsync("moderation/skills", """
            {"skills":[{"id":"a","name":"A"},{"id":"b","name":"B"}],
             "edges":[{"from":"a","to":"b","kind":"Prerequisite"},{"from":"b","to":"a","kind":"Prerequisite"}]}
            """, method: "PUT");
        Assert.Equal(HttpStatusCode.Conflict, cycle.StatusCode);
        Assert.Equal("prerequisite_cycle", (await cycle.JsonAsync()).GetProperty("code").GetString());

        var worker = await _app.Client("bob").PostJsonAsync("moderation/skills", Graph, method: "PUT");
        Assert.Equal(HttpStatusCode.Forbidden, worker.StatusCode);
        var skills = await (await Moderator.GetAsync("skills")).JsonAsync();
        Assert.DoesNotContain(skills.GetProperty("skills").EnumerateArray(), s => s.GetProperty("id").GetString() is "a" or "esco-vat");
    }

    [Fact]
    public async Task A_flag_hidden_tip_is_in_the_queue_with_its_flags_and_approving_it_restores_it()
    {
        var id = await _app.Client("bob").ShareAsync("Questionable");
        foreach (var learner in new[] { "f1", "f2", "f3" })
        {
            await _app.Client(learner).PostJsonAsync($"contributions/{id}/flag", """{"reason":"Wrong <b>advice</b>"}""");
        }

        var queue = await Moderator.GetAsync("moderation/queue");
        var json = await queue.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        var item = Assert.Single(json.GetProperty("items").EnumerateArray());
        Assert.Equal("Hidden", item.GetProperty("reason").GetString());
        Assert.Equal(id, item.GetProperty("contribution").GetProperty("id").GetString());
        Assert.Equal("Hidden", item.GetProperty("contribution").GetProperty("status").GetString());
        var flags = item.GetProperty("flags").EnumerateArray().ToList();
        Assert.Equal(["F1", "F2", "F3"], flags.Select(f => f.GetProperty("learner").GetProperty("name").GetString()));
        Assert.Equal("Wrong <b>advice</b>", flags[0].GetProperty("reason").GetString());
        Assert.All(flags, f => Assert.True(f.GetProperty("trusted").GetBoolean()));
        Assert.All(flags, f => Assert.Equal(0, f.GetProperty("overturned").GetInt32()));
        var version = item.GetProperty("contribution").GetProperty("version").GetInt64();

        var approved = await Moderator.PostJsonAsync($"moderation/contributions/{id}/approve", "{}", ifMatch: $"\"{version}\"");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal($"\"{version + 1}\"", approved.Headers.ETag?.Tag);
        Assert.Equal("Published", (await approved.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _app.Client("alice").GetAsync($"contributions/{id}")).StatusCode);
        Assert.Empty((await (await Moderator.GetAsync("moderation/queue")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_learner_without_the_role_gets_403_and_nothing_changes()
    {
        var id = await _app.Client("bob").ShareAsync("Fine tip");
        var bob = _app.Client("bob");
        Assert.Equal("forbidden", (await (await bob.GetAsync("moderation/queue")).ProblemAsync(403)).GetProperty("code").GetString());
        await (await bob.PostJsonAsync($"moderation/contributions/{id}/hide", "{}", ifMatch: "\"1\"")).ProblemAsync(403);
        var stored = await _app.Store.GetContributionAsync(new TenantId("acme"), new ContributionId(id));
        Assert.Equal(ContributionStatus.Published, stored?.Status);
    }

    [Fact]
    public async Task Decisions_need_if_match_a_current_version_and_a_decidable_contribution()
    {
        var bob = _app.Client("bob");
        var id = await bob.ShareAsync("Tip to hide");

        Assert.Equal("If-Match", (await (await Moderator.PostJsonAsync($"moderation/contributions/{id}/hide", "{}")).ProblemAsync(428)).GetProperty("field").GetString());
        var stale = await (await Moderator.PostJsonAsync($"moderation/contributions/{id}/hide", "{}", ifMatch: "\"7\"")).ProblemAsync(412);
        Assert.Equal(1, stale.GetProperty("currentVersion").GetInt32());
        Assert.Equal("id", (await (await Moderator.PostJsonAsync("moderation/contributions/nope/hide", "{}", ifMatch: "\"1\"")).ProblemAsync(404)).GetProperty("field").GetString());

        var draft = await (await bob.PostJsonAsync("contributions", """{"title":"Mine only","body":"Draft.","status":"Draft"}""")).JsonAsync();
        var problem = await (await Moderator.PostJsonAsync($"moderation/contributions/{draft.GetProperty("id").GetString()}/approve", "{}", ifMatch: "\"1\"")).ProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _));
        Assert.Equal("limit", (await (await Moderator.GetAsync("moderation/queue?limit=0")).ProblemAsync(400)).GetProperty("errors").EnumerateObject().Single().Name);

        var hidden = await Moderator.PostJsonAsync($"moderation/contributions/{id}/hide", "{}", ifMatch: "\"1\"");
        Assert.Equal("Hidden", (await hidden.JsonAsync()).GetProperty("status").GetString());
        await (await _app.Client("alice").GetAsync($"contributions/{id}")).ProblemAsync(404);
        var republish = await bob.PostJsonAsync($"contributions/{id}", """{"status":"Published"}""", ifMatch: "\"2\"", method: "PUT");
        await republish.ProblemAsync(403);
    }

    [Fact]
    public async Task A_featured_tip_leads_the_tips_for_its_context_until_it_is_taken_back()
    {
        var bob = _app.Client("bob");
        var id = await bob.ShareAsync("Quiet but right", contexts: "\"route:/featured\"");
        var loved = await bob.ShareAsync("Loved", contexts: "\"route:/featured\"");
        await _app.Client("carol").PostJsonAsync($"contributions/{loved}/feedback", """{"kind":"Helpful"}""");
        var until = DateTimeOffset.UtcNow.AddDays(14).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var featured = await Moderator.PostJsonAsync($"moderation/contributions/{id}/feature", $$"""{"until":"{{until}}"}""", ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, featured.StatusCode);
        Assert.True((await featured.JsonAsync()).TryGetProperty("featuredUntil", out _));

        var tips = (await (await _app.Client("alice").GetAsync("tips?context=route:/featured")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(id, tips[0].GetProperty("id").GetString());
        Assert.Equal("featured", tips[0].GetProperty("explanation")[0].GetProperty("signal").GetString());

        Assert.Equal("until", (await (await Moderator.PostJsonAsync($"moderation/contributions/{id}/feature", "{}", ifMatch: "\"2\"")).ProblemAsync(400)).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("until", (await (await Moderator.PostJsonAsync($"moderation/contributions/{id}/feature", """{"until":"2001-01-01T00:00:00Z"}""", ifMatch: "\"2\"")).ProblemAsync(400)).GetProperty("errors").EnumerateObject().Single().Name);
        await (await _app.Client("bob").PostJsonAsync($"moderation/contributions/{id}/feature", $$"""{"until":"{{until}}"}""", ifMatch: "\"2\"")).ProblemAsync(403);

        var request = new HttpRequestMessage(HttpMethod.Delete, $"moderation/contributions/{id}/feature");
        request.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        Assert.Equal(HttpStatusCode.OK, (await Moderator.SendAsync(request)).StatusCode);
        tips = (await (await _app.Client("alice").GetAsync("tips?context=route:/featured")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(loved, tips[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Vote_patterns_list_a_learner_whose_helpful_votes_all_go_to_one_colleague()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _app.Client("bob").ShareAsync($"Bob's tip {i}"));
        }

        foreach (var id in ids)
        {
            await _app.Client("fan").PostJsonAsync($"contributions/{id}/feedback", """{"kind":"Helpful"}""");
        }

        var json = await (await Moderator.GetAsync("moderation/votes")).JsonAsync();
        var item = Assert.Single(json.GetProperty("items").EnumerateArray());
        Assert.Equal("fan", item.GetProperty("voter").GetProperty("id").GetString());
        Assert.Equal("Bob", item.GetProperty("author").GetProperty("name").GetString());
        Assert.Equal(5, item.GetProperty("helpfulVotes").GetInt32());
        Assert.Equal(1.0, item.GetProperty("share").GetDouble());
        Assert.Empty((await (await Moderator.GetAsync("moderation/votes?minVotes=6")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal("minSharePercent", (await (await Moderator.GetAsync("moderation/votes?minSharePercent=0")).ProblemAsync(400)).GetProperty("errors").EnumerateObject().Single().Name);
        await (await _app.Client("bob").GetAsync("moderation/votes")).ProblemAsync(403);
    }

    [Fact]
    public async Task Insights_list_the_open_question_and_its_gap_for_moderators_only()
    {
        var question = await (await _app.Client("bob").PostJsonAsync("contributions", """{"kind":"Question","title":"How do I split an invoice?","body":"Two cost centres.","skills":["split-invoices"]}""")).JsonAsync();

        var json = await (await Moderator.GetAsync("moderation/insights?windowDays=7&top=5")).JsonAsync();
        Assert.Contains(json.GetProperty("unanswered").EnumerateArray(), q => q.GetProperty("id").GetString() == question.GetProperty("id").GetString());
        var gap = json.GetProperty("gaps").EnumerateArray().Single(g => g.GetProperty("skill").GetString() == "split-invoices");
        Assert.Equal((1, 1, 0), (gap.GetProperty("questionsAsked").GetInt32(), gap.GetProperty("openQuestions").GetInt32(), gap.GetProperty("contributors").GetInt32()));
        Assert.Equal(TimeSpan.FromDays(7), json.GetProperty("to").GetDateTimeOffset() - json.GetProperty("from").GetDateTimeOffset());

        Assert.Equal("windowDays", (await (await Moderator.GetAsync("moderation/insights?windowDays=0")).ProblemAsync(400)).GetProperty("errors").EnumerateObject().Single().Name);
        await (await _app.Client("bob").GetAsync("moderation/insights")).ProblemAsync(403);
    }

    [Fact]
    public async Task The_xapi_export_streams_statements_for_moderators_with_the_request_origin_as_activity_base()
    {
        var id = await _app.Client("bob").ShareAsync("Exported tip");
        await _app.Client("alice").PostJsonAsync($"contributions/{id}/feedback", """{"kind":"Helpful"}""");
        await _app.Client("alice").PostJsonAsync($"contributions/{id}/feedback", """{"kind":"Viewed"}""");

        var response = await Moderator.GetAsync("moderation/xapi");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1.0.3", response.Headers.GetValues("X-Experience-API-Version").Single());
        var statements = (await response.JsonAsync()).EnumerateArray().Where(s => s.GetProperty("object").GetProperty("id").GetString()!.EndsWith("/contributions/" + id, StringComparison.Ordinal)).ToList();
        Assert.Equal(["shared", "voted up", "viewed"], statements.Select(s => s.GetProperty("verb").GetProperty("display").GetProperty("en-US").GetString()));
        Assert.StartsWith("http://localhost/sl/contributions/", statements[0].GetProperty("object").GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("http://localhost/", statements[0].GetProperty("actor").GetProperty("account").GetProperty("homePage").GetString());

        var noViews = (await (await Moderator.GetAsync("moderation/xapi?views=false")).JsonAsync()).EnumerateArray();
        Assert.DoesNotContain(noViews, s => s.GetProperty("verb").GetProperty("display").GetProperty("en-US").GetString() == "viewed");
        var future = (await (await Moderator.GetAsync("moderation/xapi?from=2999-01-01T00:00:00Z")).JsonAsync()).EnumerateArray();
        Assert.Empty(future);

        Assert.Equal("from", (await (await Moderator.GetAsync("moderation/xapi?from=yesterday")).ProblemAsync(400)).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("to", (await (await Moderator.GetAsync("moderation/xapi?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")).ProblemAsync(400)).GetProperty("errors").EnumerateObject().Single().Name);
        await (await _app.Client("bob").GetAsync("moderation/xapi")).ProblemAsync(403);
    }
    [Fact]
    public async Task The_xapi_export_pages_with_limit_and_more_and_returns_every_statement_once_in_order()
    {
        var first = await _app.Client("bob").ShareAsync("Paged tip");
        await _app.Client("bob").ShareAsync("Another paged tip");

        // Five votes at one instant, so pages must split statements that share a timestamp (the cursor's count).
        var at = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var voter in new[] { "v1", "v2", "v3", "v4", "v5" })
        {
            await _app.Client(voter).GetAsync("me");
            await _app.Store.AppendInteractionAsync(new Interaction { Tenant = new TenantId("acme"), ContributionId = new ContributionId(first), Learner = new LearnerId(voter), Kind = InteractionKind.Helpful, OccurredAt = at });
        }

        var all = (await (await Moderator.GetAsync("moderation/xapi")).JsonAsync()).EnumerateArray().Select(x => x.GetProperty("id").GetString()).ToList();
        Assert.True(all.Count >= 7, $"{all.Count} statements");

        var paged = new List<string?>();
        var pages = 0;
        var next = "moderation/xapi?limit=2";
        while (next.Length > 0)
        {
            var response = await Moderator.GetAsync(next);
            Assert.Equal("1.0.3", response.Headers.GetValues("X-Experience-API-Version").Single());
            var page = await response.JsonAsync();
            var statements = page.GetProperty("statements").EnumerateArray().Select(x => x.GetProperty("id").GetString()).ToList();
            Assert.InRange(statements.Count, 1, 2);
            paged.AddRange(statements);
            next = page.GetProperty("more").GetString()!;
            Assert.True(next.Length == 0 || next.StartsWith("/sl/moderation/xapi?from=", StringComparison.Ordinal), next);
            Assert.True(++pages <= all.Count, "paging does not end");
        }

        Assert.Equal(all, paged);
        Assert.Equal((all.Count + 1) / 2, pages);

        // A window is kept across pages: from the votes' instant on, only the five votes.
        var window = await (await Moderator.GetAsync("moderation/xapi?limit=3&from=2030-01-01T00:00:00Z")).JsonAsync();
        Assert.Equal(3, window.GetProperty("statements").GetArrayLength());
        var rest = await (await Moderator.GetAsync(window.GetProperty("more").GetString()!)).JsonAsync();
        Assert.Equal(2, rest.GetProperty("statements").GetArrayLength());
        Assert.Equal(string.Empty, rest.GetProperty("more").GetString());

        // Evidence is opt-in, and the next page keeps asking for it.
        await _app.DefineSkillAsync("acme", "vat", "VAT");
        await _app.Services.GetRequiredService<ILearnerService>().RecordEvidenceAsync(new ProficiencyEvidence
        {
            Tenant = new TenantId("acme"), Learner = new LearnerId("bob"), Skill = new SkillId("vat"), Source = EvidenceSource.Self, Level = 0.6,
        });
        var withEvidence = (await (await Moderator.GetAsync("moderation/xapi?evidence=true")).JsonAsync()).EnumerateArray().ToList();
        var proficiency = withEvidence.Count(x => x.GetProperty("verb").GetProperty("id").GetString() == "https://sociallearning.dev/xapi/verbs/showed-proficiency");
        Assert.Equal(1, proficiency);
        Assert.Equal(all.Count + proficiency, withEvidence.Count);
        var evidencePage = await (await Moderator.GetAsync("moderation/xapi?limit=1&evidence=true")).JsonAsync();
        Assert.EndsWith("&evidence=true", evidencePage.GetProperty("more").GetString(), StringComparison.Ordinal);
        Assert.Equal("evidence", (await (await Moderator.GetAsync("moderation/xapi?evidence=maybe")).ProblemAsync(400)).GetProperty("field").GetString());

        // So are moderators' decisions: hiding one of the tips adds one "rejected" statement by the moderator.
        var tip = await (await Moderator.GetAsync($"contributions/{first}")).JsonAsync();
        await Moderator.PostJsonAsync($"moderation/contributions/{first}/hide", "{}", ifMatch: $"\"{tip.GetProperty("version").GetInt64()}\"");
        var decided = (await (await Moderator.GetAsync("moderation/xapi?moderation=true")).JsonAsync()).EnumerateArray()
            .Where(x => x.GetProperty("verb").GetProperty("id").GetString() == "http://activitystrea.ms/schema/1.0/reject").ToList();
        Assert.Equal("mona", Assert.Single(decided).GetProperty("actor").GetProperty("account").GetProperty("name").GetString());
        Assert.EndsWith("&moderation=true", (await (await Moderator.GetAsync("moderation/xapi?limit=1&moderation=true")).JsonAsync()).GetProperty("more").GetString(), StringComparison.Ordinal);

        Assert.Equal("limit", (await (await Moderator.GetAsync("moderation/xapi?limit=0")).ProblemAsync(400)).GetProperty("field").GetString());
        Assert.Equal("limit", (await (await Moderator.GetAsync("moderation/xapi?limit=10001")).ProblemAsync(400)).GetProperty("field").GetString());
        Assert.Equal("skip", (await (await Moderator.GetAsync("moderation/xapi?limit=5&skip=1")).ProblemAsync(400)).GetProperty("field").GetString());
        Assert.Equal("skip", (await (await Moderator.GetAsync("moderation/xapi?skip=-1&from=2030-01-01T00:00:00Z&limit=5")).ProblemAsync(400)).GetProperty("field").GetString());
    }
}
