using System.Text.Json;
using System.Xml;
using SocialLearning.Cli;
using SocialLearning.Evaluation;

namespace SocialLearning.Evaluation.Tests;

/// <summary>Runs the real CLI on a slice of the real dump (first posts only, Comments/Badges left out, tags rewritten to the |a|b| format).</summary>
public sealed class CliSmokeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sl-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Slice(int posts)
    {
        var source = Datasets.QuantumComputing();
        var slice = Path.Combine(_dir, "slice");
        Directory.CreateDirectory(slice);
        foreach (var file in new[] { "Users.xml", "Votes.xml", "PostLinks.xml", "Tags.xml" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(slice, file));
        }

        using var writer = XmlWriter.Create(Path.Combine(slice, "Posts.xml"), new XmlWriterSettings { Indent = true });
        writer.WriteStartElement("posts");
        foreach (var row in StackExchangeDump.ReadRows(Path.Combine(source, "Posts.xml")).Take(posts))
        {
            writer.WriteStartElement("row");
            foreach (var (name, value) in row)
            {
                // Newer dumps write tags as |a|b|: the same command must handle both.
                writer.WriteAttributeString(name, name == "Tags" ? "|" + string.Join('|', StackExchangeDump.ParseTags(value)) + "|" : value);
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        return slice;
    }

    [Fact]
    public async Task Evaluate_writes_json_html_and_trec_files_for_every_task()
    {
        var slice = Slice(posts: 700);
        var json = Path.Combine(_dir, "report.json");
        var html = Path.Combine(_dir, "report.html");
        var trec = Path.Combine(_dir, "trec");

        var exit = await CliApp.RunAsync(
        [
            "evaluate", "--dataset", slice, "--task", "all", "--max-queries", "8",
            "--rankers", "lucene-bm25,sqlite-fts5-bm25,random,tag-profile,most-answers,tag-popularity,tag-cooccurrence,eval-bm25-thread,eval-routing-decayed-tags,eval-next-skill-rrf,sdk-tip-bm25,sdk-peer-fusion,sdk-path-blend",
            "--json", json, "--html", html, "--trec", trec,
        ]);

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var tasks = doc.RootElement.GetProperty("tasks").EnumerateArray().ToList();
        foreach (var name in new[] { "related", "routing", "next-skill" })
        {
            var task = tasks.FirstOrDefault(t => t.GetProperty("task").GetString() == name && t.GetProperty("split").GetString() == "test");
            Assert.True(task.ValueKind == JsonValueKind.Object, $"no test report for {name}");
            Assert.InRange(task.GetProperty("queryCount").GetInt32(), 1, 8);
            Assert.True(task.GetProperty("poolSize").GetDouble() > 0);
            foreach (var ranker in task.GetProperty("rankers").EnumerateArray())
            {
                var metrics = ranker.GetProperty("metrics");
                foreach (var metric in new[] { "MRR", "P@1", "NDCG@3", "NDCG@10", "Recall@10", "Recall@100", "coverage" })
                {
                    var m = metrics.GetProperty(metric);
                    Assert.InRange(m.GetProperty("mean").GetDouble(), m.GetProperty("low").GetDouble(), m.GetProperty("high").GetDouble());
                }

                Assert.True(ranker.GetProperty("latency").GetProperty("p99Ms").GetDouble() >= 0);
            }
        }

        var routing = tasks.First(t => t.GetProperty("task").GetString() == "routing");
        var origins = routing.GetProperty("rankers").EnumerateArray().Select(r => r.GetProperty("origin").GetString()).ToHashSet();
        Assert.Contains("SdkBuiltIn", origins);
        Assert.Contains("Baseline", origins);
        Assert.Contains("Evaluation", origins);

        var page = await File.ReadAllTextAsync(html);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(trec, "related.test.linked.qrels")));
        Assert.True(File.Exists(Path.Combine(trec, "routing.test.lucene-bm25.run")) || File.Exists(Path.Combine(trec, "related.test.lucene-bm25.run")));

        // The saved report renders again, into a folder it creates; a split it does not know is an error, not an empty print.
        Assert.Equal(0, await CliApp.RunAsync(["report", "--json", json, "--html", Path.Combine(_dir, "again", "again.html")]));
        Assert.True(File.Exists(Path.Combine(_dir, "again", "again.html")));
        Assert.NotEqual(0, await CliApp.RunAsync(["report", "--json", json, "--split", "train"]));
    }

    [Fact]
    public async Task Evaluate_fails_clearly_for_a_missing_dataset() =>
        Assert.Equal(2, await CliApp.RunAsync(["evaluate", "--dataset", Path.Combine(_dir, "nope")]));

    [Fact]
    public async Task Evaluate_with_a_misspelt_ranker_name_fails_before_running_anything()
    {
        var slice = Slice(posts: 300);
        var json = Path.Combine(_dir, "report.json");

        var exit = await CliApp.RunAsync(["evaluate", "--dataset", slice, "--task", "routing", "--rankers", "tag-profile,sdk-peer-fusin", "--json", json]);

        Assert.Equal(2, exit);
        Assert.False(File.Exists(json), "A report was written although a ranker name was unknown.");
        Assert.Equal(2, await CliApp.RunAsync(["evaluate", "--dataset", slice, "--task", "rooting"]));
    }

    [Fact]
    public async Task Evaluate_checks_max_queries_and_creates_output_folders_before_running()
    {
        var slice = Slice(posts: 300);
        Assert.NotEqual(0, await CliApp.RunAsync(["evaluate", "--dataset", slice, "--max-queries", "0"]));
        Assert.NotEqual(0, await CliApp.RunAsync(["evaluate", "--dataset", slice, "--max-queries", "many"]));
        Assert.NotEqual(0, await CliApp.RunAsync(["evaluate", "--dataset", slice, "--max-queries", "-3"]));
        var everything = Path.Combine(_dir, "all.json");
        Assert.Equal(0, await CliApp.RunAsync(["evaluate", "--dataset", slice, "--task", "routing", "--rankers", "tag-profile", "--max-queries", "all", "--json", everything]));
        using (var stream = File.OpenRead(everything))
        {
            var report = System.Text.Json.JsonSerializer.Deserialize(stream, EvaluationJsonContext.Default.EvaluationReport)!;
            Assert.Null(report.Options.MaxQueriesPerSplit); // written as null, so it does not read back as the default 500
        }

        var json = Path.Combine(_dir, "new", "nested", "report.json");
        var exit = await CliApp.RunAsync(["evaluate", "--dataset", slice, "--task", "routing", "--rankers", "tag-profile", "--max-queries", "2", "--json", json]);

        Assert.Equal(0, exit);
        Assert.True(File.Exists(json), "The report's folder was not created.");
    }

    [Fact]
    public async Task Import_writes_host_data_json_into_a_folder_it_creates()
    {
        var slice = Slice(posts: 200);
        var output = Path.Combine(_dir, "out", "host.json");

        Assert.Equal(0, await CliApp.RunAsync(["import", "--dataset", slice, "--out", output]));

        var written = HostDataFormat.Read(output);
        var direct = StackExchangeImporter.Load(slice);
        Assert.NotEmpty(written.Posts);
        Assert.Equal(direct.Posts.Select(p => (p.Id, p.Kind, p.CreatedAt)), written.Posts.Select(p => (p.Id, p.Kind, p.CreatedAt)));
    }
}
