using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Cli;

namespace SocialLearning.Storage.PostgreSql.ConformanceTests;

/// <summary>The learning team's CLI reads a PostgreSQL store (read only: it never migrates the schema).</summary>
public sealed class CliOnPostgreSqlTests : IAsyncLifetime
{
    private readonly string _schema = PostgreSqlTestDatabase.NewSchema();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sl-cli-pg-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await PostgreSqlTestDatabase.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Seed_skills_writes_a_graph_into_a_postgresql_store_and_a_second_run_writes_nothing()
    {
        await using (var app = PostgreSqlTestDatabase.CreateInstance(_schema))
        {
            // The app creates the schema; seed-skills never migrates it.
            await app.GetRequiredService<ISkillService>().DefineSkillAsync(new TenantId("other"), new SkillId("x"), "X");
        }

        var graph = new SocialLearning.Evaluation.SkillGraphData
        {
            Skills = [.. Enumerable.Range(0, 300).Select(i => new SocialLearning.Evaluation.GraphSkill { Id = $"s{i}", Name = $"Skill {i}", Aliases = [$"alias {i}"] })],
            Edges = [.. Enumerable.Range(1, 299).Select(i => new SocialLearning.Evaluation.GraphEdge { From = $"s{i}", To = $"s{i / 2}", Kind = SkillEdgeKind.Broader })],
        };
        var file = Path.Combine(_dir, "skills.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(graph, SocialLearning.Evaluation.EvaluationJsonContext.Default.SkillGraphData));
        string[] args = ["seed-skills", "--graph", file, "--postgres", "env:" + PostgreSqlTestDatabase.Variable, "--schema", _schema, "--tenant", "acme"];

        Assert.Equal(0, await CliApp.RunAsync(args));

        await using var check = PostgreSqlTestDatabase.CreateInstance(_schema);
        var stored = await check.GetRequiredService<ISkillService>().GetGraphAsync(new TenantId("acme"));
        Assert.Equal((300, 299), (stored.Skills.Count, stored.Edges.Count));
        var store = check.GetRequiredService<ISocialLearningStore>();
        var head = await store.GetHeadPositionAsync();
        Assert.Equal(0, await CliApp.RunAsync(args));
        Assert.Equal(head, await store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Export_xapi_and_insights_read_a_postgresql_store_with_the_connection_string_from_the_environment()
    {
        var tenant = new TenantId("acme");
        await using (var app = PostgreSqlTestDatabase.CreateInstance(_schema))
        {
            var skills = app.GetRequiredService<ISkillService>();
            var learners = app.GetRequiredService<ILearnerService>();
            var contributions = app.GetRequiredService<IContributionService>();
            await skills.DefineSkillAsync(tenant, new SkillId("vat"), "VAT");
            await learners.UpsertAsync(tenant, new LearnerId("ann"), "Ann");
            await learners.UpsertAsync(tenant, new LearnerId("bob"), "Bob");
            var question = await contributions.ShareAsync(new ShareContributionRequest { Tenant = tenant, Author = new LearnerId("bob"), Title = "Which VAT code?", Body = "For UK services", Skills = ["vat"], Kind = ContributionKind.Question });
            var tip = await contributions.ShareAsync(new ShareContributionRequest { Tenant = tenant, Author = new LearnerId("ann"), Title = "Reverse charge", Body = "Tick it for EU suppliers", Skills = ["vat"] });
            await contributions.GiveFeedbackAsync(tenant, new LearnerId("bob"), tip.Id, FeedbackKind.Helpful);
            _ = question;
        }

        var statements = Path.Combine(_dir, "statements.json");
        Assert.Equal(0, await CliApp.RunAsync(
        [
            "export-xapi", "--postgres", "env:" + PostgreSqlTestDatabase.Variable, "--schema", _schema, "--tenant", "acme",
            "--activity-base", "https://app.example.com/learning/", "--home-page", "https://login.example.com", "--evidence", "--out", statements,
        ]));
        using (var json = JsonDocument.Parse(await File.ReadAllBytesAsync(statements)))
        {
            var verbs = json.RootElement.EnumerateArray().Select(s => s.GetProperty("verb").GetProperty("display").GetProperty("en-US").GetString()).ToList();
            Assert.Equal(["asked", "shared", "showed proficiency", "voted up"], verbs);
        }

        var report = Path.Combine(_dir, "insights.json");
        Assert.Equal(0, await CliApp.RunAsync(["insights", "--postgres", "env:" + PostgreSqlTestDatabase.Variable, "--schema", _schema, "--tenant", "acme", "--json", report]));
        using (var json = JsonDocument.Parse(await File.ReadAllBytesAsync(report)))
        {
            var unanswered = Assert.Single(json.RootElement.GetProperty("unanswered").EnumerateArray());
            Assert.Equal("Which VAT code?", unanswered.GetProperty("title").GetString());
        }

        // A schema that was never created is refused with the reason (and is not created: the CLI never migrates).
        var missing = PostgreSqlTestDatabase.NewSchema();
        Assert.Equal(2, await CliApp.RunAsync(["insights", "--postgres", "env:" + PostgreSqlTestDatabase.Variable, "--schema", missing, "--tenant", "acme"]));
        Assert.Equal(2, await CliApp.RunAsync(["insights", "--postgres", "env:SOCIALLEARNING_NOT_SET_ANYWHERE", "--tenant", "acme"]));
        Assert.NotEqual(0, await CliApp.RunAsync(["insights", "--postgres", "env:" + PostgreSqlTestDatabase.Variable]));
    }
}
