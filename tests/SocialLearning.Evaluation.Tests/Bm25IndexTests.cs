using Xunit;

namespace SocialLearning.Evaluation.Tests;

/// <summary>The evaluation package's BM25 index: appending to a document (thread expansion) equals building it whole.</summary>
public sealed class Bm25IndexTests
{
    [Fact]
    public void Appending_terms_to_documents_scores_like_adding_them_whole()
    {
        var random = new Random(7);
        var vocabulary = Enumerable.Range(0, 40).Select(i => "w" + i).ToArray();
        string[] Words(int n) => Enumerable.Range(0, n).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();

        var whole = new Dictionary<string, List<string>>();
        var incremental = new Bm25Index();
        for (var step = 0; step < 300; step++)
        {
            if (whole.Count == 0 || random.Next(3) == 0)
            {
                var id = "q" + whole.Count;
                var terms = Words(1 + random.Next(12));
                whole[id] = [.. terms];
                incremental.Add(id, terms);
            }
            else
            {
                var id = "q" + random.Next(whole.Count);
                var terms = Words(1 + random.Next(8));
                whole[id].AddRange(terms);
                Assert.True(incremental.Append(id, terms));
            }
        }

        var rebuilt = new Bm25Index();
        foreach (var (id, terms) in whole)
        {
            rebuilt.Add(id, terms);
        }

        Assert.False(incremental.Append("missing", ["w1"]));
        for (var q = 0; q < 20; q++)
        {
            var query = Words(1 + random.Next(6));
            var expected = rebuilt.Score(query);
            var actual = incremental.Score(query);
            Assert.Equal(expected.Count, actual.Count);
            foreach (var (id, score) in expected)
            {
                Assert.Equal(score, actual[id], 12);
            }
        }
    }

    [Fact]
    public void Scores_match_a_hand_computation()
    {
        var index = new Bm25Index();
        index.Add("a", ["qubit", "gate", "qubit"]);
        index.Add("b", ["gate"]);
        index.Append("b", ["noise"]);

        var scores = index.Score(["qubit"]);

        // N 2, df 1: idf = ln(1 + 1.5 / 1.5) = ln 2; avgdl (3 + 2) / 2 = 2.5; a: tf 2, len 3.
        var expected = Math.Log(2) * (2 * 2.2) / (2 + (1.2 * (0.25 + (0.75 * 3 / 2.5))));
        Assert.Equal(expected, Assert.Single(scores).Value, 12);
    }
}
