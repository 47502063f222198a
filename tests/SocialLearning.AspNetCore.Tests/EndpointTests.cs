using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;

namespace SocialLearning.AspNetCore.Tests;

public sealed class EndpointTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Me_creates_the_learner_from_claims_on_first_use()
    {
        var response = await _app.Client("erin", name: "Erin Example").GetAsync("me");
        var json = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("erin", json.GetProperty("learner").GetProperty("id").GetString());
        var stored = await _app.Store.GetLearnerAsync(new TenantId("acme"), new LearnerId("erin"));
        Assert.Equal("Erin Example", stored?.DisplayName);
    }

    [Fact]
    public async Task Share_returns_201_with_location_etag_and_sanitised_html()
    {
        var response = await _app.Client("bob").PostJsonAsync("contributions", """{"title":"Pick the customer first","body":"Then **VAT** follows. [x](javascript:alert(1))","contextKeys":["route:/invoices/new"],"skills":["vat"]}""");
        var json = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = json.GetProperty("id").GetString();
        Assert.EndsWith($"/sl/contributions/{id}", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var html = json.GetProperty("bodyHtml").GetString()!;
        Assert.Contains("<strong>VAT</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("route:/invoices/new", json.GetProperty("contextKeys")[0].GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Share_with_the_same_idempotency_key_creates_one_contribution()
    {
        var client = _app.Client("bob");
        const string body = """{"title":"Once only","body":"Retried share.","contextKeys":["route:/x"]}""";
        var first = await (await client.PostJsonAsync("contributions", body, idempotencyKey: "k-123")).JsonAsync();
        var second = await (await client.PostJsonAsync("contributions", body, idempotencyKey: "k-123")).JsonAsync();

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        var count = 0;
        await foreach (var c in _app.Store.ListContributionsAsync(new TenantId("acme")))
        {
            count += c.Title == "Once only" ? 1 : 0;
        }

        Assert.Equal(1, count);
    }

    [Fact]
    public async Task Tips_returns_contributions_for_the_context_with_explanation_and_my_feedback()
    {
        var id = await _app.Client("bob").ShareAsync("Net 30 for new customers", contexts: "\"route:/invoices/new\"");
        await _app.Client("bob").ShareAsync("Unrelated screen", contexts: "\"route:/reports\"");
        var alice = _app.Client("alice");
        Assert.Equal(HttpStatusCode.OK, (await alice.PostJsonAsync($"contributions/{id}/feedback", """{"kind":"Helpful"}""")).StatusCode);

        var response = await alice.GetAsync("tips?context=route:/invoices/new&k=5");
        var json = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = json.GetProperty("items").EnumerateArray().ToList();
        var tip = Assert.Single(items);
        Assert.Equal(id, tip.GetProperty("id").GetString());
        Assert.Equal("Bob", tip.GetProperty("author").GetProperty("name").GetString());
        Assert.NotEmpty(tip.GetProperty("explanation").EnumerateArray());
        Assert.Equal("Helpful", tip.GetProperty("mine").GetProperty("vote").GetString());
        Assert.Equal(1, tip.GetProperty("counters").GetProperty("helpful").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("ranker").GetString()));
    }

    [Fact]
    public async Task Get_contribution_returns_it_with_etag()
    {
        var id = await _app.Client("bob").ShareAsync("Readable");
        var response = await _app.Client("alice").GetAsync($"contributions/{id}");
        var json = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal("Readable", json.GetProperty("title").GetString());
        Assert.Equal(1, json.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Edit_with_current_if_match_succeeds_and_a_stale_one_answers_412()
    {
        var bob = _app.Client("bob");
        var id = await bob.ShareAsync("First title");

        var ok = await bob.PostJsonAsync($"contributions/{id}", """{"title":"Second title"}""", ifMatch: "\"1\"", method: "PUT");
        var okJson = await ok.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("\"2\"", ok.Headers.ETag?.Tag);
        Assert.Equal("Second title", okJson.GetProperty("title").GetString());

        var stale = await _app.Client("carol").PostJsonAsync($"contributions/{id}", """{"title":"Lost update"}""", ifMatch: "\"1\"", method: "PUT");
        var problem = await stale.ProblemAsync(412);
        Assert.Equal("version_conflict", problem.GetProperty("code").GetString());
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());
        var current = await _app.Store.GetContributionAsync(new TenantId("acme"), new ContributionId(id));
        Assert.Equal("Second title", current?.Title);
    }

    [Fact]
    public async Task Edit_without_if_match_answers_428()
    {
        var bob = _app.Client("bob");
        var id = await bob.ShareAsync("Needs a precondition");
        var problem = await (await bob.PostJsonAsync($"contributions/{id}", """{"title":"x"}""", method: "PUT")).ProblemAsync(428);
        Assert.Equal("If-Match", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("Helpful", "helpful")]
    [InlineData("NotHelpful", "notHelpful")]
    [InlineData("Saved", "saves")]
    [InlineData("Dismissed", "dismissals")]
    public async Task Feedback_is_recorded_once_per_learner(string kind, string counter)
    {
        var id = await _app.Client("bob").ShareAsync("Feedback target " + kind);
        var alice = _app.Client("alice");

        var first = await (await alice.PostJsonAsync($"contributions/{id}/feedback", $$"""{"kind":"{{kind}}"}""")).JsonAsync();
        var again = await (await alice.PostJsonAsync($"contributions/{id}/feedback", $$"""{"kind":"{{kind}}"}""")).JsonAsync();

        Assert.Equal("Recorded", first.GetProperty("outcome").GetString());
        Assert.Equal("AlreadyRecorded", again.GetProperty("outcome").GetString());
        Assert.Equal(1, again.GetProperty("counters").GetProperty(counter).GetInt32());
    }

    [Fact]
    public async Task Dismissed_tip_is_no_longer_recommended()
    {
        var id = await _app.Client("bob").ShareAsync("Dismiss me", contexts: "\"route:/dismiss\"");
        var alice = _app.Client("alice");
        Assert.Single((await (await alice.GetAsync("tips?context=route:/dismiss")).JsonAsync()).GetProperty("items").EnumerateArray());

        await alice.PostJsonAsync($"contributions/{id}/feedback", """{"kind":"Dismissed"}""");

        Assert.Empty((await (await alice.GetAsync("tips?context=route:/dismiss")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Flag_records_the_flag_and_three_flags_hide_it()
    {
        var id = await _app.Client("bob").ShareAsync("Questionable");
        foreach (var learner in new[] { "f1", "f2", "f3" })
        {
            var response = await _app.Client(learner).PostJsonAsync($"contributions/{id}/flag", """{"reason":"Wrong advice"}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var stored = await _app.Store.GetContributionAsync(new TenantId("acme"), new ContributionId(id));
        Assert.Equal(ContributionStatus.Hidden, stored?.Status);
        await (await _app.Client("alice").GetAsync($"contributions/{id}")).ProblemAsync(404);
    }

    [Fact]
    public async Task Peers_lists_colleagues_for_skills_never_the_asker()
    {
        await _app.Client("bob", name: "Bob Okafor").ShareAsync("VAT tip", skills: "\"vat\"");
        await _app.Client("alice").ShareAsync("Own VAT tip", skills: "\"vat\"");

        var json = await (await _app.Client("alice").GetAsync("peers?skills=vat")).JsonAsync();

        var peer = Assert.Single(json.GetProperty("items").EnumerateArray());
        Assert.Equal("bob", peer.GetProperty("learner").GetString());
        Assert.Equal("Bob Okafor", peer.GetProperty("displayName").GetString());
        Assert.NotEmpty(peer.GetProperty("explanation").EnumerateArray());
    }

    [Fact]
    public async Task Learning_path_returns_steps()
    {
        await _app.DefineSkillAsync("acme", "credit-notes", "Credit notes");
        var json = await (await _app.Client("alice").GetAsync("learning-path?target=credit-notes")).JsonAsync();
        var step = Assert.Single(json.GetProperty("steps").EnumerateArray());
        Assert.Equal("credit-notes", step.GetProperty("skill").GetString());
        Assert.Equal("Credit notes", step.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Learning_path_includes_a_mastered_target_only_when_asked()
    {
        await _app.DefineSkillAsync("acme", "vat-returns", "VAT returns");
        var learners = _app.Services.GetRequiredService<ILearnerService>();
        await learners.UpsertAsync(new TenantId("acme"), new LearnerId("alice"), "Alice", null, []);
        await learners.RecordEvidenceAsync(new ProficiencyEvidence
        {
            Tenant = new TenantId("acme"), Learner = new LearnerId("alice"), Skill = new SkillId("vat-returns"), Source = EvidenceSource.Self, Level = 0.95,
        });

        var without = await (await _app.Client("alice").GetAsync("learning-path?target=vat-returns")).JsonAsync();
        Assert.Empty(without.GetProperty("steps").EnumerateArray());
        var with = await (await _app.Client("alice").GetAsync("learning-path?target=vat-returns&includeMastered=true")).JsonAsync();
        var step = Assert.Single(with.GetProperty("steps").EnumerateArray());
        Assert.Equal("vat-returns", step.GetProperty("skill").GetString());
        Assert.Equal(0.95, step.GetProperty("currentLevel").GetDouble(), 6);
    }

    [Fact]
    public async Task Skills_lists_the_tenant_skill_graph()
    {
        await _app.DefineSkillAsync("acme", "invoicing", "Invoicing");
        await _app.DefineSkillAsync("acme", "credit-notes", "Credit notes");
        await _app.Services.GetRequiredService<ISkillService>().AddEdgeAsync(new TenantId("acme"), new SkillId("invoicing"), new SkillId("credit-notes"), SkillEdgeKind.Prerequisite);

        var json = await (await _app.Client("alice").GetAsync("skills")).JsonAsync();

        Assert.Contains(json.GetProperty("skills").EnumerateArray(), s => s.GetProperty("id").GetString() == "invoicing" && s.GetProperty("name").GetString() == "Invoicing");
        var edge = Assert.Single(json.GetProperty("edges").EnumerateArray());
        Assert.Equal("Prerequisite", edge.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Skill_search_completes_names_and_aliases_and_sharing_accepts_them()
    {
        var skills = _app.Services.GetRequiredService<ISkillService>();
        await skills.DefineSkillAsync(new TenantId("acme"), new SkillId("esco-aaa-1"), "spreadsheet modelling", ["spreadsheets", "workbook modelling"]);
        await skills.DefineSkillAsync(new TenantId("acme"), new SkillId("esco-bbb-2"), "write macros", ["scripting a workbook"]);

        var json = await (await _app.Client("alice").GetAsync("skills/search?q=Workbook&limit=5")).JsonAsync();
        Assert.Equal(["esco-aaa-1", "esco-bbb-2"], json.GetProperty("skills").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal("spreadsheet modelling", json.GetProperty("skills")[0].GetProperty("name").GetString());

        var one = await (await _app.Client("alice").GetAsync("skills/search?q=workbook&limit=1")).JsonAsync();
        Assert.Single(one.GetProperty("skills").EnumerateArray());

        var shared = await (await _app.Client("alice").PostJsonAsync("contributions", """{"title":"Freeze the header row","body":"View, then Freeze.","skills":["Spreadsheets"]}""")).JsonAsync();
        Assert.Equal("esco-aaa-1", Assert.Single(shared.GetProperty("skills").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Tips_peers_and_paths_take_skills_by_name_or_alias_comma_separated()
    {
        var skills = _app.Services.GetRequiredService<ISkillService>();
        await skills.ImportAsync(new TenantId("acme"),
        [
            new SkillDefinition { Id = new SkillId("esco-vat"), Name = "apply VAT rules", Aliases = ["sales tax"] },
            new SkillDefinition { Id = new SkillId("esco-close"), Name = "close the books" },
        ],
        [new SkillEdgeDefinition { From = new SkillId("esco-vat"), To = new SkillId("esco-close"), Kind = SkillEdgeKind.Prerequisite }]);
        var shared = await _app.Client("bob").PostJsonAsync("contributions", """{"title":"Reverse charge","body":"Tick it for EU suppliers.","skills":["Sales tax"]}""");
        Assert.Equal(HttpStatusCode.Created, shared.StatusCode);

        var tips = await (await _app.Client("alice").GetAsync("tips?skills=Sales%20tax,%20close%20the%20books&k=5")).JsonAsync();
        Assert.Contains(tips.GetProperty("items").EnumerateArray(), t => t.GetProperty("title").GetString() == "Reverse charge");
        var peers = await (await _app.Client("alice").GetAsync("peers?skills=SALES%20TAX")).JsonAsync();
        Assert.Equal("bob", peers.GetProperty("items")[0].GetProperty("learner").GetString());
        var path = await (await _app.Client("alice").GetAsync("learning-path?target=Close%20the%20books")).JsonAsync();
        Assert.Equal(["esco-vat", "esco-close"], path.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("skill").GetString()));

        var unknown = await _app.Client("alice").GetAsync("learning-path?target=payroll%20runs");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("social-learning.js", "text/javascript")]
    [InlineData("social-learning.css", "text/css")]
    public async Task Widget_assets_are_served_with_etag_cache_headers_and_304(string file, string mediaType)
    {
        var anonymous = _app.Client(learner: null);
        var response = await anonymous.GetAsync($"widget/{file}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(TimeSpan.FromHours(1), response.Headers.CacheControl?.MaxAge);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 500);

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"widget/{file}");
        conditional.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        var notModified = await anonymous.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Widget_script_has_no_eval_or_inline_handlers()
    {
        var script = await _app.Client(learner: null).GetStringAsync("widget/social-learning.js");
        Assert.DoesNotContain("eval(", script, StringComparison.Ordinal);
        Assert.DoesNotContain("new Function", script, StringComparison.Ordinal);
        Assert.DoesNotContain(".style.", script, StringComparison.Ordinal);
        Assert.DoesNotContain("setAttribute('on", script, StringComparison.Ordinal);
        Assert.Contains("customElements.define('social-learning-tips'", script, StringComparison.Ordinal);
    }

    [Fact]
    public void MapSocialLearning_without_AddAspNetCore_says_what_to_call()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Services.AddSocialLearning().UseInMemoryStorage();
        var app = builder.Build();
        var e = Assert.Throws<InvalidOperationException>(() => app.MapSocialLearning());
        Assert.Contains("AddAspNetCore()", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_is_camel_case_with_enum_names()
    {
        var id = await _app.Client("bob").ShareAsync("Shape");
        var json = await (await _app.Client("alice").GetAsync($"contributions/{id}")).JsonAsync();
        Assert.Equal(JsonValueKind.String, json.GetProperty("kind").ValueKind);
        Assert.Equal("Tip", json.GetProperty("kind").GetString());
        Assert.Equal("Published", json.GetProperty("status").GetString());
    }
}
