using SocialLearning.Graph;
using Xunit;

namespace SocialLearning.Tests.Recommendations;

/// <summary>Forward-push personalised PageRank against exact power iteration (run to convergence) on small graphs.</summary>
public sealed class PushPageRankTests
{
    private const double Restart = 0.15;

    /// <summary>A random symmetric weighted graph of 300 nodes with a few isolated (dangling) nodes, like the skill graph.</summary>
    private static Csr SymmetricGraph(int nodes, int edges, int seed, out List<int> from, out List<int> to, out List<float> weights)
    {
        var random = new Random(seed);
        from = [];
        to = [];
        weights = [];
        for (var e = 0; e < edges; e++)
        {
            // Leave the last 5 nodes isolated.
            var a = random.Next(nodes - 5);
            var b = random.Next(nodes - 5);
            if (a == b)
            {
                continue;
            }

            var w = (float)(0.25 + random.NextDouble());
            from.Add(a);
            to.Add(b);
            weights.Add(w);
            from.Add(b);
            to.Add(a);
            weights.Add(w);
        }

        return Csr.Build(nodes, from, to, weights);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Push_matches_exact_power_iteration_within_the_documented_bound(int seed)
    {
        const int nodes = 300;
        var graph = SymmetricGraph(nodes, 900, seed, out _, out _, out _);
        (int Node, double Weight)[] seeds = [(7, 1.0), (42, 2.0), (299, 0.5)]; // 299 is isolated (dangling)
        var personalization = new double[nodes];
        foreach (var (node, weight) in seeds)
        {
            personalization[node] = weight;
        }

        var exact = PageRank.Compute(graph, personalization, Restart, 2000, scaleToCount: false);
        const double epsilon = 1e-7;
        var push = PushPageRank.Compute(graph, seeds, Restart, epsilon);

        var approx = new double[nodes];
        for (var i = 0; i < push.Nodes.Length; i++)
        {
            approx[push.Nodes[i]] = push.Values[i];
        }

        // Never above the exact value (beyond float rounding of the exact vector), and below it by at most
        // ε · weighted degree plus the residual mass left for the dangling pool.
        var l1 = 0.0;
        for (var v = 0; v < nodes; v++)
        {
            var error = exact[v] - approx[v];
            l1 += Math.Abs(error);
            Assert.True(error >= -1e-6, $"node {v}: push {approx[v]} above exact {exact[v]}");
            var bound = (epsilon * Math.Max(1.0, graph.OutWeight[v])) + push.Residual + 1e-6;
            Assert.True(error <= bound, $"node {v}: push {approx[v]} vs exact {exact[v]}, error {error} > bound {bound}");
        }

        Assert.True(l1 < 1e-3, $"L1 error {l1}");

        // Same top 20 in the same order (ties broken by node number on both sides).
        var exactTop = Enumerable.Range(0, nodes).OrderByDescending(v => Math.Round(exact[v], 5)).ThenBy(v => v).Take(20).ToArray();
        var pushTop = Enumerable.Range(0, nodes).OrderByDescending(v => Math.Round(approx[v], 5)).ThenBy(v => v).Take(20).ToArray();
        Assert.Equal(exactTop, pushTop);
    }

    [Fact]
    public void Push_work_depends_on_the_seed_neighbourhood_not_the_graph_size()
    {
        // Two far-apart components: seeding one never touches the other.
        var from = new List<int>();
        var to = new List<int>();
        for (var v = 0; v < 10_000; v++)
        {
            var next = v % 100 == 99 ? v - 99 : v + 1; // rings of 100 nodes
            from.Add(v);
            to.Add(next);
            from.Add(next);
            to.Add(v);
        }

        var graph = Csr.Build(10_000, from, to, null);
        var push = PushPageRank.Compute(graph, [(250, 1.0)], Restart, 1e-6);
        Assert.All(push.Nodes, v => Assert.InRange(v, 200, 299));
        Assert.Equal(1.0, push.Values.Sum() + push.Residual, 9);
    }

    [Fact]
    public void Push_is_deterministic_and_a_larger_epsilon_does_less_work()
    {
        var graph = SymmetricGraph(300, 900, 9, out _, out _, out _);
        var a = PushPageRank.Compute(graph, [(3, 1.0), (4, 1.0)], Restart, 1e-6);
        var b = PushPageRank.Compute(graph, [(4, 1.0), (3, 1.0)], Restart, 1e-6);
        Assert.Equal(a.Nodes, b.Nodes);
        Assert.Equal(a.Values, b.Values);
        var coarse = PushPageRank.Compute(graph, [(3, 1.0), (4, 1.0)], Restart, 1e-3);
        Assert.True(coarse.Pushes < a.Pushes, $"{coarse.Pushes} pushes at 1e-3 vs {a.Pushes} at 1e-6");
        Assert.True(coarse.Residual > a.Residual);
    }
}
