using SocialLearning.Evaluation;

namespace SocialLearning.Evaluation.Tests;

public sealed class PlanTests
{
    private static DateTimeOffset Day(double day) => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day);

    /// <summary>Ten questions at noon a day apart (q1..q10) by u1..u10; q9 and q10 are the test split, q7 and q8 validation.</summary>
    private static List<CorpusPost> Questions(params (string Id, string[] Tags)[] tagsById)
    {
        var posts = new List<CorpusPost>();
        for (var i = 1; i <= 10; i++)
        {
            var tags = tagsById.FirstOrDefault(t => t.Id == $"q{i}").Tags ?? ["general"];
            posts.Add(new CorpusPost { Id = $"q{i}", Kind = CorpusPostKind.Question, AuthorId = $"u{i}", CreatedAt = Day(i + 0.5), Title = $"t{i}", Body = "b", Tags = tags });
        }

        return posts;
    }

    private static CorpusPost Answer(string id, string question, string author, double day) =>
        new() { Id = id, Kind = CorpusPostKind.Answer, AuthorId = author, CreatedAt = Day(day), Body = "a", ParentId = question };

    [Fact]
    public void Routing_labels_are_the_accepted_answerer_and_all_answerers_except_the_asker()
    {
        var posts = Questions();
        posts[9] = posts[9] with { AcceptedAnswerId = "a2" };
        posts.Add(Answer("a1", "q10", "u10", 10.1)); // the asker answering their own question is never a label
        posts.Add(Answer("a2", "q10", "expert", 10.2));
        posts.Add(Answer("a3", "q10", "other", 10.3));

        var plan = EvaluationPlan.Create(new EvaluationCorpus("c", posts), EvaluationTask.Routing, new EvaluationOptions { ValidationFraction = 0.2, TestFraction = 0.2 });

        var q = Assert.Single(plan.Queries);
        Assert.Equal("rt-q10", q.Query.Id);
        Assert.Equal("u10", q.Query.AskerId);
        Assert.Equal(["expert"], q.Relevant["accepted"]);
        Assert.Equal(new HashSet<string> { "expert", "other" }, q.Relevant["all-answerers"]);
    }

    [Fact]
    public void A_split_with_more_queries_than_the_cap_is_sampled_evenly_in_time_not_cut_at_its_start()
    {
        var corpus = StackExchangeImporter.Load(Datasets.QuantumComputing());
        var all = EvaluationPlan.Create(corpus, EvaluationTask.Routing, new EvaluationOptions { MaxQueriesPerSplit = null });
        var test = all.Queries.Where(q => q.Split == EvaluationSplit.Test).ToList();

        var capped = EvaluationPlan.Create(corpus, EvaluationTask.Routing, new EvaluationOptions { MaxQueriesPerSplit = 10 });
        var sampled = capped.Queries.Where(q => q.Split == EvaluationSplit.Test).ToList();

        Assert.Equal(test.Count, capped.QueriesFound[EvaluationSplit.Test]);
        Assert.Equal(10, sampled.Count);
        // The middle of each tenth of the split: indices (2i + 1) n / 20.
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => test[(2 * i + 1) * test.Count / 20].Query.Id)], sampled.Select(q => q.Query.Id));
        Assert.True(sampled[^1].Query.At > test[test.Count * 9 / 10].Query.At, "the sample reaches the end of the split");
        Assert.Equal(all.Queries.Count, EvaluationPlan.Create(corpus, EvaluationTask.Routing).Queries.Count); // default 500: this dump's splits are smaller
    }

    [Fact]
    public async Task A_sampled_split_is_said_in_the_notes()
    {
        var corpus = StackExchangeImporter.Load(Datasets.QuantumComputing());
        var options = new EvaluationOptions { MaxQueriesPerSplit = 5 };

        var outcome = await Evaluator.EvaluateAsync(corpus, [EvaluationTask.Routing], (task, c) => StandardRankers.Create(task, c, options.Seed).Where(r => r.Name is "random"), options);

        var found = EvaluationPlan.Create(corpus, EvaluationTask.Routing, options).QueriesFound[EvaluationSplit.Test];
        Assert.Contains($"routing: 5 of the {found} test queries evaluated, evenly spaced in time (--max-queries; 'all' evaluates every one).", outcome.Report.Notes);
        Assert.Equal(5, outcome.Report.Tasks.Single(t => t.Split == "test" && t.Variant == "all-answerers").QueryCount); // every query has an answerer
    }

    [Fact]
    public async Task A_task_without_queries_in_a_split_is_explained_in_the_notes_not_left_out_silently()
    {
        // Routing has a test query (q10 answered by someone else) but no validation one; related has no links at all.
        var posts = Questions();
        posts.Add(Answer("a1", "q10", "expert", 10.2));
        var corpus = new EvaluationCorpus("c", posts);
        var options = new EvaluationOptions { ValidationFraction = 0.2, TestFraction = 0.2 };

        var outcome = await Evaluator.EvaluateAsync(corpus, [EvaluationTask.Related, EvaluationTask.Routing], (task, c) => StandardRankers.Create(task, c, options.Seed).Where(r => r.Name is "random"), options);

        var notes = outcome.Report.Notes;
        Assert.Contains(notes, n => n.StartsWith("related: no validation queries", StringComparison.Ordinal) && n.Contains("PostLinks.xml", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("related: no test queries", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("routing: no validation queries", StringComparison.Ordinal));
        Assert.DoesNotContain(notes, n => n.StartsWith("routing: no test", StringComparison.Ordinal));
        Assert.Contains(outcome.Report.Tasks, t => t.Task == "routing" && t.Split == "test");
    }

    [Fact]
    public void Next_skill_labels_are_the_tags_answered_in_the_period_and_new_tags_exclude_known_ones()
    {
        var posts = Questions(("q2", ["alpha"]), ("q9", ["alpha", "beta"]), ("q10", ["gamma"]));
        posts.Add(Answer("a1", "q2", "learner", 2.7));   // history: alpha
        posts.Add(Answer("a2", "q9", "learner", 9.7));   // test period: alpha, beta
        posts.Add(Answer("a3", "q10", "learner", 10.7)); // test period: gamma
        posts.Add(Answer("a4", "q10", "newcomer", 10.8)); // no history: not a query

        var plan = EvaluationPlan.Create(new EvaluationCorpus("c", posts), EvaluationTask.NextSkill, new EvaluationOptions { ValidationFraction = 0.2, TestFraction = 0.2 });

        var q = Assert.Single(plan.Queries, x => x.Split == EvaluationSplit.Test);
        Assert.Equal("learner", q.Query.LearnerId);
        Assert.Equal(Day(9.5), q.Query.At);
        Assert.Equal(new HashSet<string> { "alpha", "beta", "gamma" }, q.Relevant["all-tags"]);
        Assert.Equal(new HashSet<string> { "beta", "gamma" }, q.Relevant["new-tags"]);
    }

    [Fact]
    public async Task Day_truncated_votes_become_visible_only_the_next_day()
    {
        var posts = Questions();
        var links = new[] { new CorpusLink { FromPostId = "q9", ToPostId = "q1", Kind = CorpusLinkKind.Linked }, new CorpusLink { FromPostId = "q10", ToPostId = "q1", Kind = CorpusLinkKind.Linked } };

        // Dated (truncated to midnight) the day q9 is asked at noon: it may have been cast after q9, so with one-day
        // granularity it is visible from day 10 on — to q10, not to q9.
        var votes = new[] { new CorpusVote { PostId = "q1", Kind = CorpusVoteKind.Up, At = Day(9) } };
        var corpus = new EvaluationCorpus("c", posts, votes: votes, links: links, voteTimeGranularity: TimeSpan.FromDays(1));
        var spy = new VoteSpy();

        await EvaluationRunner.RunAsync(EvaluationPlan.Create(corpus, EvaluationTask.Related, new EvaluationOptions { ValidationFraction = 0.2, TestFraction = 0.2 }), [spy]);

        Assert.Equal([("rel-q9", 0), ("rel-q10", 1)], spy.Seen);
    }

    [Fact]
    public async Task PrepareAsync_runs_once_per_query_after_its_events_and_before_RankAsync()
    {
        var posts = Questions();
        var links = new[] { new CorpusLink { FromPostId = "q9", ToPostId = "q1", Kind = CorpusLinkKind.Linked }, new CorpusLink { FromPostId = "q10", ToPostId = "q1", Kind = CorpusLinkKind.Linked } };
        var corpus = new EvaluationCorpus("c", posts, links: links);
        var spy = new PrepareSpy();

        await EvaluationRunner.RunAsync(EvaluationPlan.Create(corpus, EvaluationTask.Related, new EvaluationOptions { ValidationFraction = 0.2, TestFraction = 0.2 }), [spy]);

        // q9 is asked after q1..q8 were observed, q10 after q9 too; each query is prepared, then ranked, with the same object.
        Assert.Equal(["prepare rel-q9 after q8", "rank rel-q9 prepared", "prepare rel-q10 after q9", "rank rel-q10 prepared"], spy.Calls);
    }

    private sealed class PrepareSpy : IEvaluationRanker
    {
        private string _last = "";
        private EvaluationQuery? _prepared;

        public List<string> Calls { get; } = [];

        public string Name => "prepare-spy";

        public EvaluationTask Task => EvaluationTask.Related;

        public RankerOrigin Origin => RankerOrigin.Host;

        public ValueTask ObserveAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default)
        {
            if (replayEvent.Post is { } post)
            {
                _last = post.Id;
            }

            _prepared = null;
            return ValueTask.CompletedTask;
        }

        public ValueTask PrepareAsync(EvaluationQuery query, CancellationToken cancellationToken = default)
        {
            Calls.Add($"prepare {query.Id} after {_last}");
            _prepared = query;
            return ValueTask.CompletedTask;
        }

        public ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default)
        {
            Calls.Add($"rank {query.Id} {(ReferenceEquals(_prepared, query) ? "prepared" : "not prepared")}");
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }
    }

    private sealed class VoteSpy() : EvaluationRanker("vote-spy", EvaluationTask.Related)
    {
        public List<(string, int)> Seen { get; } = [];

        protected override IReadOnlyList<string> Rank(EvaluationQuery query, ReplayHistory history)
        {
            Seen.Add((query.Id, history.UpVotes("q1")));
            return [];
        }
    }
}
