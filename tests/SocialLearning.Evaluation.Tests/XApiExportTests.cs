using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Cli;
using SocialLearning.Tests.Export;

namespace SocialLearning.Evaluation.Tests;

/// <summary>The <c>export-xapi</c> command on the real dump and on a SQLite store file.</summary>
public sealed class XApiExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sl-xapi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_whole_dump_exports_as_valid_statements_one_per_post_and_vote_with_unique_ids_in_time_order()
    {
        var dump = Datasets.QuantumComputing();
        var output = Path.Combine(_dir, "out", "qc.json");
        Assert.Equal(0, await CliApp.RunAsync(["export-xapi", "--dataset", dump, "--activity-base", "https://qc.example.org/", "--home-page", "https://qc.example.org", "--out", output]));

        var statements = JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsArray().Select(n => n!.AsObject()).ToList();
        foreach (var statement in statements)
        {
            XApiStatementRules.AssertValid(statement);
        }

        // What the store holds after the same import: one statement per question, answer and interaction.
        var services = new ServiceCollection();
        services.AddSocialLearning().UseInMemoryStorage();
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ISocialLearningStore>();
        var tenant = new TenantId("qc");
        await CorpusStoreWriter.ImportAsync(StackExchangeImporter.Load(dump), store, tenant);
        var contributions = await store.ListContributionsAsync(tenant).CountAsync();
        var interactions = await store.ListInteractionsAsync(tenant).CountAsync();
        Assert.True(contributions > 1_000 && interactions > 10_000, $"{contributions} contributions, {interactions} interactions");
        Assert.Equal(contributions + interactions, statements.Count);

        Assert.Equal(statements.Count, statements.Select(s => s["id"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count());
        var times = statements.Select(s => DateTimeOffset.Parse(s["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(times.Zip(times.Skip(1)).All(p => p.First <= p.Second), "statements are not in time order");
        Assert.Equal(
            statements.Count(s => s["verb"]!["id"]!.GetValue<string>() == "http://adlnet.gov/expapi/verbs/answered"),
            await store.ListContributionsAsync(tenant).CountAsync(c => c.Kind == ContributionKind.Answer));
    }

    [Fact]
    public async Task A_sqlite_store_file_exports_one_tenant_and_bad_input_fails_with_exit_code_2_and_no_file()
    {
        var file = Path.Combine(_dir, "store.db");
        var services = new ServiceCollection();
        services.AddSocialLearning().UseSqliteStorage($"Data Source={file}");
        await using (var provider = services.BuildServiceProvider())
        {
            var learners = provider.GetRequiredService<ILearnerService>();
            var contributions = provider.GetRequiredService<IContributionService>();
            var skills = provider.GetRequiredService<ISkillService>();
            foreach (var tenant in new[] { new TenantId("acme"), new TenantId("globex") })
            {
                await learners.UpsertAsync(tenant, new LearnerId("ann"), "Ann");
                await learners.UpsertAsync(tenant, new LearnerId("ben"), "Ben");
                await skills.DefineSkillAsync(tenant, new SkillId("vat"), "VAT");
                var tip = await contributions.ShareAsync(new ShareContributionRequest { Tenant = tenant, Author = new LearnerId("ann"), Title = "Pick the customer first", Body = "Then the VAT rate.", Skills = ["vat"], ContextKeys = ["route:/invoices/new"] });
                await contributions.GiveFeedbackAsync(tenant, new LearnerId("ben"), tip.Id, FeedbackKind.Helpful);
                await contributions.GiveFeedbackAsync(tenant, new LearnerId("ben"), tip.Id, FeedbackKind.Viewed);
            }
        }

        var output = Path.Combine(_dir, "acme.json");
        string[] common = ["--activity-base", "https://app.example.com/learning/", "--home-page", "https://login.example.com"];
        Assert.Equal(0, await CliApp.RunAsync(["export-xapi", "--sqlite", file, "--tenant", "acme", "--no-views", "--names", .. common, "--out", output]));
        var statements = JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Equal(["shared", "voted up"], statements.Select(s => s["verb"]!["display"]!["en-US"]!.GetValue<string>()));
        Assert.All(statements, s => Assert.Equal("acme", s["context"]!["extensions"]!["https://sociallearning.dev/xapi/extensions/tenant"]!.GetValue<string>()));
        Assert.Equal("Ann", statements[0]["actor"]!["name"]!.GetValue<string>());

        var missing = Path.Combine(_dir, "missing.json");
        Assert.Equal(2, await CliApp.RunAsync(["export-xapi", "--sqlite", Path.Combine(_dir, "nope.db"), "--tenant", "acme", .. common, "--out", missing]));
        Assert.False(File.Exists(Path.Combine(_dir, "nope.db")));
        Assert.Equal(2, await CliApp.RunAsync(["export-xapi", "--sqlite", file, "--tenant", "acme", "--activity-base", "https://app.example.com/no-slash", "--home-page", "https://login.example.com", "--out", missing]));
        Assert.Equal(2, await CliApp.RunAsync(["export-xapi", "--sqlite", file, "--tenant", "acme", .. common, "--from", "yesterday", "--out", missing]));
        Assert.NotEqual(0, await CliApp.RunAsync(["export-xapi", "--sqlite", file, .. common, "--out", missing]));
        Assert.False(File.Exists(missing));
    }
}
