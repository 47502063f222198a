using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Index;
using SocialLearning.Ranking;
using SocialLearning.Recommendations;
using SocialLearning.Testing.Data;
using Xunit;

namespace SocialLearning.Tests.Recommendations;

/// <summary>
/// Peer pruning (block bounds over the largest skill) must return exactly what gathering every candidate returns:
/// same people, same order, same scores and explanations, with and without text, for one or several skills, after
/// the index was updated (bounds raised by the writer) and with load balancing.
/// </summary>
public sealed class PeerPruningTests
{
    private static readonly TenantId Tenant = new("peer-pruning");

    internal static (SyntheticCorpus Corpus, TenantIndex Index) Build(int seed)
    {
        var options = new SyntheticCorpusOptions { Seed = seed, Learners = 3_000, Contributions = 12_000, Skills = 120, ContextKeys = 200, Vocabulary = 3_000 };
        var corpus = new SyntheticCorpus(Tenant, options);
        var index = new TenantIndex(Tenant, TimeSpan.FromDays(180).TotalSeconds);
        foreach (var learner in corpus.Learners())
        {
            index.UpsertLearner(learner);
        }

        foreach (var skill in corpus.Skills())
        {
            index.UpsertSkill(skill);
        }

        var now = options.Start + options.Span;
        foreach (var group in corpus.Evidence().GroupBy(e => e.Learner))
        {
            index.SetEvidence(group.Key, group.ToList(), now, TimeSpan.FromDays(365));
        }

        foreach (var item in corpus.Items())
        {
            index.Upsert(item.Contribution, item.Counters);
        }

        return (corpus, index);
    }

    private static (PeerFinder Finder, IPeerRanker Fusion) Finder(int depth)
    {
        var services = new ServiceCollection();
        services.AddSocialLearning().UseInMemoryStorage().ConfigureRecommendations(o =>
        {
            o.RrfDepth = depth;
            o.ExpertiseRankRefreshInterval = TimeSpan.FromHours(1);
        });
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<PeerFinder>(), provider.GetRequiredService<PeerRankerRegistry>().Get("fusion"));
    }

    private static void AssertSame(RecommendationResult<PeerRecommendation> expected, RecommendationResult<PeerRecommendation> actual, string what)
    {
        Assert.True(expected.Items.Count == actual.Items.Count, $"{what}: {actual.Items.Count} results, expected {expected.Items.Count}");
        for (var r = 0; r < expected.Items.Count; r++)
        {
            var e = expected.Items[r];
            var a = actual.Items[r];
            Assert.True(e.Learner == a.Learner, $"{what}: rank {r + 1} is {a.Learner}, expected {e.Learner}");
            Assert.Equal(e.Score, a.Score);
            Assert.Equal(e.DisplayName, a.DisplayName);
            Assert.Equal(e.Explanation.Select(x => (x.Signal, x.Value, x.Text)), a.Explanation.Select(x => (x.Signal, x.Value, x.Text)));
        }
    }

    [Fact]
    public void A_text_query_on_a_fresh_thread_gathers_authors_beyond_the_initial_capacity()
    {
        // Regression: the full gather's text pass must take a candidate's index before touching the candidate arrays,
        // which growing (from 256) replaces. A fresh thread has a fresh per-thread context.
        var (corpus, index) = Build(5);
        var (finder, fusion) = Finder(100);
        var now = corpus.Options.Start + corpus.Options.Span;
        var request = new PeerRequest
        {
            Tenant = Tenant,
            Asker = new LearnerId(SyntheticCorpus.LearnerId(0)),
            Text = string.Join(' ', Enumerable.Range(0, 3).Select(SyntheticCorpus.Word)),
            K = 10,
        };
        RecommendationResult<PeerRecommendation>? full = null;
        RecommendationResult<PeerRecommendation>? pruned = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                finder.PruneMinimum = int.MaxValue;
                full = finder.Find(index, request, fusion, "fusion", null, now, balance: false);
                finder.PruneMinimum = 0;
                pruned = finder.Find(index, request, fusion, "fusion", null, now, balance: false);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.True(full!.CandidatesScored > 256, $"only {full.CandidatesScored} candidates: the case is not exercised");
        AssertSame(full, pruned!, "text only");
    }

    [Theory]
    [InlineData(1, 5, 5)]
    [InlineData(2, 20, 10)]
    [InlineData(3, 100, 10)]
    [InlineData(4, 10, 1)]
    public void Pruned_peers_equal_gathering_every_candidate(int seed, int depth, int k)
    {
        var (corpus, index) = Build(seed);
        var (finder, fusion) = Finder(depth);
        var now = corpus.Options.Start + corpus.Options.Span;
        var queries = corpus.Queries(150, seed: seed + 10);
        var random = new Random(seed);
        long pruned = 0, full = 0;

        void Check(string round)
        {
            for (var q = 0; q < queries.Count; q++)
            {
                var query = queries[q];

                // Some requests add a popular skill next to a rare one, some only text, some name the asker's own skills.
                var skills = (q % 5) switch
                {
                    0 => [.. query.Skills, SyntheticCorpus.SkillId(0)],
                    1 => [SyntheticCorpus.SkillId(0)],
                    2 => [SyntheticCorpus.SkillId(1), SyntheticCorpus.SkillId(0), SyntheticCorpus.SkillId(2)],
                    _ => query.Skills,
                };
                foreach (var text in new[] { null, query.Text })
                {
                    var request = new PeerRequest { Tenant = Tenant, Asker = query.Learner, Skills = skills.Distinct().ToList(), Text = text, K = k };
                    finder.PruneMinimum = int.MaxValue;
                    var expected = finder.Find(index, request, fusion, "fusion", null, now, balance: false);
                    finder.PruneMinimum = 0;
                    var actual = finder.Find(index, request, fusion, "fusion", null, now, balance: false);
                    AssertSame(expected, actual, $"{round} query {q} [{string.Join(",", request.Skills)}] text={text is not null}");
                    pruned += actual.CandidatesScored;
                    full += expected.CandidatesScored;
                }
            }
        }

        Check("built");

        // Updates after the build: counters change (evidence moves between blocks' bounds) and items are hidden
        // (bounds stay raised, so loose but valid).
        var items = corpus.Items().ToList();
        for (var i = 0; i < 600; i++)
        {
            var item = items[random.Next(items.Count)];
            var counters = item.Counters with { Helpful = item.Counters.Helpful + random.Next(0, 20), Accepts = random.Next(0, 2) };
            var contribution = random.Next(4) == 0 ? item.Contribution with { Status = ContributionStatus.Hidden } : item.Contribution;
            index.Upsert(contribution, counters);
        }

        Check("updated");
        // At depth 100 the test corpus's largest skill (~1,500 slots) leaves less to skip than at 5–20.
        Assert.True(pruned < full * (depth >= 100 ? 0.95 : 0.7), $"pruning kept {pruned} of {full} candidates: it should skip much of a large skill");
    }

    [Fact]
    public void Pruned_peers_equal_gathering_every_candidate_with_load_balancing()
    {
        var (corpus, index) = Build(7);
        var (finder, fusion) = Finder(10);
        var now = corpus.Options.Start + corpus.Options.Span;
        var cache = index.Derived;
        foreach (var query in corpus.Queries(80, seed: 3))
        {
            var request = new PeerRequest { Tenant = Tenant, Asker = query.Learner, Skills = [.. query.Skills, SyntheticCorpus.SkillId(0)], Text = query.Text, K = 5 };
            var load = (double[])cache.Load.Clone();
            var loadAt = (double[])cache.LoadAt.Clone();
            finder.PruneMinimum = int.MaxValue;
            var expected = finder.Find(index, request, fusion, "fusion", null, now, balance: true);
            cache.Load = load;
            cache.LoadAt = loadAt;
            finder.PruneMinimum = 0;
            var actual = finder.Find(index, request, fusion, "fusion", null, now, balance: true);
            AssertSame(expected, actual, $"balanced [{string.Join(",", request.Skills)}]");
            now += TimeSpan.FromMinutes(3);
        }
    }
}
