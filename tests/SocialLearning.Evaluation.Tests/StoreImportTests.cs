using SocialLearning.Evaluation;
using SocialLearning.Storage;

namespace SocialLearning.Evaluation.Tests;

public sealed class StoreImportTests
{
    private static DateTimeOffset Day(double day) => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day);

    [Fact]
    public async Task A_corpus_becomes_learners_skills_contributions_interactions_and_evidence()
    {
        var tenant = new TenantId("t1");
        var corpus = new EvaluationCorpus(
            "c",
            [
                new CorpusPost { Id = "q1", Kind = CorpusPostKind.Question, AuthorId = "asker", CreatedAt = Day(1), Title = "Q one", Body = "<p>see <a href=\"/questions/9\">Other title</a></p>", Tags = ["x", "y"], AcceptedAnswerId = "a1" },
                new CorpusPost { Id = "q2", Kind = CorpusPostKind.Question, CreatedAt = Day(2), Title = "Q two", Body = "b", Tags = ["x", "y"] },
                new CorpusPost { Id = "a1", Kind = CorpusPostKind.Answer, AuthorId = "expert", CreatedAt = Day(1.5), Body = "answer", ParentId = "q1" },
            ],
            users: [new CorpusUser { Id = "asker", CreatedAt = Day(0) }, new CorpusUser { Id = "expert", CreatedAt = Day(0) }],
            votes:
            [
                new CorpusVote { PostId = "a1", Kind = CorpusVoteKind.Up, At = Day(2) },
                new CorpusVote { PostId = "a1", Kind = CorpusVoteKind.Up, At = Day(2) },
                new CorpusVote { PostId = "a1", Kind = CorpusVoteKind.Down, At = Day(2) },
                new CorpusVote { PostId = "a1", Kind = CorpusVoteKind.Accept, At = Day(2) },
                new CorpusVote { PostId = "q1", Kind = CorpusVoteKind.Favorite, At = Day(2), UserId = "expert" },
            ],
            voteTimeGranularity: TimeSpan.FromDays(1));
        var store = new InMemorySocialLearningStore();

        await CorpusStoreWriter.ImportAsync(corpus, store, tenant);

        var q1 = await store.GetContributionAsync(tenant, new ContributionId("q1"));
        Assert.NotNull(q1);
        Assert.Equal(ContributionKind.Question, q1.Kind);
        Assert.Equal(Day(1), q1.CreatedAt);
        Assert.DoesNotContain("Other title", q1.Body, StringComparison.Ordinal);
        Assert.Equal([new SkillId("x"), new SkillId("y")], q1.Skills);
        var a1 = await store.GetContributionAsync(tenant, new ContributionId("a1"));
        Assert.Equal(new ContributionId("q1"), a1!.ParentId);
        Assert.Equal(new LearnerId(CorpusStoreWriter.UnknownLearner), (await store.GetContributionAsync(tenant, new ContributionId("q2")))!.Author);

        var counters = await store.GetCountersAsync(tenant, new ContributionId("a1"));
        Assert.Equal(2, counters.Helpful);
        Assert.Equal(1, counters.NotHelpful);
        Assert.Equal(1, counters.Accepts);
        var accepted = Assert.Single(store.ListInteractionsAsync(tenant, new ContributionId("a1")).ToBlockingEnumerable(), i => i.Kind == InteractionKind.Accepted);
        Assert.Equal(new LearnerId("asker"), accepted.Learner);
        Assert.Equal(Day(3), accepted.OccurredAt);
        Assert.Equal(1, (await store.GetCountersAsync(tenant, new ContributionId("q1"))).Saves);

        var evidence = store.ListEvidenceAsync(tenant, new LearnerId("expert")).ToBlockingEnumerable().ToList();
        Assert.Equal(4, evidence.Count); // answer (0.5) and accept (0.8), for x and y
        Assert.All(evidence, e => Assert.Equal(EvidenceSource.Activity, e.Source));

        // x and y co-occur on two questions: one Related edge with cosine weight 2 / sqrt(2 * 2) = 1.
        var edge = Assert.Single(store.ListSkillEdgesAsync(tenant).ToBlockingEnumerable());
        Assert.Equal((SkillEdgeKind.Related, 1.0), (edge.Kind, edge.Weight));
    }
}
