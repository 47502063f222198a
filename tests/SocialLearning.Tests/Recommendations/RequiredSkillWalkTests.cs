using Microsoft.Extensions.Options;
using SocialLearning.Ranking;
using SocialLearning.Recommendations;
using SocialLearning.Testing.Data;
using Xunit;

namespace SocialLearning.Tests.Recommendations;

/// <summary>
/// Tip requests with RequireSkills (as a learning-path step asks: one skill, required, next to the learner's gap
/// clauses): MaxScore walking only the required skill's list must return what walking every list returns, and what
/// scoring every candidate returns.
/// </summary>
public sealed class RequiredSkillWalkTests
{
    private sealed class Exhaustive(ITipRanker inner) : ITipRanker
    {
        public void Score(TipRankingContext context, Span<double> scores) => inner.Score(context, scores);

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation) => inner.Explain(context, candidate, explanation);
    }

    [Theory]
    [InlineData(11, 3)]
    [InlineData(12, 10)]
    public void Walking_the_required_skill_equals_walking_every_list(int seed, int k)
    {
        var (corpus, index) = PeerPruningTests.Build(seed);
        var options = Options.Create(new RecommendationOptions());
        var ranker = new BlendTipRanker(options);
        var engine = new TipEngine(options.Value);
        var now = corpus.Options.Start + corpus.Options.Span;
        var random = new Random(seed);
        var walkedScored = 0;
        var allScored = 0;
        var gapQueries = 0;
        foreach (var query in corpus.Queries(120, seed: seed))
        {
            // The planner's shape (one skill, required), sometimes a popular or a second required skill.
            var skill = random.Next(4) == 0 ? SyntheticCorpus.SkillId(random.Next(3)) : query.Skills[0];
            IReadOnlyList<string> required = random.Next(5) == 0 ? [skill, SyntheticCorpus.SkillId(random.Next(120))] : [skill];
            var request = new TipRequest { Tenant = corpus.Tenant, Learner = query.Learner, Skills = [skill], RequireSkills = required, K = k };
            try
            {
                TipEngine.RequiredWalk = true;
                var walked = engine.Recommend(index, request, ranker, "blend", null, now);
                TipEngine.RequiredWalk = false;
                var all = engine.Recommend(index, request, ranker, "blend", null, now);
                var exhaustive = engine.Recommend(index, request, new Exhaustive(ranker), "blend", null, now);
                foreach (var expected in new[] { all, exhaustive })
                {
                    Assert.Equal(expected.Items.Count, walked.Items.Count);
                    for (var r = 0; r < expected.Items.Count; r++)
                    {
                        Assert.Equal(expected.Items[r].Score, walked.Items[r].Score, 1e-9);
                        if (r + 1 == expected.Items.Count || Math.Abs(expected.Items[r].Score - expected.Items[r + 1].Score) > 1e-9)
                        {
                            Assert.Equal(expected.Items[r].ContributionId, walked.Items[r].ContributionId);
                        }
                    }

                    Assert.Equal(expected.Items.Select(i => i.ContributionId.Value).Order(), walked.Items.Select(i => i.ContributionId.Value).Order());
                }

                walkedScored += walked.CandidatesScored;
                allScored += all.CandidatesScored;
                if (index.LearnerAt(index.FindLearner(query.Learner.Value)).LevelSkills.Length > 0)
                {
                    gapQueries++;
                }
            }
            finally
            {
                TipEngine.RequiredWalk = true;
            }
        }

        Assert.True(gapQueries > 20, $"only {gapQueries} requests had a learner with skill levels (gap clauses): the case is not exercised");
        Assert.True(walkedScored <= allScored, $"walking the required list scored {walkedScored}, walking every list {allScored}");
    }
}
