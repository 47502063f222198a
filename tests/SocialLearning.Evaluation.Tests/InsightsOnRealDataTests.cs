using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Cli;

namespace SocialLearning.Evaluation.Tests;

/// <summary>Learning insights over the whole quantumcomputing dump, checked against the same numbers computed from the dump's posts.</summary>
public sealed class InsightsOnRealDataTests
{
    [Fact]
    public async Task Open_questions_and_gap_counts_match_the_dump_at_its_end()
    {
        var corpus = StackExchangeImporter.Load(Datasets.QuantumComputing());
        var services = new ServiceCollection();
        services.AddSocialLearning().UseInMemoryStorage();
        await using var provider = services.BuildServiceProvider();
        var tenant = new TenantId("qc");
        await CorpusStoreWriter.ImportAsync(corpus, provider.GetRequiredService<ISocialLearningStore>(), tenant);
        var end = corpus.Posts.Max(p => p.CreatedAt);

        var report = await provider.GetRequiredService<ILearningInsights>().GetAsync(tenant, new InsightsRequest { AsOf = end, Top = 100 });

        // Straight from the posts: questions with no answer at all, oldest first.
        var answered = corpus.Posts.Where(p => p.Kind == CorpusPostKind.Answer && p.ParentId is not null).Select(p => p.ParentId!).ToHashSet(StringComparer.Ordinal);
        var open = corpus.Posts.Where(p => p.Kind == CorpusPostKind.Question && !answered.Contains(p.Id)).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
        Assert.True(open.Count > 10, $"only {open.Count} open questions");
        Assert.Equal(open.Take(100).Select(p => p.Id), report.Unanswered.Select(q => q.Id.Value));

        // Each listed gap's counts, recomputed from the posts.
        var from = end - TimeSpan.FromDays(28);
        Assert.NotEmpty(report.Gaps);
        foreach (var gap in report.Gaps.Take(10))
        {
            var tag = gap.Skill.Value;
            var questions = corpus.Posts.Where(p => p.Kind == CorpusPostKind.Question && p.Tags.Contains(tag)).ToList();
            var shared = corpus.Posts.Where(p => p.Kind == CorpusPostKind.Answer && p.ParentId is not null && questions.Any(q => q.Id == p.ParentId)).ToList();
            Assert.Equal(questions.Count(q => q.CreatedAt > from), gap.QuestionsAsked);
            Assert.Equal(questions.Count(q => !answered.Contains(q.Id)), gap.OpenQuestions);
            Assert.Equal(shared.Count, gap.Shared);
        }

        Assert.True(report.Gaps.Zip(report.Gaps.Skip(1)).All(p => p.First.Score >= p.Second.Score));

        // The CLI gives the same report (as of the dump's last post by default) and writes it as JSON.
        var dir = Directory.CreateTempSubdirectory("sl-insights-").FullName;
        try
        {
            var json = Path.Combine(dir, "out", "insights.json");
            Assert.Equal(0, await CliApp.RunAsync(["insights", "--dataset", Datasets.QuantumComputing(), "--top", "100", "--json", json]));
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal(report.Unanswered.Select(q => q.Id.Value), document.RootElement.GetProperty("unanswered").EnumerateArray().Select(q => q.GetProperty("id").GetString()));
            Assert.Equal(report.Gaps.Select(g => g.Skill.Value), document.RootElement.GetProperty("gaps").EnumerateArray().Select(g => g.GetProperty("skill").GetString()));
            Assert.Equal(2, await CliApp.RunAsync(["insights", "--sqlite", Path.Combine(dir, "missing.db"), "--tenant", "t"]));
            Assert.False(File.Exists(Path.Combine(dir, "missing.db")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
