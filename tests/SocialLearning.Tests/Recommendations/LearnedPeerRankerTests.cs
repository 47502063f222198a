using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Index;
using SocialLearning.Recommendations;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

public sealed class LearnedPeerRankerTests
{
    [Fact]
    public void Features_match_hand_values()
    {
        var x = new double[LearnedPeerFeatures.Count];
        LearnedPeerFeatures.Write(x, inSkill: 3, inSkillAccepted: 1, total: 7, answers: 6, accepted: 2, daysSinceLast: 4, recent: 1.5, background: 0.2, acceptRate: 0.5, answeredAsker: 2);
        Assert.Equal(Math.Log(4), x[0], 12);
        Assert.Equal(Math.Log(8), x[1], 12);
        Assert.Equal(Math.Log(5), x[2], 12);
        Assert.Equal(Math.Log(2.5), x[3], 12);
        Assert.Equal(Math.Log((3 + (5 * 0.2)) / (7 + 5.0)), x[4], 12); // ln(4 / 12)
        Assert.Equal((2 + (2 * 0.5)) / (6 + 2.0), x[5], 12);           // 3 / 8
        Assert.Equal(Math.Log(3), x[6], 12);
        Assert.Equal(Math.Log(2), x[7], 12);
    }

    [Fact]
    public void LogOnePlus_gives_the_bits_of_Math_Log_inside_and_outside_its_table()
    {
        double[] values = [0, 1, 2, 3, 4095, 4096, 4097, 100_000, 0.5, 2.25, 1e-9, -0.5, double.MaxValue];
        foreach (var n in values.Concat(Enumerable.Range(0, 5000).Select(i => (double)i)))
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Log(1 + n)), BitConverter.DoubleToInt64Bits(LearnedPeerFeatures.LogOnePlus(n)));
        }

        Assert.True(double.IsNaN(LearnedPeerFeatures.LogOnePlus(double.NaN)));
    }

    [Fact]
    public void Fit_converges_on_a_separable_example_and_is_deterministic()
    {
        // Two features; the positive always has the larger first feature, the second is noise.
        var examples = new List<LearnedPeerExample>();
        for (var q = 0; q < 40; q++)
        {
            var noise = (q % 5) - 2.0;
            examples.Add(new LearnedPeerExample
            {
                Features = [2 + (q % 3), noise, 1, -noise, 0, noise * 0.5],
                Rows = 3,
                Positive = 0,
                People = [0, 1, 2],
                Question = q,
            });
        }

        var model = LearnedPeerFit.Fit(examples, 2);
        Assert.True(model.Weights[0] > 1, $"w0 = {model.Weights[0]}");
        Assert.True(Math.Abs(model.Weights[1]) < model.Weights[0] / 4, $"w1 = {model.Weights[1]}");
        Assert.True(model.Iterations < LearnedPeerFit.MaxIterations);

        // Converged: one more Newton iteration from here does not change the objective.
        var objective = LearnedPeerFit.Objective(examples, model.Weights, model.Mean, model.Scale, LearnedPeerFit.L2);
        Assert.True(objective > LearnedPeerFit.Objective(examples, new double[2], model.Mean, model.Scale, LearnedPeerFit.L2));
        var longer = LearnedPeerFit.Fit(examples, 2, maxIterations: 200);
        Assert.Equal(objective, LearnedPeerFit.Objective(examples, longer.Weights, longer.Mean, longer.Scale, LearnedPeerFit.L2), 6);

        // Every positive ranks first under the fitted model.
        foreach (var e in examples)
        {
            var pos = model.Score(e.Features.AsSpan(0, 2));
            Assert.True(pos > model.Score(e.Features.AsSpan(2, 2)) && pos > model.Score(e.Features.AsSpan(4, 2)));
        }

        // Bit-identical on a second fit.
        Assert.Equal(model.Weights, LearnedPeerFit.Fit(examples, 2).Weights);
    }

    [Fact]
    public void Solve_matches_a_hand_solved_system()
    {
        // [4 1; 1 3] x = [1; 2] → x = [1/11, 7/11].
        var x = LearnedPeerFit.Solve([4, 1, 1, 3], [1, 2], 2);
        Assert.Equal(1 / 11.0, x[0], 12);
        Assert.Equal(7 / 11.0, x[1], 12);
    }

    [Fact]
    public void Negatives_are_a_seeded_uniform_sample_of_the_people_with_evidence()
    {
        // 120 people with evidence; the asker (0) and the answerers (1, 2) are never negatives.
        var pool = Enumerable.Range(0, 123).ToDictionary(p => p, p => (double)(1 + (p % 7)));
        var exclude = new HashSet<int> { 0, 1, 2 };
        var counts = new int[123];
        for (var question = 0; question < 400; question++)
        {
            var chosen = new List<int> { 1 };
            LearnedPeerHistory.SampleNegatives(pool, exclude, chosen, question);
            Assert.Equal(1 + LearnedPeerHistory.Negatives, chosen.Count);
            Assert.Equal(chosen.Count, chosen.Distinct().Count());
            Assert.DoesNotContain(0, chosen.Skip(1));
            Assert.DoesNotContain(2, chosen.Skip(1));
            foreach (var p in chosen.Skip(1))
            {
                counts[p]++;
            }

            var again = new List<int> { 1 };
            LearnedPeerHistory.SampleNegatives(pool, exclude, again, question);
            Assert.Equal(chosen, again);
        }

        // Each of the 120 is drawn with probability 60 / 120: in 400 questions about 200 times, whatever its evidence.
        Assert.All(counts.Skip(3), c => Assert.InRange(c, 150, 250));

        // A pool no larger than the sample: everyone eligible.
        var small = new List<int>();
        LearnedPeerHistory.SampleNegatives(new Dictionary<int, double> { [5] = 1, [6] = 9, [7] = 2 }, [6], small, 1);
        Assert.Equal([5, 7], small.Order());
    }

    [Fact]
    public async Task Training_features_use_only_what_was_written_before_each_question()
    {
        await using var f = new EngineFixture();
        foreach (var who in new[] { "asker", "ann", "bob", "cat" })
        {
            await f.Learner(who);
        }

        // Day 0: ann, bob and cat answer an excel question. Day 10: a second one, answered by bob (accepted).
        // Day 20: ann answers three more excel questions — after the second question, so not part of its features.
        var q0 = await f.Share("asker", "Q0", "pivot", skills: ["excel"], kind: ContributionKind.Question);
        foreach (var who in new[] { "ann", "bob", "cat" })
        {
            await f.Share(who, "A0 " + who, "like this", skills: ["excel"], kind: ContributionKind.Answer, parent: q0.Id);
        }

        f.Time.Advance(TimeSpan.FromDays(10));
        var q1 = await f.Share("asker", "Q1", "vlookup", skills: ["excel"], kind: ContributionKind.Question);
        f.Time.Advance(TimeSpan.FromDays(1));
        var a1 = await f.Share("bob", "A1", "use vlookup", skills: ["excel"], kind: ContributionKind.Answer, parent: q1.Id);
        await f.Feedback("asker", a1, FeedbackKind.Accepted);
        f.Time.Advance(TimeSpan.FromDays(9));
        for (var i = 0; i < 3; i++)
        {
            var q = await f.Share("bob", $"Q{i + 2}", "charts", skills: ["excel"], kind: ContributionKind.Question);
            await f.Share("ann", $"A{i + 2}", "like so", skills: ["excel"], kind: ContributionKind.Answer, parent: q.Id);
        }

        var index = await f.Provider.GetRequiredService<RecommendationIndex>().GetCurrentAsync(T1);
        var examples = LearnedPeerHistory.Examples(index);

        // q0: nobody had evidence before it, so it teaches nothing about ordering gathered people and is skipped.
        // q1: bob (answerer) against ann and cat (one excel answer each, 10 days earlier: everyone else with evidence).
        var e1 = examples.Single(e => e.Question == index.FindItem(q1.Id.Value));
        Assert.Equal(["ann", "cat"], e1.People.Skip(1).Select(p => index.LearnerIds[p]).Order(StringComparer.Ordinal));
        Assert.Equal("bob", index.LearnerIds[e1.People[e1.Positive]]);
        var f1 = LearnedPeerFeatures.Count;
        var ann = e1.Features.AsSpan(Array.IndexOf(e1.People, index.FindLearner("ann")) * f1, f1);
        Assert.Equal(Math.Log(2), ann[0], 12);  // one in-skill answer, not four
        Assert.Equal(Math.Log(2), ann[1], 12);  // one helping contribution in all
        Assert.Equal(Math.Log(11), ann[2], 12); // 10 days since it
        Assert.Equal(Math.Log(1 + Math.Pow(2, -10 / 30.0)), ann[3], 9);
        Assert.Equal(Math.Log(2), ann[6], 12);  // answered this asker once
        var bob = e1.Features.AsSpan(0, f1);
        Assert.Equal(Math.Log(2), bob[0], 12);

        // The later questions (asked by bob, answered by ann, cat the negative) are examples too; accepted-only
        // training keeps q1 alone.
        Assert.Equal(3, examples.Count(e => e.Question != index.FindItem(q1.Id.Value)));
        Assert.Equal(index.FindItem(q1.Id.Value), Assert.Single(LearnedPeerHistory.Examples(index, acceptedOnly: true)).Question);
    }

    [Fact]
    public async Task With_too_little_history_it_ranks_like_fusion()
    {
        await using var f = new EngineFixture(o => o.PeerLoadPenalty = 0);
        foreach (var who in new[] { "asker", "ann", "bob", "cat" })
        {
            await f.Learner(who);
        }

        for (var i = 0; i < 4; i++)
        {
            var q = await f.Share("cat", $"Question {i}", "pivot tables", skills: ["excel"], kind: ContributionKind.Question);
            await f.Share(i % 3 == 0 ? "ann" : "bob", $"Answer {i}", "like this", skills: ["excel"], kind: ContributionKind.Answer, parent: q.Id);
        }

        var request = new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], Text = "pivot tables", K = 10, Ranker = "learned" };
        var learned = await f.Peers.FindAsync(request);
        var fusion = await f.Peers.FindAsync(request with { Ranker = "fusion" });
        Assert.Equal(fusion.Items.Select(p => (p.Learner, p.Score)), learned.Items.Select(p => (p.Learner, p.Score)));
    }

    [Fact]
    public async Task With_enough_history_it_learns_the_tenants_pattern_deterministically()
    {
        // In this tenant the person who answers is always the most recently active one, not the one with the most
        // answers in the skill: the learned blend must pick that up, where the answer count cannot.
        var first = await RunAsync();
        var second = await RunAsync();
        Assert.Equal(first, second);
        Assert.Equal("fresh", first[0]);

        static async Task<string[]> RunAsync()
        {
            await using var f = new EngineFixture(o => o.PeerLoadPenalty = 0);
            string[] people = ["asker", "veteran", "p0", "p1", "p2", "p3", "p4", "p5", "fresh"];
            foreach (var who in people)
            {
                await f.Learner(who);
            }

            // The veteran answered 40 excel questions long ago.
            for (var i = 0; i < 40; i++)
            {
                var q = await f.Share("asker", $"Old {i}", "excel", skills: ["excel"], kind: ContributionKind.Question);
                await f.Share("veteran", $"Old answer {i}", "excel", skills: ["excel"], kind: ContributionKind.Answer, parent: q.Id);
            }

            f.Time.Advance(TimeSpan.FromDays(200));

            // Then, every day, one of p0–p5 answers a word question (recent activity), and the next excel question is
            // answered by whoever was active the day before.
            var previous = "p0";
            await f.Share(previous, "warm-up", "word", skills: ["word"], kind: ContributionKind.Tip);
            for (var day = 0; day < 60; day++)
            {
                f.Time.Advance(TimeSpan.FromDays(1));
                var q = await f.Share("asker", $"Excel {day}", "excel", skills: ["excel"], kind: ContributionKind.Question);
                f.Time.Advance(TimeSpan.FromHours(1));
                await f.Share(previous, $"Answer {day}", "excel", skills: ["excel"], kind: ContributionKind.Answer, parent: q.Id);
                previous = people[2 + ((day + 1) % 6)];
                await f.Share(previous, $"Word tip {day}", "word", skills: ["word"], kind: ContributionKind.Tip);
            }

            // "fresh" answered one excel question and has been the most active person in the last day.
            f.Time.Advance(TimeSpan.FromDays(30));
            var last = await f.Share("asker", "Excel last", "excel", skills: ["excel"], kind: ContributionKind.Question);
            await f.Share("fresh", "Answer last", "excel", skills: ["excel"], kind: ContributionKind.Answer, parent: last.Id);
            for (var i = 0; i < 3; i++)
            {
                await f.Share("fresh", $"Fresh tip {i}", "word", skills: ["word"], kind: ContributionKind.Tip);
            }

            f.Time.Advance(TimeSpan.FromHours(2));
            var answers = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], K = 10, Ranker = "answers" });
            Assert.Equal("veteran", answers.Items[0].Learner.Value);
            var result = await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], K = 10, Ranker = "learned" });
            Assert.Contains(result.Items[0].Explanation, e => e.Signal == "learned");
            return [.. result.Items.Select(p => p.Learner.Value)];
        }
    }

    [Fact]
    public async Task Scores_are_the_model_over_each_candidates_features_answers_to_the_asker_included()
    {
        // 40 excel questions, asked in turn by "asker" and "other", answered by p0–p5 in a pattern that gives each
        // of them a different number of answers to "asker" (p5 none), so the answered-asker feature differs.
        await using var f = new EngineFixture(o => o.PeerLoadPenalty = 0);
        string[] people = ["asker", "other", "p0", "p1", "p2", "p3", "p4", "p5"];
        foreach (var who in people)
        {
            await f.Learner(who);
        }

        var excelAnswers = new Dictionary<string, int>();
        var answeredAsker = new Dictionary<string, int>();
        for (var q = 0; q < 40; q++)
        {
            var askerOfQ = q % 2 == 0 ? "asker" : "other";
            var question = await f.Share(askerOfQ, $"Question {q}", "excel", skills: ["excel"], kind: ContributionKind.Question);
            f.Time.Advance(TimeSpan.FromHours(1));
            var answerer = people[2 + ((q * q) % 7 % 6)];
            await f.Share(answerer, $"Answer {q}", "excel", skills: ["excel"], kind: ContributionKind.Answer, parent: question.Id);
            excelAnswers[answerer] = excelAnswers.GetValueOrDefault(answerer) + 1;
            if (askerOfQ == "asker")
            {
                answeredAsker[answerer] = answeredAsker.GetValueOrDefault(answerer) + 1;
            }

            f.Time.Advance(TimeSpan.FromDays(1));
        }

        var request = new PeerRequest { Tenant = T1, Asker = new LearnerId("asker"), Skills = ["excel"], K = 10, Ranker = "learned" };
        Assert.True(answeredAsker.Values.Distinct().Count() >= 3, "the fixture must give the answerers different counts");
        await CheckAsync();

        // 30 days later with nothing written: the history is not recomputed, so its activity is aged to the query time.
        f.Time.Advance(TimeSpan.FromDays(30));
        await CheckAsync();

        async Task CheckAsync()
        {
            var result = await f.Peers.FindAsync(request);
            var index = await f.Provider.GetRequiredService<RecommendationIndex>().GetCurrentAsync(T1);
            var (history, model, _) = LearnedPeerModels.Get(index, new RecommendationOptions().ExpertiseRankRefreshInterval, f.Time);
            Assert.NotNull(model);

            var now = (f.Time.GetUtcNow() - TipFeatureColumns.Epoch).TotalSeconds;
            var background = history.Background(index.Skills.Find(request.Skills[0]));
            var x = new double[LearnedPeerFeatures.Count];
            Assert.Equal(excelAnswers.Keys.Order(StringComparer.Ordinal), result.Items.Select(p => p.Learner.Value).Order(StringComparer.Ordinal));
            foreach (var item in result.Items)
            {
                var who = item.Learner.Value;
                var p = index.FindLearner(who);
                LearnedPeerFeatures.Write(
                    x,
                    inSkill: excelAnswers[who],
                    inSkillAccepted: 0,
                    total: history.People[p].Total,
                    answers: history.People[p].Answers,
                    accepted: history.People[p].Accepted,
                    daysSinceLast: (now - history.People[p].LastSeconds) / 86400.0,
                    recent: history.People[p].Recent * Math.Pow(2, -(now - history.ReferenceSeconds) / LearnedPeerFeatures.ActivityHalfLifeSeconds),
                    background: background,
                    acceptRate: history.AcceptRate,
                    answeredAsker: answeredAsker.GetValueOrDefault(who));
                Assert.Equal(model.Score(x), item.Score, 9);
                Assert.Equal(model.Score(x), item.Explanation.Single(e => e.Signal == "learned").Value, 9);
            }
        }
    }
}
