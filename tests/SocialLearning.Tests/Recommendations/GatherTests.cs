using SocialLearning.Index;
using SocialLearning.Recommendations;
using SocialLearning.Testing.Data;

namespace SocialLearning.Tests.Recommendations;

/// <summary>
/// The candidates a ranker the engine cannot see into gets (<c>TipEngine.Gather</c>: term at a time in windows of one
/// block) must be exactly what a document-at-a-time merge of the clause lists gives: the same documents in document
/// order, the same match scores to the bit (sums added in clause order) and the same matched-clause masks, also when
/// the published document limit cuts the lists inside a window.
/// </summary>
public sealed class GatherTests
{
    private static readonly TenantId Tenant = new("gather");

    [Fact]
    public void Windowed_gather_equals_a_document_at_a_time_merge()
    {
        var corpus = new SyntheticCorpus(Tenant, new SyntheticCorpusOptions { Contributions = 7_000, Learners = 200, Skills = 60, ContextKeys = 150, Vocabulary = 3_000 });
        var index = MaxScoreTests.Build(corpus, threadExpansion: true);
        var engine = new TipEngine(new RecommendationOptions());
        var now = corpus.Options.Start + corpus.Options.Span;
        var probe = new Probe();
        var docs = new int[10];
        var scores = new double[10];
        var requests = corpus.Queries(25, seed: 21).Select(q => q.ToRequest(Tenant, 10)).ToList();
        requests.Add(requests[0] with { Kinds = [ContributionKind.Question] });
        requests.Add(new TipRequest { Tenant = Tenant, Learner = requests[1].Learner, K = 10 });   // no clause
        foreach (var request in requests)
        {
            engine.Search(index, request, probe, now, 10, docs, scores, out _);
        }

        Assert.Equal(requests.Count, probe.Checked);
        Assert.True(probe.Candidates > 10_000, $"only {probe.Candidates} candidates were compared");
        Assert.True(probe.Cut > 0, "no limit inside a window cut a clause list");
    }

    /// <summary>Compares the engine's gathered candidates with the reference, then gathers again below a lowered limit.</summary>
    private sealed class Probe : ITipRanker
    {
        public int Checked;
        public int Candidates;
        public int Cut;

        public void Score(TipRankingContext context, Span<double> scores)
        {
            var s = TipEngine.CurrentScratch!;
            var ctx = s.Context;
            Assert.Same(ctx, context);
            AssertSame(Reference(s), ctx);
            Candidates += ctx.Count;

            // A limit in the middle of a window (as when the index grows between the document and the list snapshots).
            var limit = s.Limit;
            s.Limit = Math.Max(0, limit - 700);
            var expected = Reference(s);
            TipEngine.Gather(s);
            AssertSame(expected, ctx);
            if (ctx.ClauseCount > 0 && Enumerable.Range(0, ctx.ClauseCount).Any(c => ctx.ClauseDocs[c].Take(ctx.ClauseLength[c]).Any(d => d >= s.Limit && d < limit)))
            {
                Cut++;
            }

            s.Limit = limit;
            TipEngine.Gather(s);
            scores[..ctx.Count].Clear();
            Checked++;
        }

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
        {
        }

        private static void AssertSame(List<(int Doc, float Context, float Skill, float Text, float Gap, uint Mask, byte Seen)> expected, TipContext ctx)
        {
            Assert.Equal(expected.Count, ctx.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i], (ctx.Docs[i], ctx.Context[i], ctx.Skill[i], ctx.Text[i], ctx.Gap[i], ctx.Mask[i], ctx.SeenFlags[i]));
            }
        }

        /// <summary>The document-at-a-time merge the windowed gather replaced, written out.</summary>
        private static List<(int Doc, float Context, float Skill, float Text, float Gap, uint Mask, byte Seen)> Reference(TipEngine.Scratch s)
        {
            var ctx = s.Context;
            var m = ctx.ClauseCount;
            var result = new List<(int, float, float, float, float, uint, byte)>();
            if (m == 0)
            {
                for (var d = 0; d < (s.NoMatch ? 0 : s.Limit); d++)
                {
                    if (s.Accept(d))
                    {
                        result.Add((d, 0, 0, 0, 0, 0, s.IsSeen(d) ? (byte)1 : (byte)0));
                    }
                }

                return result;
            }

            var pos = new int[m];
            var cur = new int[m];
            for (var c = 0; c < m; c++)
            {
                cur[c] = s.DocAt(c, 0);
            }

            var sums = new double[4];
            while (true)
            {
                var d = cur.Min();
                if (d == int.MaxValue)
                {
                    return result;
                }

                Array.Clear(sums);
                uint mask = 0;
                for (var c = 0; c < m; c++)
                {
                    if (cur[c] == d)
                    {
                        sums[(int)ctx.ClauseKinds[c] - 1] += s.Contribution(c, pos[c], d);
                        mask |= 1u << c;
                        pos[c]++;
                        cur[c] = s.DocAt(c, pos[c]);
                    }
                }

                if (s.Accept(d))
                {
                    result.Add((d, (float)sums[0], (float)sums[1], (float)sums[2], (float)sums[3], mask, s.IsSeen(d) ? (byte)1 : (byte)0));
                }
            }
        }
    }
}
