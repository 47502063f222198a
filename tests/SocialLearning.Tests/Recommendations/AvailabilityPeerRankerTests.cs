using SocialLearning.Recommendations;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class AvailabilityPeerRankerTests
{
    [Fact]
    public void Formula_matches_hand_values_and_reduces_to_the_tag_profile()
    {
        // (3 + 10 · 0.75) / (3 + 10) · 0.75 = 10.5 / 13 · 0.75 = 0.6057692...
        Assert.Equal(10.5 / 13 * 0.75, AvailabilityPeerRanker.Score(3, 3, 0.75, 0.75, 10), 12);
        Assert.Equal(0.605769230769, AvailabilityPeerRanker.Score(3, 3, 0.75, 0.75, 10), 9);
        // μ = 0 and no decay (recent = all contributions): the share times the count is the in-skill count.
        Assert.Equal(4, AvailabilityPeerRanker.Score(4, 9, 0.3, 9, 0), 12);
    }

    [Fact]
    public async Task A_recently_active_helper_outranks_an_expert_who_went_quiet()
    {
        await using var f = new EngineFixture(o =>
        {
            o.PeerAvailabilityHalfLife = TimeSpan.FromDays(7);
            o.PeerTopicSmoothing = 10;
        });
        foreach (var who in new[] { "asker", "ann", "bob", "cat" })
        {
            await f.Learner(who);
        }

        // Day 0: ann answers three excel questions. Day 14: bob answers one excel and one word question.
        for (var i = 0; i < 3; i++)
        {
            var q = await f.Share("cat", $"Question {i}", "pivot tables", skills: ["excel"], kind: ContributionKind.Question);
            await f.Share("ann", $"Answer {i}", "like this", skills: ["excel"], kind: ContributionKind.Answer, parent: q.Id);
        }

        f.Time.Advance(TimeSpan.FromDays(14));
        var q1 = await f.Share("cat", "Question x", "vlookup", skills: ["excel"], kind: ContributionKind.Question);
        await f.Share("bob", "Answer x", "use vlookup", skills: ["excel"], kind: ContributionKind.Answer, parent: q1.Id);
        var q2 = await f.Share("cat", "Question y", "styles", skills: ["word"], kind: ContributionKind.Question);
        await f.Share("bob", "Answer y", "use styles", skills: ["word"], kind: ContributionKind.Answer, parent: q2.Id);

        var result = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Ranker = "availability", K = 10 });

        // Helping contributions: 5, of which 4 in excel, so P(excel) = (4 + 0.5) / (5 + 1) = 0.75.
        // bob: (1 + 10 · 0.75) / (2 + 10) · (1 + 1) = 8.5 / 12 · 2 = 1.41667;
        // ann: (3 + 7.5) / (3 + 10) · 3 · 2^(−14 / 7) = 10.5 / 13 · 0.75 = 0.60577. Questions (cat's) count for nobody.
        Assert.Equal(["bob", "ann"], result.Items.Select(p => p.Learner.Value));
        Assert.Equal(8.5 / 12 * 2, result.Items[0].Score, 9);
        Assert.Equal(10.5 / 13 * 0.75, result.Items[1].Score, 9);
        Assert.Equal(0.75, result.Items[1].Explanation.Single(e => e.Signal == "availability").Value, 9);

        // A week later, with nothing written since: everyone's activity has halved (one factor for the whole query).
        f.Time.Advance(TimeSpan.FromDays(7));
        var later = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Ranker = "availability", K = 10 });
        Assert.Equal(["bob", "ann"], later.Items.Select(p => p.Learner.Value));
        Assert.Equal(8.5 / 12 * 2 * 0.5, later.Items[0].Score, 9);
        Assert.Equal(10.5 / 13 * 0.75 * 0.5, later.Items[1].Score, 9);
        Assert.Equal(0.375, later.Items[1].Explanation.Single(e => e.Signal == "availability").Value, 9);

        // The answer-count ranker (the tag profile) would put ann first.
        var answers = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Ranker = "answers", K = 10 });
        Assert.Equal("ann", answers.Items[0].Learner.Value);
    }
}
