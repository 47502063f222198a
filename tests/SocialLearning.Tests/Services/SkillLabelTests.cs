using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Storage;
namespace SocialLearning.Tests.Services;

/// <summary>Skills by what workers call them: contributions tagged by a skill's name or alias, and skill search.</summary>
public sealed class SkillLabelTests
{
    private static async Task<TestHost> HostWithTaxonomyAsync(Action<SocialLearningOptions>? configure = null)
    {
        var host = await TestHost.CreateAsync(configure);
        await host.Skills.DefineSkillAsync(host.Tenant, new SkillId("esco-aaa-1"), "spreadsheet modelling", ["Spreadsheets", "workbook modelling"]);
        await host.Skills.DefineSkillAsync(host.Tenant, new SkillId("esco-bbb-2"), "write macros", ["scripting a workbook", "automation"]);
        await host.Skills.DefineSkillAsync(host.Tenant, new SkillId("esco-ccc-3"), "process automation", ["automation"]);
        await host.Skills.DefineSkillAsync(host.Tenant, new SkillId("spreadsheets-101"), "Modelling basics");
        return host;
    }

    [Fact]
    public async Task A_contribution_can_be_tagged_by_a_skills_name_or_alias_in_any_case_and_spacing()
    {
        using var host = await HostWithTaxonomyAsync();

        var tip = await host.Contributions.ShareAsync(host.Tip("t", "  Spreadsheet   MODELLING ", "Scripting a workbook", "invoicing", "esco-aaa-1"));

        // Name and alias resolved to the ids; the id given as well is not repeated.
        Assert.Equal([new SkillId("esco-aaa-1"), new SkillId("esco-bbb-2"), new SkillId("invoicing")], tip.Skills);

        var edited = await host.Contributions.EditAsync(new EditContributionRequest
        {
            Tenant = host.Tenant, Id = tip.Id, Editor = host.Ada, ExpectedVersion = tip.Version, Skills = ["workbook modelling"],
        });
        Assert.Equal([new SkillId("esco-aaa-1")], edited.Skills);
    }

    [Fact]
    public async Task An_existing_id_wins_over_a_label_and_an_ambiguous_label_names_its_skills()
    {
        using var host = await HostWithTaxonomyAsync();
        await host.Skills.DefineSkillAsync(host.Tenant, new SkillId("reporting"), "Reporting", ["esco-aaa-1"]);

        var tip = await host.Contributions.ShareAsync(host.Tip("t", "esco-aaa-1"));
        Assert.Equal([new SkillId("esco-aaa-1")], tip.Skills);

        var ambiguous = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.ShareAsync(host.Tip("t", "invoicing", "Automation")));
        Assert.Equal("request.Skills[1]", ambiguous.ParamName);
        Assert.Contains("esco-bbb-2, esco-ccc-3", ambiguous.Message, StringComparison.Ordinal);
        Assert.Single(await host.Store.ListContributionsAsync(host.Tenant).ToListAsync());
    }

    [Fact]
    public async Task An_unknown_label_is_not_found_and_is_not_auto_created_as_an_id_with_spaces()
    {
        using var strict = await HostWithTaxonomyAsync();
        var missing = await Assert.ThrowsAsync<EntityNotFoundException>(() => strict.Contributions.ShareAsync(strict.Tip("t", "pivot tables")));
        Assert.Equal("request.Skills[0]", missing.Field);

        // The field is the entry's place in the request, duplicates before it included.
        var third = await Assert.ThrowsAsync<EntityNotFoundException>(() => strict.Contributions.ShareAsync(strict.Tip("t", "invoicing", "invoicing", "pivot tables")));
        Assert.Equal("request.Skills[2]", third.Field);

        using var lenient = await HostWithTaxonomyAsync(o => o.AutoCreateSkills = true);
        var invalid = await Assert.ThrowsAsync<ArgumentException>(() => lenient.Contributions.ShareAsync(lenient.Tip("t", "pivot tables")));
        Assert.Equal("request.Skills[0]", invalid.ParamName);
        Assert.Contains("no skill has the name or alias 'pivot tables'", invalid.Message, StringComparison.Ordinal);

        // A label of an existing skill is resolved, not auto-created; a new id still is.
        var tip = await lenient.Contributions.ShareAsync(lenient.Tip("t", "spreadsheets", "pivot-tables"));
        Assert.Equal([new SkillId("esco-aaa-1"), new SkillId("pivot-tables")], tip.Skills);
        Assert.Null(await lenient.Store.GetSkillAsync(lenient.Tenant, new SkillId("spreadsheets")));
    }

    [Fact]
    public async Task Search_puts_exact_then_prefix_then_word_then_substring_matches_first()
    {
        using var host = await HostWithTaxonomyAsync();

        Assert.Equal(["esco-aaa-1"], Ids(await host.Skills.FindAsync(host.Tenant, "SPREADSHEETS")));
        // "spreadsheet" starts the name of esco-aaa-1 and the id of spreadsheets-101 (ids count only when exact).
        Assert.Equal(["esco-aaa-1"], Ids(await host.Skills.FindAsync(host.Tenant, "spreadsheet")));
        // "automation": the alias of both, exact (tier 0); ties by name length, then id.
        Assert.Equal(["esco-bbb-2", "esco-ccc-3"], Ids(await host.Skills.FindAsync(host.Tenant, "automation")));
        // "modell": a name that starts with it (Modelling basics) before a word inside a name (spreadsheet modelling).
        Assert.Equal(["spreadsheets-101", "esco-aaa-1"], Ids(await host.Skills.FindAsync(host.Tenant, "modell")));
        // "odel": only substrings.
        Assert.Equal(["spreadsheets-101", "esco-aaa-1"], Ids(await host.Skills.FindAsync(host.Tenant, "odel")));
        Assert.Equal(["spreadsheets-101"], Ids(await host.Skills.FindAsync(host.Tenant, "odel", limit: 1)));
        Assert.Equal(["invoicing"], Ids(await host.Skills.FindAsync(host.Tenant, "invoicing")));
        Assert.Empty(await host.Skills.FindAsync(host.Tenant, "nothing like it"));
    }

    [Fact]
    public async Task A_match_never_spans_two_labels_and_an_id_matches_only_whole()
    {
        using var host = await TestHost.CreateAsync();
        await host.Skills.DefineSkillAsync(host.Tenant, new SkillId("x-1"), "data alpha", ["beta reports"]);
        await host.Skills.DefineSkillAsync(host.Tenant, new SkillId("x-2"), "Ärger management");

        Assert.Empty(await host.Skills.FindAsync(host.Tenant, "alpha beta")); // the end of the name and the start of an alias
        Assert.Empty(await host.Skills.FindAsync(host.Tenant, "x-")); // part of an id
        Assert.Equal(["x-1"], Ids(await host.Skills.FindAsync(host.Tenant, "X-1")));
        Assert.Equal(["x-2"], Ids(await host.Skills.FindAsync(host.Tenant, "ärger"))); // case folding beyond ASCII
        var tip = await host.Contributions.ShareAsync(host.Tip("t", "BETA  reports"));
        Assert.Equal([new SkillId("x-1")], tip.Skills);
    }

    [Theory]
    [InlineData("", 10, "text")]
    [InlineData("   ", 10, "text")]
    [InlineData("x", 0, "limit")]
    [InlineData("x", 101, "limit")]
    public async Task Search_rejects_bad_input_naming_the_parameter(string text, int limit, string field)
    {
        using var host = await HostWithTaxonomyAsync();
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => host.Skills.FindAsync(host.Tenant, text, limit));
        Assert.Equal(field, e.ParamName);
    }

    private static List<string> Ids(IReadOnlyList<Skill> skills) => [.. skills.Select(s => s.Id.Value)];
}

/// <summary>The skills behind search and resolution are held in memory and kept current from the store's change feed.</summary>
public sealed class SkillCatalogTests
{
    private static readonly TenantId Tenant = new("acme");

    private static (ServiceProvider Provider, CountingStore Counter) Instance(ISocialLearningStore shared)
    {
        var counting = CountingStore.Wrap(shared);
        var services = new ServiceCollection();
        services.AddSocialLearning();
        services.AddSingleton(counting.Store);
        return (services.BuildServiceProvider(), counting.Counter);
    }

    [Fact]
    public async Task Skills_are_read_once_and_again_only_after_a_skill_changes_even_on_another_instance()
    {
        var shared = new InMemorySocialLearningStore();
        var (a, readsA) = Instance(shared);
        var (b, _) = Instance(shared);
        using var _a = a;
        using var _b = b;
        var skillsA = a.GetRequiredService<ISkillService>();
        var skillsB = b.GetRequiredService<ISkillService>();
        await b.GetRequiredService<ILearnerService>().UpsertAsync(Tenant, new LearnerId("ada"), "Ada");
        await skillsB.DefineSkillAsync(Tenant, new SkillId("vat"), "VAT", ["sales tax"]);

        Assert.Equal("vat", Assert.Single(await skillsA.FindAsync(Tenant, "sales")).Id.Value);
        Assert.Single(await skillsA.FindAsync(Tenant, "sales"));
        Assert.Equal(1, readsA.SkillListings);

        // Other changes (a contribution shared) do not make the catalog read the skills again.
        var contributions = b.GetRequiredService<IContributionService>();
        await contributions.ShareAsync(new ShareContributionRequest { Tenant = Tenant, Author = new LearnerId("ada"), Title = "t", Body = "b", Skills = ["vat"] });
        Assert.Single(await skillsA.FindAsync(Tenant, "sales"));
        Assert.Equal(1, readsA.SkillListings);

        // A skill defined on the other instance, and an alias changed there, are found on the next read.
        await skillsB.DefineSkillAsync(Tenant, new SkillId("excel"), "Spreadsheets", ["sales pipeline sheets"]);
        Assert.Equal(["vat", "excel"], (await skillsA.FindAsync(Tenant, "sales")).Select(s => s.Id.Value));
        await skillsB.DefineSkillAsync(Tenant, new SkillId("vat"), "VAT", ["tax rates"]);
        Assert.Equal(["excel"], (await skillsA.FindAsync(Tenant, "sales")).Select(s => s.Id.Value));
        Assert.Equal(3, readsA.SkillListings);

        // Resolution uses the same catalog: a label written straight into the store is resolved on the next share.
        await shared.CreateSkillAsync(new Skill { Tenant = Tenant, Id = new SkillId("credit"), Name = "Credit notes", Aliases = ["refunds"], CreatedAt = DateTimeOffset.UnixEpoch });
        var tip = await a.GetRequiredService<IContributionService>().ShareAsync(new ShareContributionRequest { Tenant = Tenant, Author = new LearnerId("ada"), Title = "t2", Body = "b", Skills = ["Refunds"] });
        Assert.Equal([new SkillId("credit")], tip.Skills);
    }

    /// <summary>Forwards every call to a store and counts the listings of skills.</summary>
    [Fact]
    public async Task Past_its_capacity_the_catalog_drops_the_tenants_read_least_recently_and_reads_them_again_when_needed()
    {
        var shared = new InMemorySocialLearningStore();
        var counting = CountingStore.Wrap(shared);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        services.AddSocialLearning(o => o.SkillCatalogCapacity = 10);
        services.AddSingleton(counting.Store);
        await using var provider = services.BuildServiceProvider();
        var skills = provider.GetRequiredService<ISkillService>();
        var catalog = provider.GetRequiredService<SocialLearning.Services.SkillCatalog>();
        var clock = (Microsoft.Extensions.Time.Testing.FakeTimeProvider)provider.GetRequiredService<TimeProvider>();
        TenantId a = new("a"), b = new("b"), c = new("c");
        foreach (var (tenant, count) in new[] { (a, 6), (b, 6), (c, 3) })
        {
            await skills.ImportAsync(tenant, [.. Enumerable.Range(0, count).Select(i => new SkillDefinition { Id = new SkillId($"s{i}"), Name = $"skill {i}" })]);
        }

        var imports = counting.Counter.SkillListings; // each import lists the stored skills once
        async Task Read(TenantId tenant)
        {
            Assert.NotEmpty(await skills.FindAsync(tenant, "skill"));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await Read(a);
        await Read(b); // 12 skills > 10: a, read least recently, goes
        Assert.Equal((1, 6L), (catalog.HeldTenants, catalog.HeldSkills));
        Assert.Equal(imports + 2, counting.Counter.SkillListings);

        await Read(b); // still held: no listing
        Assert.Equal(imports + 2, counting.Counter.SkillListings);
        await Read(a); // read again; now b is the least recent and goes
        Assert.Equal(imports + 3, counting.Counter.SkillListings);
        Assert.Equal((1, 6L), (catalog.HeldTenants, catalog.HeldSkills));
        await Read(c); // a and c fit (9)
        await Read(a);
        Assert.Equal((2, 9L), (catalog.HeldTenants, catalog.HeldSkills));
        Assert.Equal(imports + 4, counting.Counter.SkillListings);
    }

    [Fact]
    public async Task A_tenant_bigger_than_the_capacity_is_kept_while_in_use_and_the_capacity_is_validated()
    {
        var counting = CountingStore.Wrap(new InMemorySocialLearningStore());
        var services = new ServiceCollection();
        services.AddSocialLearning(o => o.SkillCatalogCapacity = 5);
        services.AddSingleton(counting.Store);
        await using var provider = services.BuildServiceProvider();
        var skills = provider.GetRequiredService<ISkillService>();
        await skills.ImportAsync(Tenant, [.. Enumerable.Range(0, 8).Select(i => new SkillDefinition { Id = new SkillId($"s{i}"), Name = $"skill {i}" })]);

        var imports = counting.Counter.SkillListings;

        await skills.FindAsync(Tenant, "skill");
        await skills.FindAsync(Tenant, "skill");

        Assert.Equal(imports + 1, counting.Counter.SkillListings);

        var invalid = new ServiceCollection();
        invalid.AddSocialLearning(o => o.SkillCatalogCapacity = 0).UseInMemoryStorage();
        using var bad = invalid.BuildServiceProvider();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => bad.GetRequiredService<ISkillService>());
        Assert.Contains("SocialLearningOptions.SkillCatalogCapacity must be between 1 and", error.Message, StringComparison.Ordinal);
    }

    public class CountingStore : StoreProxy
    {
        public int SkillListings { get; private set; }

        public static (ISocialLearningStore Store, CountingStore Counter) Wrap(ISocialLearningStore inner) => Wrap<CountingStore>(inner);

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(ISocialLearningStore.ListSkillsAsync))
            {
                SkillListings++;
            }

            return Forward(targetMethod, args);
        }
    }
}
