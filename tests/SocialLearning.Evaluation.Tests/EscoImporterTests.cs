using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Cli;
using SocialLearning.Storage;

namespace SocialLearning.Evaluation.Tests;

/// <summary>The ESCO CSV importer, on small files written the way ESCO's download writes them (invented labels).</summary>
public sealed class EscoImporterTests : IDisposable
{
    private const string Skill = "http://data.europa.eu/esco/skill/";
    private readonly string _dir = Directory.CreateTempSubdirectory("sl-esco-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string file, string text, bool bom = true) =>
        File.WriteAllText(Path.Combine(_dir, file), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));

    private void WriteFullSet()
    {
        // Quoted fields with commas and line breaks (ESCO lists alternative labels one per line), CRLF records.
        Write("skills_en.csv",
            "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description\r\n"
            + $"KnowledgeSkillCompetence,{Skill}aaa-1,knowledge,cross-sector,spreadsheet modelling,\"spreadsheets\nworkbook modelling\nspreadsheet modelling\",,released,2024-01-01,,,x,\"Building models in a grid, with formulas.\"\r\n"
            + $"KnowledgeSkillCompetence,{Skill}bbb-2,skill/competence,sector-specific,write macros,\"scripting a workbook\",,released,2024-01-01,,,x,\r\n"
            + $"KnowledgeSkillCompetence,{Skill}ccc-3,skill/competence,transversal,explain figures,,,released,2024-01-01,,,x,Say what numbers mean.\r\n"
            + $"KnowledgeSkillCompetence,,knowledge,,no uri,,,released,2024-01-01,,,x,\r\n");
        Write("skillGroups_en.csv",
            "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,inScheme,description,code\r\n"
            + $"SkillGroup,{Skill}S5.1,working with computers,,,released,2024-01-01,,x,Using digital tools.,S5.1\r\n"
            + "SkillGroup,http://data.europa.eu/esco/isced-f/0613,software and applications development and analysis,,,released,2024-01-01,,x,,0613\r\n");
        Write("broaderRelationsSkillPillar_en.csv",
            "conceptType,conceptUri,conceptLabel,broaderType,broaderUri,broaderLabel\r\n"
            + $"KnowledgeSkillCompetence,{Skill}aaa-1,spreadsheet modelling,SkillGroup,http://data.europa.eu/esco/isced-f/0613,software\r\n"
            + $"KnowledgeSkillCompetence,{Skill}bbb-2,write macros,SkillGroup,{Skill}S5.1,working with computers\r\n"
            + $"KnowledgeSkillCompetence,{Skill}bbb-2,write macros,SkillGroup,{Skill}S5.1,working with computers\r\n"
            + $"KnowledgeSkillCompetence,{Skill}ccc-3,explain figures,SkillGroup,{Skill}not-read,unknown group\r\n");
        // Columns in another order than ESCO's: they are found by name.
        Write("skillSkillRelations_en.csv",
            "relationType,originalSkillUri,originalSkillType,relatedSkillType,relatedSkillUri\r\n"
            + $"essential,{Skill}bbb-2,skill/competence,knowledge,{Skill}aaa-1\r\n"
            + $"optional,{Skill}ccc-3,skill/competence,knowledge,{Skill}aaa-1\r\n"
            + $"essential,{Skill}ccc-3,skill/competence,knowledge,{Skill}aaa-1\r\n"
            + $"optional,{Skill}bbb-2,skill/competence,skill/competence,{Skill}ccc-3\r\n"
            + $"optional,{Skill}bbb-2,skill/competence,skill/competence,{Skill}missing\r\n");
    }

    [Fact]
    public void Skills_groups_hierarchy_and_relations_become_a_skill_graph()
    {
        WriteFullSet();

        var graph = EscoSkillGraph.Load(_dir);

        Assert.Equal(["esco-S5.1", "esco-aaa-1", "esco-bbb-2", "esco-ccc-3", "esco-isced-f-0613"], graph.Skills.Select(s => s.Id));
        var modelling = graph.Skills.Single(s => s.Id == "esco-aaa-1");
        Assert.Equal("spreadsheet modelling", modelling.Name);
        Assert.Equal(["spreadsheets", "workbook modelling"], modelling.Aliases); // the preferred label is not its own alias
        Assert.Equal("Building models in a grid, with formulas.", modelling.Description);
        Assert.Null(graph.Skills.Single(s => s.Id == "esco-bbb-2").Description);
        Assert.Empty(graph.Skills.Single(s => s.Id == "esco-ccc-3").Aliases);

        // Broader: both ends read, each pair once; the edge to a group that is not in the files is dropped.
        Assert.Equal(
            [("esco-aaa-1", "esco-isced-f-0613"), ("esco-bbb-2", "esco-S5.1")],
            graph.Edges.Where(e => e.Kind == SkillEdgeKind.Broader).Select(e => (e.From, e.To)));

        // Related: essential 1, optional 0.5; a pair listed twice keeps its strongest; unknown skills dropped.
        Assert.Equal(
            [("esco-bbb-2", "esco-aaa-1", 1.0), ("esco-ccc-3", "esco-aaa-1", 1.0), ("esco-bbb-2", "esco-ccc-3", 0.5)],
            graph.Edges.Where(e => e.Kind == SkillEdgeKind.Related).Select(e => (e.From, e.To, e.Weight)));
    }

    [Fact]
    public void Only_the_skills_file_is_required_and_a_byte_order_mark_is_optional()
    {
        Write("skills_en.csv", $"conceptUri,preferredLabel\n{Skill}x-1,one thing\n{Skill}x-2,another\n", bom: false);

        var graph = EscoSkillGraph.Load(_dir);

        Assert.Equal(["esco-x-1", "esco-x-2"], graph.Skills.Select(s => s.Id));
        Assert.Empty(graph.Edges);
    }

    [Fact]
    public void Another_language_reads_its_own_files()
    {
        Write("skills_pt.csv", $"conceptUri,preferredLabel,altLabels\n{Skill}x-1,modelação em folhas de cálculo,\"folhas de cálculo\"\n");

        var graph = EscoSkillGraph.Load(_dir, "pt");

        var skill = Assert.Single(graph.Skills);
        Assert.Equal(("modelação em folhas de cálculo", "folhas de cálculo"), (skill.Name, Assert.Single(skill.Aliases)));
        Assert.Throws<FileNotFoundException>(() => EscoSkillGraph.Load(_dir, "en"));
    }

    [Fact]
    public void Bad_input_is_refused_with_the_file_and_the_column_named()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => EscoSkillGraph.Load(_dir));
        Assert.Contains("skills_en.csv", missing.Message, StringComparison.Ordinal);

        Write("skills_en.csv", $"conceptUri,label\n{Skill}x-1,one\n");
        var column = Assert.Throws<InvalidDataException>(() => EscoSkillGraph.Load(_dir));
        Assert.Contains("skills_en.csv has no 'preferredLabel' column", column.Message, StringComparison.Ordinal);

        Write("skills_en.csv", $"conceptUri,preferredLabel\n{Skill}x-1,one\n");
        Write("skillSkillRelations_en.csv", $"originalSkillUri,relatedSkillUri\n{Skill}x-1,{Skill}x-1\n");
        var relation = Assert.Throws<InvalidDataException>(() => EscoSkillGraph.Load(_dir));
        Assert.Contains("skillSkillRelations_en.csv has no 'relationType' column", relation.Message, StringComparison.Ordinal);

        var language = Assert.Throws<ArgumentException>(() => EscoSkillGraph.Load(_dir, "../en"));
        Assert.Equal("language", language.ParamName);
    }

    [Theory]
    [InlineData("http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab", "esco-0005c151-5b5a-4a66-8aac-60e734beb1ab")]
    [InlineData("http://data.europa.eu/esco/isced-f/0613", "esco-isced-f-0613")]
    [InlineData("http://example.org/skills/x-9", "esco-x-9")]
    [InlineData(" ", null)]
    [InlineData("http://data.europa.eu/esco/skill/", null)]
    public void Concept_uris_become_skill_ids(string uri, string? expected) => Assert.Equal(expected, EscoSkillGraph.IdOf(uri));

    [Fact]
    public async Task The_graph_imports_through_the_skill_service_with_aliases_and_edges_and_again_writes_nothing()
    {
        WriteFullSet();
        var graph = EscoSkillGraph.Load(_dir);
        var services = new ServiceCollection();
        services.AddSocialLearning().UseInMemoryStorage();
        await using var provider = services.BuildServiceProvider();
        var skills = provider.GetRequiredService<ISkillService>();
        var tenant = new TenantId("t1");

        var result = await graph.ImportAsync(skills, tenant);

        Assert.Equal((graph.Skills.Count, graph.Edges.Count), (result.SkillsCreated, result.EdgesAdded));
        var stored = (await skills.GetGraphAsync(tenant)).Skills.Single(s => s.Id == new SkillId("esco-aaa-1"));
        Assert.Equal(["spreadsheets", "workbook modelling"], stored.Aliases);
        Assert.Equal(5, (await skills.GetGraphAsync(tenant)).Edges.Count);
        var again = await graph.ImportAsync(skills, tenant);
        Assert.Equal((graph.Skills.Count, graph.Edges.Count), (again.SkillsUnchanged, again.EdgesUnchanged));
    }

    [Fact]
    public void A_taxonomy_is_fitted_to_the_sdk_limits_before_it_is_imported()
    {
        var graph = new SkillGraphData
        {
            Skills =
            [
                new GraphSkill { Id = "long", Name = new string('n', 250), Description = new string('d', 5_000), Aliases = [.. Enumerable.Range(0, 60).Select(i => $"alias {i % 55}"), "   ", new string('a', 201)] },
                new GraphSkill { Id = "has space", Name = "Bad id" },
                new GraphSkill { Id = "blank", Name = "  ", Description = " " },
                new GraphSkill { Id = "other", Name = " Other ", Description = "  " },
                new GraphSkill { Id = "long", Name = "Second with the same id" },
            ],
            Edges =
            [
                new GraphEdge { From = "long", To = "other", Kind = SkillEdgeKind.Related, Weight = 0.3 },
                new GraphEdge { From = "long", To = "other", Kind = SkillEdgeKind.Related, Weight = 0.7 },
                new GraphEdge { From = "other", To = "long", Kind = SkillEdgeKind.Broader, Weight = 2 },
                new GraphEdge { From = "other", To = "other", Kind = SkillEdgeKind.Related },
                new GraphEdge { From = "other", To = "blank", Kind = SkillEdgeKind.Related },
                new GraphEdge { From = "long", To = "other", Kind = SkillEdgeKind.Broader, Weight = 0 },
            ],
        };

        var (skills, edges) = graph.ToDefinitions();

        Assert.Equal(["long", "other"], skills.Select(s => s.Id.Value));
        Assert.Equal((200, 4_000), (skills[0].Name.Length, skills[0].Description!.Length));
        Assert.Equal([.. Enumerable.Range(0, 50).Select(i => $"alias {i}")], skills[0].Aliases);
        Assert.Equal(("Other", null), (skills[1].Name, skills[1].Description));
        Assert.Equal(["long>other Related 0.7", "other>long Broader 1"], edges.Select(e => $"{e.From}>{e.To} {e.Kind} {e.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    [Fact]
    public async Task The_cli_seeds_a_sqlite_store_from_the_json_and_a_second_run_writes_nothing()
    {
        WriteFullSet();
        var json = Path.Combine(_dir, "skills.json");
        var db = Path.Combine(_dir, "app.db");
        Assert.Equal(0, await CliApp.RunAsync(["import", "--esco", _dir, "--out", json]));

        Assert.Equal(0, await CliApp.RunAsync(["seed-skills", "--graph", json, "--sqlite", db, "--tenant", "acme"]));

        long head;
        var services = new ServiceCollection();
        services.AddSocialLearning().UseSqliteStorage($"Data Source={db}");
        await using (var provider = services.BuildServiceProvider())
        {
            var graph = await provider.GetRequiredService<ISkillService>().GetGraphAsync(new TenantId("acme"));
            Assert.Equal(EscoSkillGraph.Load(_dir).Skills.Select(s => s.Id).Order(), graph.Skills.Select(s => s.Id.Value).Order());
            Assert.Equal(5, graph.Edges.Count);
            head = await provider.GetRequiredService<ISocialLearningStore>().GetHeadPositionAsync();
        }

        Assert.Equal(0, await CliApp.RunAsync(["seed-skills", "--esco", _dir, "--sqlite", db, "--tenant", "acme"]));
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.Equal(head, await provider.GetRequiredService<ISocialLearningStore>().GetHeadPositionAsync());
        }
    }

    [Theory]
    [InlineData("no source")]
    [InlineData("two sources")]
    [InlineData("no store")]
    [InlineData("no tenant")]
    [InlineData("missing file")]
    [InlineData("not json")]
    public async Task The_cli_refuses_a_bad_seed_before_writing(string fault)
    {
        WriteFullSet();
        var db = Path.Combine(_dir, "refused.db");
        var bad = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(bad, "{ \"skills\": [ { \"id\": \"x\" ");
        string[] args = fault switch
        {
            "no source" => ["seed-skills", "--sqlite", db, "--tenant", "acme"],
            "two sources" => ["seed-skills", "--esco", _dir, "--graph", bad, "--sqlite", db, "--tenant", "acme"],
            "no store" => ["seed-skills", "--esco", _dir, "--tenant", "acme"],
            "no tenant" => ["seed-skills", "--esco", _dir, "--sqlite", db],
            "missing file" => ["seed-skills", "--graph", Path.Combine(_dir, "none.json"), "--sqlite", db, "--tenant", "acme"],
            _ => ["seed-skills", "--graph", bad, "--sqlite", db, "--tenant", "acme"],
        };

        Assert.NotEqual(0, await CliApp.RunAsync(args));
        Assert.False(File.Exists(db));
    }

    [Fact]
    public async Task The_cli_writes_the_graph_as_json()
    {
        WriteFullSet();
        var output = Path.Combine(_dir, "out", "skills.json");

        Assert.Equal(0, await CliApp.RunAsync(["import", "--esco", _dir, "--out", output]));

        using var stream = File.OpenRead(output);
        var written = System.Text.Json.JsonSerializer.Deserialize(stream, EvaluationJsonContext.Default.SkillGraphData)!;
        Assert.Equal(EscoSkillGraph.Load(_dir).Skills, written.Skills, new SkillComparer());
        Assert.Equal(5, written.Edges.Count);
        Assert.Equal(2, await CliApp.RunAsync(["import", "--esco", Path.Combine(_dir, "nowhere"), "--out", output]));
        Assert.NotEqual(0, await CliApp.RunAsync(["import", "--onet", _dir, "--language", "pt", "--out", output]));
    }

    private sealed class SkillComparer : IEqualityComparer<GraphSkill>
    {
        public bool Equals(GraphSkill? x, GraphSkill? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Name == y.Name && x.Description == y.Description && x.Aliases.SequenceEqual(y.Aliases);

        public int GetHashCode(GraphSkill obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
