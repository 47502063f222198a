namespace SocialLearning.Evaluation;

/// <summary>Which part of the temporal split a query belongs to.</summary>
public enum EvaluationSplit
{
    /// <summary>The period used to choose parameters.</summary>
    Validation = 1,

    /// <summary>The held-out period reported as the result; never used to choose anything.</summary>
    Test = 2,
}

/// <summary>Harness settings. Defaults are the published protocol.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Share of questions (by creation time) in the validation period. Default 0.2.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Share of questions (the newest) in the test period. Default 0.2.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Results read per query. Default 100.</summary>
    public int Depth { get; init; } = 100;

    /// <summary>Bootstrap resamples for intervals. Default 2,000.</summary>
    public int BootstrapResamples { get; init; } = 2000;

    /// <summary>Sign flips in the paired randomisation test. Default 10,000.</summary>
    public int PermutationIterations { get; init; } = 10_000;

    /// <summary>Seed for every random choice (bootstrap, randomisation test, random baseline).</summary>
    public int Seed { get; init; } = Statistics.DefaultSeed;

    /// <summary>The default of <see cref="MaxQueriesPerSplit"/>.</summary>
    public const int DefaultMaxQueriesPerSplit = 500;

    /// <summary>
    /// At most this many queries of each split are evaluated; a split with more is sampled evenly in time (the
    /// i-th of N at the middle of the i-th N-th of the split, no randomness), so the sample spans the whole period.
    /// Null evaluates every query. Default 500: a ranker's cost per query grows with the corpus, so on a large site
    /// the number of queries, not the replay, decides how long a run takes, and 500 queries already give intervals
    /// of a few hundredths. Every split of the dump in this repository is smaller. The report's notes say when a split
    /// was sampled.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] // null ("all") must be written: absent would read back as the default
    public int? MaxQueriesPerSplit { get; init; } = DefaultMaxQueriesPerSplit;

    internal void Validate()
    {
        if (ValidationFraction is <= 0 or >= 1 || TestFraction is <= 0 or >= 1 || ValidationFraction + TestFraction >= 1)
        {
            throw new ArgumentException($"EvaluationOptions: ValidationFraction ({ValidationFraction}) and TestFraction ({TestFraction}) must be in (0, 1) and leave room for training.", "options");
        }

        if (Depth is < 10 or > 10_000)
        {
            throw new ArgumentException($"EvaluationOptions.Depth must be between 10 and 10,000; it was {Depth}.", "options");
        }

        if (BootstrapResamples < 100 || PermutationIterations < 100)
        {
            throw new ArgumentException("EvaluationOptions.BootstrapResamples and PermutationIterations must be at least 100.", "options");
        }

        if (MaxQueriesPerSplit is < 1)
        {
            throw new ArgumentException("EvaluationOptions.MaxQueriesPerSplit must be positive when set.", "options");
        }
    }
}

/// <summary>A query with its split and its relevant sets (one per judgement variant). Rankers never see this.</summary>
public sealed record JudgedQuery
{
    /// <summary>The query.</summary>
    public required EvaluationQuery Query { get; init; }

    /// <summary>Validation or test.</summary>
    public required EvaluationSplit Split { get; init; }

    /// <summary>Relevant ids per judgement variant (for example <c>accepted</c> and <c>all-answerers</c>); a variant with no relevant item is absent.</summary>
    public required IReadOnlyDictionary<string, IReadOnlySet<string>> Relevant { get; init; }
}

/// <summary>
/// The replay timeline and the judged queries of one task on one corpus: the temporal split and the labels,
/// built so that nothing a ranker sees comes from after the query time.
/// </summary>
public sealed class EvaluationPlan
{
    private EvaluationPlan(EvaluationTask task, IReadOnlyList<ReplayEvent> events, IReadOnlyList<JudgedQuery> queries, DateTimeOffset validationStart, DateTimeOffset testStart, IReadOnlyList<string> variants, IReadOnlyDictionary<EvaluationSplit, int> found)
    {
        QueriesFound = found;
        Task = task;
        Events = events;
        Queries = queries;
        ValidationStart = validationStart;
        TestStart = testStart;
        Variants = variants;
    }

    /// <summary>The task.</summary>
    public EvaluationTask Task { get; }

    /// <summary>Events in replay order.</summary>
    public IReadOnlyList<ReplayEvent> Events { get; }

    /// <summary>Queries in time order (after <see cref="EvaluationOptions.MaxQueriesPerSplit"/>).</summary>
    public IReadOnlyList<JudgedQuery> Queries { get; }

    /// <summary>How many queries each split had before <see cref="EvaluationOptions.MaxQueriesPerSplit"/> sampled it.</summary>
    public IReadOnlyDictionary<EvaluationSplit, int> QueriesFound { get; }

    /// <summary>Start of the validation period (creation time of its first question).</summary>
    public DateTimeOffset ValidationStart { get; }

    /// <summary>Start of the test period.</summary>
    public DateTimeOffset TestStart { get; }

    /// <summary>Judgement variants, the primary one first.</summary>
    public IReadOnlyList<string> Variants { get; }

    /// <summary>The metric that picks the best baseline and is tested: MRR for related and routing, NDCG@10 for next-skill.</summary>
    public string PrimaryMetric => Task == EvaluationTask.NextSkill ? "NDCG@10" : "MRR";

    /// <summary>Builds the plan.</summary>
    public static EvaluationPlan Create(EvaluationCorpus corpus, EvaluationTask task, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new EvaluationOptions();
        options.Validate();
        var questions = corpus.Posts.Where(p => p.Kind == CorpusPostKind.Question).ToList();
        if (questions.Count < 10)
        {
            throw new ArgumentException($"The corpus '{corpus.Name}' has {questions.Count} questions; at least 10 are needed for a temporal split.", nameof(corpus));
        }

        var validationIndex = (int)Math.Floor(questions.Count * (1 - options.ValidationFraction - options.TestFraction));
        var testIndex = (int)Math.Floor(questions.Count * (1 - options.TestFraction));
        var validationStart = questions[validationIndex].CreatedAt;
        var testStart = questions[testIndex].CreatedAt;
        var events = BuildEvents(corpus);
        var cleaned = events.Where(e => e.Post is not null).ToDictionary(e => e.Post!.Id, e => e.Post!, StringComparer.Ordinal);

        List<JudgedQuery> queries;
        string[] variants;
        switch (task)
        {
            case EvaluationTask.Related:
                variants = ["linked"];
                queries = RelatedQueries(corpus, questions, cleaned, validationStart, testStart, options);
                break;
            case EvaluationTask.Routing:
                variants = ["accepted", "all-answerers"];
                queries = RoutingQueries(corpus, questions, cleaned, validationStart, testStart, options);
                break;
            case EvaluationTask.NextSkill:
                variants = ["all-tags", "new-tags"];
                queries = NextSkillQueries(corpus, validationStart, testStart, options);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task.");
        }

        var validation = queries.Where(q => q.Split == EvaluationSplit.Validation).ToList();
        var test = queries.Where(q => q.Split == EvaluationSplit.Test).ToList();
        var found = new Dictionary<EvaluationSplit, int> { [EvaluationSplit.Validation] = validation.Count, [EvaluationSplit.Test] = test.Count };
        if (options.MaxQueriesPerSplit is { } max)
        {
            queries = [.. EvenlySpaced(validation, max), .. EvenlySpaced(test, max)];
        }

        return new EvaluationPlan(task, events, queries, validationStart, testStart, variants, found);
    }

    /// <summary>At most <paramref name="max"/> of <paramref name="queries"/> (in time order): the one in the middle of each of <paramref name="max"/> equal slices.</summary>
    internal static IEnumerable<JudgedQuery> EvenlySpaced(IReadOnlyList<JudgedQuery> queries, int max)
    {
        if (queries.Count <= max)
        {
            return queries;
        }

        return Enumerable.Range(0, max).Select(i => queries[(int)(((2L * i) + 1) * queries.Count / (2L * max))]);
    }

    /// <summary>The replay timeline: users joining, posts (cleaned of post links), and votes when they became visible.</summary>
    public static IReadOnlyList<ReplayEvent> BuildEvents(EvaluationCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var raw = new List<(DateTimeOffset At, int Order, ReplayEvent Event)>();
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in corpus.Users)
        {
            if (users.Add(user.Id))
            {
                raw.Add((user.CreatedAt, 0, new ReplayEvent { Sequence = 0, At = user.CreatedAt, Kind = ReplayEventKind.UserJoined, UserId = user.Id }));
            }
        }

        foreach (var post in corpus.Posts)
        {
            if (post.AuthorId is { } author && users.Add(author))
            {
                raw.Add((post.CreatedAt, 0, new ReplayEvent { Sequence = 0, At = post.CreatedAt, Kind = ReplayEventKind.UserJoined, UserId = author }));
            }

            var tags = post.Kind == CorpusPostKind.Question
                ? post.Tags
                : post.ParentId is not null && corpus.PostsById.TryGetValue(post.ParentId, out var parent) ? parent.Tags : [];
            var cleaned = new HistoryPost
            {
                Id = post.Id,
                Kind = post.Kind,
                AuthorId = post.AuthorId,
                CreatedAt = post.CreatedAt,
                Title = TextCleaner.Clean(post.Title),
                Text = TextCleaner.Clean(post.Body),
                Tags = tags,
                ParentId = post.ParentId,
            };
            raw.Add((post.CreatedAt, 1, new ReplayEvent { Sequence = 0, At = post.CreatedAt, Kind = ReplayEventKind.PostCreated, Post = cleaned }));
        }

        var accepted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vote in corpus.Votes)
        {
            if (!corpus.PostsById.TryGetValue(vote.PostId, out var post))
            {
                continue;
            }

            var at = vote.At + corpus.VoteTimeGranularity;
            if (vote.Kind == CorpusVoteKind.Accept)
            {
                if (post.Kind != CorpusPostKind.Answer || !accepted.Add(vote.PostId))
                {
                    continue;
                }

                at = at < post.CreatedAt ? post.CreatedAt : at;
            }

            raw.Add((at, 2, new ReplayEvent { Sequence = 0, At = at, Kind = ReplayEventKind.Vote, Vote = vote }));
        }

        // Accepted answers without an accept vote (host data, or dumps without Votes.xml): visible one granularity after the answer.
        foreach (var question in corpus.Posts)
        {
            if (question.AcceptedAnswerId is { } answerId && !accepted.Contains(answerId) && corpus.PostsById.TryGetValue(answerId, out var answer))
            {
                var at = answer.CreatedAt + corpus.VoteTimeGranularity;
                var vote = new CorpusVote { PostId = answerId, Kind = CorpusVoteKind.Accept, At = at, UserId = question.AuthorId };
                accepted.Add(answerId);
                raw.Add((at, 2, new ReplayEvent { Sequence = 0, At = at, Kind = ReplayEventKind.Vote, Vote = vote }));
            }
        }

        // Stable sort: time, then users before posts before votes, then input order.
        var ordered = raw.Select((r, i) => (r, i)).OrderBy(x => x.r.At).ThenBy(x => x.r.Order).ThenBy(x => x.i).ToList();
        var events = new List<ReplayEvent>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            events.Add(ordered[i].r.Event with { Sequence = i });
        }

        return events;
    }

    private static EvaluationSplit? SplitOf(DateTimeOffset at, DateTimeOffset validationStart, DateTimeOffset testStart) =>
        at >= testStart ? EvaluationSplit.Test : at >= validationStart ? EvaluationSplit.Validation : null;

    private static EvaluationQuery QuestionQuery(string prefix, EvaluationTask task, HistoryPost question, EvaluationOptions options) => new()
    {
        Id = prefix + question.Id,
        Task = task,
        At = question.CreatedAt,
        PostId = question.Id,
        AskerId = question.AuthorId,
        Title = question.Title,
        Text = question.Text,
        Tags = question.Tags,
        Depth = options.Depth,
    };

    private static string? QuestionOf(EvaluationCorpus corpus, string postId) =>
        corpus.PostsById.TryGetValue(postId, out var post)
            ? post.Kind == CorpusPostKind.Question ? post.Id : post.ParentId
            : null;

    private static List<JudgedQuery> RelatedQueries(EvaluationCorpus corpus, List<CorpusPost> questions, Dictionary<string, HistoryPost> cleaned, DateTimeOffset validationStart, DateTimeOffset testStart, EvaluationOptions options)
    {
        var linksByQuestion = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var link in corpus.Links)
        {
            var from = QuestionOf(corpus, link.FromPostId);
            var to = QuestionOf(corpus, link.ToPostId);
            if (from is null || to is null || string.Equals(from, to, StringComparison.Ordinal))
            {
                continue;
            }

            // Only earlier questions are retrievable at the query's time.
            if (corpus.PostsById[to].CreatedAt >= corpus.PostsById[from].CreatedAt)
            {
                continue;
            }

            if (!linksByQuestion.TryGetValue(from, out var set))
            {
                linksByQuestion[from] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(to);
        }

        var queries = new List<JudgedQuery>();
        foreach (var question in questions)
        {
            if (SplitOf(question.CreatedAt, validationStart, testStart) is not { } split || !linksByQuestion.TryGetValue(question.Id, out var relevant))
            {
                continue;
            }

            queries.Add(new JudgedQuery
            {
                Query = QuestionQuery("rel-", EvaluationTask.Related, cleaned[question.Id], options),
                Split = split,
                Relevant = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal) { ["linked"] = relevant },
            });
        }

        return queries;
    }

    private static List<JudgedQuery> RoutingQueries(EvaluationCorpus corpus, List<CorpusPost> questions, Dictionary<string, HistoryPost> cleaned, DateTimeOffset validationStart, DateTimeOffset testStart, EvaluationOptions options)
    {
        var answerers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var post in corpus.Posts)
        {
            if (post.Kind == CorpusPostKind.Answer && post.ParentId is { } parent && post.AuthorId is { } author)
            {
                if (!answerers.TryGetValue(parent, out var set))
                {
                    answerers[parent] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(author);
            }
        }

        var queries = new List<JudgedQuery>();
        foreach (var question in questions)
        {
            if (SplitOf(question.CreatedAt, validationStart, testStart) is not { } split)
            {
                continue;
            }

            var relevant = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
            if (question.AcceptedAnswerId is { } acceptedId && corpus.PostsById.TryGetValue(acceptedId, out var acceptedAnswer)
                && acceptedAnswer.AuthorId is { } acceptedAuthor && !string.Equals(acceptedAuthor, question.AuthorId, StringComparison.Ordinal))
            {
                relevant["accepted"] = new HashSet<string>(StringComparer.Ordinal) { acceptedAuthor };
            }

            if (answerers.TryGetValue(question.Id, out var all))
            {
                var others = all.Where(a => !string.Equals(a, question.AuthorId, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
                if (others.Count > 0)
                {
                    relevant["all-answerers"] = others;
                }
            }

            if (relevant.Count > 0)
            {
                queries.Add(new JudgedQuery { Query = QuestionQuery("rt-", EvaluationTask.Routing, cleaned[question.Id], options), Split = split, Relevant = relevant });
            }
        }

        return queries;
    }

    private static List<JudgedQuery> NextSkillQueries(EvaluationCorpus corpus, DateTimeOffset validationStart, DateTimeOffset testStart, EvaluationOptions options)
    {
        var queries = new List<JudgedQuery>();
        var end = DateTimeOffset.MaxValue;
        foreach (var (split, start, stop) in new[] { (EvaluationSplit.Validation, validationStart, testStart), (EvaluationSplit.Test, testStart, end) })
        {
            var before = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var during = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var post in corpus.Posts)
            {
                if (post.Kind != CorpusPostKind.Answer || post.AuthorId is not { } author || post.ParentId is null
                    || !corpus.PostsById.TryGetValue(post.ParentId, out var question) || post.CreatedAt >= stop)
                {
                    continue;
                }

                var target = post.CreatedAt < start ? before : during;
                if (!target.TryGetValue(author, out var set))
                {
                    target[author] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(question.Tags);
            }

            foreach (var (learner, tags) in during.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!before.TryGetValue(learner, out var known) || tags.Count == 0)
                {
                    continue;
                }

                var relevant = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal) { ["all-tags"] = tags };
                var fresh = tags.Where(t => !known.Contains(t)).ToHashSet(StringComparer.Ordinal);
                if (fresh.Count > 0)
                {
                    relevant["new-tags"] = fresh;
                }

                var splitName = split == EvaluationSplit.Validation ? "val" : "test";
                queries.Add(new JudgedQuery
                {
                    Query = new EvaluationQuery { Id = $"ns-{splitName}-{learner}", Task = EvaluationTask.NextSkill, At = start, LearnerId = learner, Depth = options.Depth },
                    Split = split,
                    Relevant = relevant,
                });
            }
        }

        return queries;
    }
}
