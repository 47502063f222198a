using Microsoft.Extensions.Options;
using SocialLearning.Index;
using SocialLearning.Ranking;
using SocialLearning.Recommendations;
using SocialLearning.Testing.Data;

namespace SocialLearning.Tests.Recommendations;

/// <summary>
/// Rankers whose score depends on the document alone (recency, popularity, wilson, bayesian, hot) are scored straight
/// into the top-k heap, and all of them skip blocks whose bound cannot reach the top k: the result must be
/// exactly what scoring every candidate gives, documents and order included.
/// </summary>
public sealed class PriorRankerTopTests
{
    private static readonly TenantId Tenant = new("prior");

    /// <summary>
    /// 9,000 items over two years, creation times rounded to the day (about 12 per day, so many exact ties) and
    /// appended in creation order jittered by up to ±200 days, so blocks of 1,024 documents (about 80 days each) overlap in
    /// time and a block's newest creation time is often just above or equal to the k-th score. Some edited items are
    /// appended again at the end with their old times. Votes on 30%.
    /// </summary>
    private static (SyntheticCorpus Corpus, TenantIndex Index) Build()
    {
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 9_000, Learners = 300, Skills = 80, ContextKeys = 200, Vocabulary = 4_000 });
        var index = new TenantIndex(Tenant, TimeSpan.FromDays(180).TotalSeconds);
        var random = new Random(5);
        var start = corpus.Options.Start;
        var items = corpus.Items()
            .Select(i => (i.Contribution, i.Counters))
            .Select(i => (Contribution: i.Contribution with { CreatedAt = start.AddDays(Math.Floor((i.Contribution.CreatedAt - start).TotalDays)) }, i.Counters))
            .Select(i => (i.Contribution, i.Counters, Order: (i.Contribution.CreatedAt - start).TotalDays + (random.NextDouble() * 400) - 200))
            .OrderBy(i => i.Order)
            .ToList();
        foreach (var (contribution, counters, _) in items)
        {
            index.Upsert(contribution, random.NextDouble() < 0.3 ? new ContributionCounters { Helpful = random.Next(0, 40), NotHelpful = random.Next(0, 20), Views = random.Next(0, 500) } : counters);
        }

        foreach (var (contribution, counters, _) in items.Where((_, i) => i % 97 == 0))
        {
            index.Upsert(contribution with { Body = contribution.Body + " edited" }, counters);
        }

        // Votes after indexing, raising and lowering counts in old blocks too: block bounds must follow them.
        foreach (var (contribution, _, _) in items.Where((_, i) => i % 13 == 0))
        {
            index.SetCounters(contribution.Id, new ContributionCounters { Helpful = random.Next(0, 200), NotHelpful = random.Next(0, 30) });
        }

        return (corpus, index);
    }

    [Theory]
    [InlineData("recency", 10)]
    [InlineData("recency", 1)]
    [InlineData("recency", 100)]
    [InlineData("popularity", 10)]
    [InlineData("popularity", 100)]
    [InlineData("wilson", 10)]
    [InlineData("wilson", 100)]
    [InlineData("bayesian", 10)]
    [InlineData("bayesian", 100)]
    [InlineData("hot", 10)]
    [InlineData("hot", 1)]
    [InlineData("hot", 100)]
    public void Top_k_equals_scoring_every_candidate(string name, int k)
    {
        var (corpus, index) = Build();
        var options = Options.Create(new RecommendationOptions());
        PriorTipRanker ranker = name switch
        {
            "recency" => new RecencyTipRanker(),
            "popularity" => new PopularityTipRanker(),
            "wilson" => new WilsonTipRanker(options),
            "bayesian" => new BayesianTipRanker(options),
            _ => new HotTipRanker(options),
        };
        var engine = new TipEngine(options.Value);
        var now = corpus.Options.Start + corpus.Options.Span;
        var docsA = new int[k];
        var docsB = new int[k];
        var scoresA = new double[k];
        var scoresB = new double[k];
        int scoredA = 0, scoredB = 0;
        var queries = corpus.Queries(40).Select(q => q.ToRequest(Tenant, k)).ToList();

        // No clause at all (every item is a candidate: dense ties at the k-th score), also filtered by kind.
        for (var i = 0; i < 5; i++)
        {
            queries.Add(new TipRequest { Tenant = Tenant, Learner = queries[i].Learner, K = k });
        }

        queries.Add(new TipRequest { Tenant = Tenant, Learner = queries[0].Learner, K = k, Kinds = [ContributionKind.Question] });
        queries.Add(queries[1] with { Kinds = [ContributionKind.Question] });
        foreach (var request in queries)
        {
            var a = engine.Search(index, request, ranker, now, k, docsA, scoresA, out var sa);
            var b = engine.Search(index, request, new MaxScoreTests.Exhaustive(ranker), now, k, docsB, scoresB, out var sb);
            Assert.Equal(b, a);
            Assert.Equal(docsB.Take(b), docsA.Take(a));
            Assert.Equal(scoresB.Take(b), scoresA.Take(a));
            scoredA += sa;
            scoredB += sb;
        }

        if (name is "recency" or "hot")
        {
            // Votes spread over every block keep hot's bounds looser than recency's.
            Assert.True(name == "recency" ? scoredA < scoredB / 2 : scoredA < scoredB, $"{name} scored {scoredA} candidates, every candidate is {scoredB}: too few blocks skipped.");
        }
        else
        {
            // Here every block holds well-voted documents, so the quality bounds skip little or nothing (the
            // constructed cases below show that they do skip).
            Assert.True(scoredA <= scoredB);
        }
    }

    [Fact]
    public void Recency_visits_every_block_whose_newest_document_ties_the_kth_score()
    {
        // Eight blocks of 1,024; in block j the documents' days run down from M_j over 40 days (about 25 per day).
        // Blocks 0, 5 and 7 reach the newest day, so with k = 30 the top is block 0's 25 newest (the lowest document
        // numbers win the tie) and 5 of block 5's, but block 0 is visited last, when its bound only equals the k-th score.
        int[] newest = [1000, 990, 995, 980, 985, 1000, 999, 1000];
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 8 * 1024, Learners = 300, Skills = 80, ContextKeys = 200, Vocabulary = 4_000 });
        var index = new TenantIndex(Tenant, TimeSpan.FromDays(180).TotalSeconds);
        var start = corpus.Options.Start;
        var position = 0;
        foreach (var item in corpus.Items().Take(8 * 1024))
        {
            var day = newest[position >> 10] - ((position & 1023) % 40);
            index.Upsert(item.Contribution with { CreatedAt = start.AddDays(day), Status = ContributionStatus.Published, Audience = Audience.Everyone }, item.Counters);
            position++;
        }

        var (docsA, scoresA, scoredA, docsB, scoresB, scoredB) = NoClauseTop30(index, new RecencyTipRanker(), start.AddDays(1001));
        Assert.Equal(30, docsB.Length);
        Assert.Contains(docsB, d => d < 1024);   // the case under test: block 0 holds part of the answer
        Assert.Equal(docsB, docsA);
        Assert.Equal(scoresB, scoresA);
        Assert.True(scoredA < scoredB, $"recency scored {scoredA} of {scoredB} candidates: no block was skipped.");
    }

    [Fact]
    public void Hot_visits_a_block_whose_bound_is_just_above_the_kth_score()
    {
        // Four blocks. Block 3 (visited first): 40 documents of yesterday with 10 helpful votes, so with k = 30 the
        // k-th score is 10 / 26^G. Blocks 1 and 2: no votes (bound 0, skipped). Block 0 (visited last): one document
        // of yesterday with 11 helpful votes, its bound exactly its score, just above the k-th: it must be found.
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 4 * 1024, Learners = 300, Skills = 80, ContextKeys = 200, Vocabulary = 4_000 });
        var index = new TenantIndex(Tenant, TimeSpan.FromDays(180).TotalSeconds);
        var start = corpus.Options.Start;
        var position = 0;
        foreach (var item in corpus.Items().Take(4 * 1024))
        {
            var block = position >> 10;
            var slot = position & 1023;
            var (day, helpful) = block switch
            {
                3 => (1000, slot < 40 ? 10 : 0),
                0 => (slot == 500 ? 1000 : 900, slot == 500 ? 11 : 0),
                _ => (900, 0),
            };
            index.Upsert(
                item.Contribution with { CreatedAt = start.AddDays(day), Status = ContributionStatus.Published, Audience = Audience.Everyone },
                new ContributionCounters { Helpful = helpful });
            position++;
        }

        var (docsA, scoresA, scoredA, docsB, scoresB, scoredB) = NoClauseTop30(index, new HotTipRanker(Options.Create(new RecommendationOptions())), start.AddDays(1001));
        Assert.Equal(30, docsB.Length);
        Assert.Equal(500, docsB[0]);   // the case under test: block 0's document is the best
        Assert.Equal(docsB, docsA);
        Assert.Equal(scoresB, scoresA);
        Assert.True(scoredA <= 2 * 1024, $"hot scored {scoredA} of {scoredB} candidates: the blocks without votes were not skipped.");
    }

    /// <summary>The top 30 of a request without clauses (every item a candidate), by the ranker and by scoring every candidate.</summary>
    private static (int[] Docs, double[] Scores, int Scored, int[] AllDocs, double[] AllScores, int AllScored) NoClauseTop30(TenantIndex index, PriorTipRanker ranker, DateTimeOffset now)
    {
        const int k = 30;
        var engine = new TipEngine(new RecommendationOptions());
        var request = new TipRequest { Tenant = Tenant, Learner = new LearnerId("nobody"), K = k, IncludeOwn = true };
        var (docsA, scoresA, docsB, scoresB) = (new int[k], new double[k], new int[k], new double[k]);
        var a = engine.Search(index, request, ranker, now, k, docsA, scoresA, out var scoredA);
        var b = engine.Search(index, request, new MaxScoreTests.Exhaustive(ranker), now, k, docsB, scoresB, out var scoredB);
        return (docsA[..a], scoresA[..a], scoredA, docsB[..b], scoresB[..b], scoredB);
    }

    [Theory]
    [InlineData("popularity")]
    [InlineData("wilson")]
    [InlineData("bayesian")]
    public void Quality_rankers_visit_a_lower_bound_block_that_still_holds_a_tie(string name)
    {
        // Block 3: 30 documents with 10 helpful votes and one with 50, so its bound is the highest and it is visited
        // first; then the k-th score (k = 30) is that of 10 helpful votes. 30 more there have 10 unhelpful votes, so
        // the tenant's mean helpful share (bayesian's prior) is below 1. Blocks 1 and 2: no votes. Block 0: one
        // document with 10 helpful votes, so its bound is (just above) the k-th score and its lower document number
        // wins the tie: it must be visited, and the blocks without votes skipped.
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 4 * 1024, Learners = 300, Skills = 80, ContextKeys = 200, Vocabulary = 4_000 });
        var index = new TenantIndex(Tenant, TimeSpan.FromDays(180).TotalSeconds);
        var start = corpus.Options.Start;
        var position = 0;
        foreach (var item in corpus.Items().Take(4 * 1024))
        {
            var (block, slot) = (position >> 10, position & 1023);
            var helpful = block switch
            {
                3 => slot < 30 ? 10 : slot == 30 ? 50 : 0,
                0 => slot == 500 ? 10 : 0,
                _ => 0,
            };
            var notHelpful = block == 3 && slot is > 30 and <= 60 ? 10 : 0;
            index.Upsert(
                item.Contribution with { CreatedAt = start.AddDays(900), Status = ContributionStatus.Published, Audience = Audience.Everyone },
                new ContributionCounters { Helpful = helpful, NotHelpful = notHelpful });
            position++;
        }

        var options = Options.Create(new RecommendationOptions());
        PriorTipRanker ranker = name switch
        {
            "popularity" => new PopularityTipRanker(),
            "wilson" => new WilsonTipRanker(options),
            _ => new BayesianTipRanker(options),
        };
        var (docsA, scoresA, scoredA, docsB, scoresB, scoredB) = NoClauseTop30(index, ranker, start.AddDays(1001));

        Assert.Equal(30, docsB.Length);
        Assert.Contains(500, docsB);   // the case under test: block 0's document is in the top 30
        Assert.Equal(docsB, docsA);
        Assert.Equal(scoresB, scoresA);
        Assert.True(scoredA <= 2 * 1024, $"{name} scored {scoredA} of {scoredB} candidates: the blocks without votes were not skipped.");
    }
}
