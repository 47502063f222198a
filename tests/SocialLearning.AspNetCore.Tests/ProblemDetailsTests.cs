using System.Net;
using System.Text;

namespace SocialLearning.AspNetCore.Tests;

/// <summary>Every kind of bad input answers an RFC 9457 problem that names the failing field.</summary>
public sealed class ProblemDetailsTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private string _bobsTip = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(o => o.MaxRequestBodyBytes = 4096, autoCreateSkills: false);
        await _app.DefineSkillAsync("acme", "vat");
        _bobsTip = await _app.Client("bob").ShareAsync("Bob's tip", skills: "\"vat\"");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string, string, string> BadBodies => new()
    {
        // path, JSON body, expected field, case
        { "contributions", """{"body":"text"}""", "title", "missing title" },
        { "contributions", """{"title":"   ","body":"text"}""", "title", "blank title" },
        { "contributions", $$"""{"title":"{{new string('t', 201)}}","body":"text"}""", "title", "title too long" },
        { "contributions", """{"title":"t"}""", "body", "missing body" },
        { "contributions", """{"title":5,"body":"text"}""", "title", "title of the wrong JSON type" },
        { "contributions", """{"title":"t","body":"b","contextKeys":["NoScheme"]}""", "contextKeys[0]", "invalid context key" },
        { "contributions", """{"title":"t","body":"b","contextKeys":["route:/ok","route:has space"]}""", "contextKeys[1]", "context key with white space" },
        { "contributions", """{"title":"t","body":"b","skills":["  "]}""", "skills[0]", "blank skill" },
        { "contributions", $$"""{"title":"t","body":"b","skills":["vat","{{new string('s', 201)}}"]}""", "skills[1]", "skill entry too long" },
        { "contributions", """{"title":"t","body":"b","kind":"Poem"}""", "kind", "unknown kind" },
        { "contributions", """{"title":"t","body":"b","kind":"ResourceLink"}""", "url", "link without url" },
        { "contributions", """{"title":"t","body":"b","url":"not a url"}""", "url", "relative url" },
        { "contributions", """{"title":"t","body":"b","kind":"ResourceLink","url":"ftp://files.example/x"}""", "url", "url scheme" },
        { "contributions", """{"title":"t","body":"b","kind":"Answer"}""", "parentId", "answer without parent" },
        { "contributions", """{"title":"t","body":"b","status":"Hidden"}""", "status", "status not allowed on share" },
        { "contributions", """{"title":"t",""", "body", "truncated JSON" },
        { "contributions", """[1,2]""", "body", "array instead of object" },
        { "contributions", """null""", "body", "null body" },
        { "contributions", """{"title":"t","body":"b","skills":"vat"}""", "skills", "string instead of array" },
        { "contributions", """{"titel":"t","body":"b"}""", "titel", "misspelt property" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_share_bodies_name_the_field(string path, string json, string field, string because)
    {
        var response = await _app.Client("alice").PostJsonAsync(path, json);
        var problem = await response.ProblemAsync(400);
        Assert.True(field == problem.GetProperty("field").GetString(), $"{because}: {problem}");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{because}: errors should name {field}: {problem}");
    }

    [Theory]
    [InlineData("tips?k=0", "k")]
    [InlineData("tips?k=21", "k")]
    [InlineData("tips?k=abc", "k")]
    [InlineData("tips?k=1&k=2", "k")]
    [InlineData("tips?context=NoScheme", "context[0]")]
    [InlineData("tips?context=route:/a%20Bad:x", "context[1]")]
    [InlineData("peers", "skills")]
    [InlineData("peers?skills=vat&k=0", "k")]
    [InlineData("learning-path?maxSteps=51", "maxSteps")]
    [InlineData("learning-path?includeMastered=yes", "includeMastered")]
    [InlineData("learning-path?includeMastered=true&includeMastered=false", "includeMastered")]
    [InlineData("skills/search", "q")]
    [InlineData("skills/search?q=%20", "q")]
    [InlineData("skills/search?q=x&q=y", "q")]
    [InlineData("skills/search?q=x&limit=0", "limit")]
    [InlineData("skills/search?q=x&limit=101", "limit")]
    public async Task Bad_query_values_name_the_parameter(string path, string field)
    {
        var problem = await (await _app.Client("alice").GetAsync(path)).ProblemAsync(400);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Too_many_query_values_name_the_parameter()
    {
        var query = string.Join("&", Enumerable.Range(0, 21).Select(i => $"context=route:/p{i}"));
        var problem = await (await _app.Client("alice").GetAsync("tips?" + query)).ProblemAsync(400);
        Assert.Equal("context", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("peers?q=", 1001)]
    [InlineData("skills/search?q=", 201)]
    public async Task Over_long_query_text_names_the_parameter(string path, int length)
    {
        var problem = await (await _app.Client("alice").GetAsync(path + new string('q', length))).ProblemAsync(400);
        Assert.Equal("q", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_id_that_is_too_long_names_the_id()
    {
        var problem = await (await _app.Client("alice").GetAsync("contributions/" + new string('x', 129))).ProblemAsync(400);
        Assert.Equal("id", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Unknown_id_answers_404_naming_the_id()
    {
        var problem = await (await _app.Client("alice").GetAsync("contributions/no-such-thing")).ProblemAsync(404);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
        Assert.Equal("id", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Unknown_skill_answers_404_naming_the_skill_field()
    {
        var problem = await (await _app.Client("alice").PostJsonAsync("contributions", """{"title":"t","body":"b","skills":["vat","no-such-skill"]}""")).ProblemAsync(404);
        Assert.Equal("skills[1]", problem.GetProperty("field").GetString());

        // Not an id (it has a space), so it can only be a skill's name or alias, and none has it.
        var label = await (await _app.Client("alice").PostJsonAsync("contributions", """{"title":"t","body":"b","skills":["no such skill"]}""")).ProblemAsync(404);
        Assert.Equal("skills[0]", label.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("""{}""", "kind")]
    [InlineData("""{"kind":"Adore"}""", "kind")]
    [InlineData("""{"kind":42}""", "kind")]
    public async Task Bad_feedback_names_kind(string json, string field)
    {
        var problem = await (await _app.Client("alice").PostJsonAsync($"contributions/{_bobsTip}/feedback", json)).ProblemAsync(400);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"reason":""}""")]
    public async Task Flag_without_reason_names_reason(string json)
    {
        var problem = await (await _app.Client("alice").PostJsonAsync($"contributions/{_bobsTip}/flag", json)).ProblemAsync(400);
        Assert.Equal("reason", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Over_long_flag_reason_names_reason()
    {
        var problem = await (await _app.Client("alice").PostJsonAsync($"contributions/{_bobsTip}/flag", $$"""{"reason":"{{new string('r', 1001)}}"}""")).ProblemAsync(400);
        Assert.Equal("reason", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task Bad_idempotency_key_names_the_header(string key)
    {
        var response = await _app.Client("alice").PostJsonAsync($"contributions/{_bobsTip}/feedback", """{"kind":"Saved"}""", idempotencyKey: key);
        var problem = await response.ProblemAsync(400);
        Assert.Equal("Idempotency-Key", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("W/\"1\"")]
    [InlineData("\"one\"")]
    [InlineData("\"0\"")]
    public async Task Bad_if_match_names_the_header(string ifMatch)
    {
        var response = await _app.Client("bob").PostJsonAsync($"contributions/{_bobsTip}", """{"title":"x"}""", ifMatch: ifMatch, method: "PUT");
        var problem = await response.ProblemAsync(400);
        Assert.Equal("If-Match", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Bad_edit_title_names_title()
    {
        var response = await _app.Client("bob").PostJsonAsync($"contributions/{_bobsTip}", """{"title":""}""", ifMatch: "\"1\"", method: "PUT");
        var problem = await response.ProblemAsync(400);
        Assert.Equal("title", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Non_json_body_answers_415()
    {
        var response = await _app.Client("alice").PostAsync("contributions", new StringContent("title=t&body=b", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var problem = await response.ProblemAsync(415);
        Assert.Equal("Content-Type", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Oversized_body_answers_413()
    {
        var response = await _app.Client("alice").PostJsonAsync("contributions", $$"""{"title":"t","body":"{{new string('b', 5000)}}"}""");
        var problem = await response.ProblemAsync(413);
        Assert.Equal("body", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Anonymous_request_answers_401()
    {
        var response = await _app.Client(learner: null).GetAsync("tips?context=route:/x");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Self_vote_answers_403()
    {
        var problem = await (await _app.Client("bob").PostJsonAsync($"contributions/{_bobsTip}/feedback", """{"kind":"Helpful"}""")).ProblemAsync(403);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Peer_changing_status_answers_403()
    {
        var response = await _app.Client("carol").PostJsonAsync($"contributions/{_bobsTip}", """{"status":"Archived"}""", ifMatch: "\"1\"", method: "PUT");
        await response.ProblemAsync(403);
    }

    [Fact]
    public async Task Someone_elses_draft_answers_404()
    {
        var response = await _app.Client("bob").PostJsonAsync("contributions", """{"title":"Draft","body":"b","status":"Draft"}""");
        var id = (await response.JsonAsync()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await _app.Client("bob").GetAsync($"contributions/{id}")).StatusCode);
        await (await _app.Client("alice").GetAsync($"contributions/{id}")).ProblemAsync(404);
        await (await _app.Client("alice").PostJsonAsync($"contributions/{id}/feedback", """{"kind":"Saved"}""")).ProblemAsync(404);
    }

    [Fact]
    public async Task Missing_recommender_answers_501_naming_it()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = "Testing" });
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        builder.Services.AddSocialLearning().UseInMemoryStorage().AddAspNetCore(o => o.DefaultTenant = "solo");
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.RemoveAll<ITipRecommender>(builder.Services);
        builder.Services.AddAuthentication();
        await using var app = builder.Build();
        app.Use(next => http =>
        {
            http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", "u1")], "Test"));
            return next(http);
        });
        app.MapSocialLearning();
        await app.StartAsync();
        var client = app.GetTestClient();
        var problem = await (await client.GetAsync("/social-learning/tips?context=route:/x")).ProblemAsync(501);
        Assert.Contains("ITipRecommender", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
