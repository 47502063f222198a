using SocialLearning.Evaluation;

namespace SocialLearning.Evaluation.Tests;

public sealed class LeakageTests
{
    [Theory]
    [InlineData("""see <a href="https://site.stackexchange.com/questions/12/slug">Secret Title</a> now""")]
    [InlineData("""see <a href="/q/12" rel="nofollow">Secret Title</a> now""")]
    [InlineData("""see <a href='https://site.stackexchange.com/a/99/5'>Secret Title</a> now""")]
    [InlineData("see [Secret Title](https://site.stackexchange.com/questions/12) now")]
    public void Links_to_posts_are_removed_with_their_anchor_text(string body)
    {
        var cleaned = TextCleaner.Clean(body);
        Assert.DoesNotContain("Secret", cleaned, StringComparison.Ordinal);
        Assert.StartsWith("see", cleaned, StringComparison.Ordinal);
        Assert.EndsWith("now", cleaned, StringComparison.Ordinal);
    }

    [Fact]
    public void Bare_post_urls_are_removed_and_other_links_kept()
    {
        var cleaned = TextCleaner.Clean("""read https://site.stackexchange.com/questions/12/secret-title and <a href="https://arxiv.org/abs/1">the paper</a>""");
        Assert.DoesNotContain("secret", cleaned, StringComparison.Ordinal);
        Assert.Contains("the paper", cleaned, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_becomes_plain_text_with_entities_decoded()
    {
        Assert.Equal("a & b c", TextCleaner.Clean("<p>a &amp; b</p><p>c</p>"));
    }

    private static DateTimeOffset Day(int day) => new(2024, 1, day, 12, 0, 0, TimeSpan.Zero);

    private static EvaluationCorpus LinkedCorpus()
    {
        var posts = new List<CorpusPost>();
        for (var i = 1; i <= 20; i++)
        {
            posts.Add(new CorpusPost { Id = $"q{i}", Kind = CorpusPostKind.Question, AuthorId = $"u{i}", CreatedAt = Day(i), Title = $"Question number {i}", Body = "<p>body</p>", Tags = ["t"] });
        }

        // The newest question links to q3 with q3's title as anchor text: the label must not leak into the query.
        posts[19] = posts[19] with { Body = """<p>like <a href="https://x.stackexchange.com/questions/3/q">Question number 3</a> but different</p>""" };
        posts.Add(new CorpusPost { Id = "a1", Kind = CorpusPostKind.Answer, AuthorId = "u5", CreatedAt = Day(20).AddHours(1), Body = "answer", ParentId = "q20" });
        return new EvaluationCorpus(
            "linked",
            posts,
            links:
            [
                new CorpusLink { FromPostId = "q20", ToPostId = "q3", Kind = CorpusLinkKind.Linked },
                new CorpusLink { FromPostId = "q2", ToPostId = "q20", Kind = CorpusLinkKind.Linked }, // points to the future: not a label
            ]);
    }

    [Fact]
    public void Related_query_has_no_anchor_text_and_only_earlier_questions_are_relevant()
    {
        var plan = EvaluationPlan.Create(LinkedCorpus(), EvaluationTask.Related);

        var judged = Assert.Single(plan.Queries);
        Assert.Equal("rel-q20", judged.Query.Id);
        Assert.Equal(EvaluationSplit.Test, judged.Split);
        Assert.DoesNotContain("number 3", judged.Query.Text, StringComparison.Ordinal);
        Assert.Equal(["q3"], judged.Relevant["linked"]);
    }

    [Fact]
    public async Task Rankers_never_see_anything_at_or_after_the_query_time()
    {
        var spy = new SpyRanker();
        var plan = EvaluationPlan.Create(LinkedCorpus(), EvaluationTask.Related);
        var run = await EvaluationRunner.RunAsync(plan, [spy]);

        Assert.True(spy.Queries > 0);
        Assert.Empty(spy.Violations);

        // The answer posted after q20 was never observed before q20's query.
        Assert.DoesNotContain("a1", spy.Observed);
        Assert.Single(run.Rankers);
    }

    private sealed class SpyRanker() : EvaluationRanker("spy", EvaluationTask.Related)
    {
        private DateTimeOffset _lastEvent = DateTimeOffset.MinValue;

        public List<string> Violations { get; } = [];

        public List<string> Observed { get; } = [];

        public int Queries { get; private set; }

        public override ValueTask ObserveAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default)
        {
            _lastEvent = replayEvent.At;
            if (replayEvent.Post is { } post)
            {
                Observed.Add(post.Id);
            }

            return ValueTask.CompletedTask;
        }

        protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
        {
            Queries++;
            if (_lastEvent >= query.At)
            {
                Violations.Add($"event at {_lastEvent} before query at {query.At}");
            }

            foreach (var q in history.Questions)
            {
                if (q.CreatedAt >= query.At)
                {
                    Violations.Add($"{q.Id} is visible at {query.At}");
                }
            }

            return [.. history.Questions.Select(q => q.Id)];
        }
    }
}
