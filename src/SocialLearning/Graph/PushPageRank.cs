namespace SocialLearning.Graph;

/// <summary>
/// Approximate personalised PageRank by forward push (Andersen, Chung and Lang 2006, non-lazy variant), a local
/// method whose work depends on the seed neighbourhood and the threshold, not on the size of the graph.
/// </summary>
/// <remarks>
/// <para>
/// Keeps an estimate p and a residual r (initially the normalised seed vector s). While some node u has
/// r[u] &gt; ε · out(u) (out(u) = its weighted out-degree, 1 for a dangling node), it pushes: p[u] += α · r[u], and (1 − α) · r[u] is
/// spread over u's out-edges in proportion to their weights (a dangling node spreads it over s, as power iteration
/// gives dangling mass to the personalisation); r[u] = 0. The invariant PPR = p + Σᵤ r[u] · PPRᵤ holds throughout, so
/// p never overestimates. Nodes are processed first-in first-out from a queue seeded in node order, so the result is
/// deterministic for a given graph.
/// </para>
/// <para>
/// Error bound: each push settles at least α · ε of residual mass, so the work is at most (Σ out-degree of pushed
/// nodes) bounded by 1 / (α · ε) pushes. On a symmetric graph (every edge present both ways with the same weight, as
/// the planner's skill graph is) with no dangling nodes, 0 ≤ PPR(v) − p(v) ≤ ε · out(v) for every v; in every case
/// the total L1 error equals the residual mass left, Σ r, which is reported.
/// </para>
/// </remarks>
internal static class PushPageRank
{
    /// <summary>Default residual threshold ε (per unit of weighted degree).</summary>
    public const double DefaultEpsilon = 1e-4;

    [ThreadStatic]
    private static Workspace? t_workspace;

    /// <summary>
    /// Computes the approximation for <paramref name="seeds"/> (node, non-negative weight; normalised here) and
    /// returns the nodes with a non-zero estimate and their values (sorted by node).
    /// </summary>
    public static Result Compute(Csr graph, IReadOnlyList<(int Node, double Weight)> seeds, double restart, double epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        if (restart is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(restart), restart, "The restart probability must be in (0, 1).");
        }

        var n = graph.Nodes;
        var ws = t_workspace ??= new Workspace();
        ws.Ensure(n);

        // Normalised seed distribution, merged by node, in node order.
        var total = 0.0;
        foreach (var (node, weight) in seeds)
        {
            if (node >= 0 && node < n && weight > 0)
            {
                total += weight;
            }
        }

        var seedNodes = ws.SeedNodes;
        var seedWeights = ws.SeedWeights;
        seedNodes.Clear();
        seedWeights.Clear();
        if (total > 0)
        {
            // Merged by node in node order, each node's weights summed in input order (a sort by node, then input position).
            var order = ws.SeedOrder;
            order.Clear();
            for (var i = 0; i < seeds.Count; i++)
            {
                var (node, weight) = seeds[i];
                if (node >= 0 && node < n && weight > 0)
                {
                    order.Add(((long)node << 32) | (uint)i);
                }
            }

            order.Sort();
            foreach (var key in order)
            {
                var node = (int)(key >> 32);
                var share = seeds[(int)(uint)key].Weight / total;
                if (seedNodes.Count > 0 && seedNodes[^1] == node)
                {
                    seedWeights[^1] += share;
                }
                else
                {
                    seedNodes.Add(node);
                    seedWeights.Add(share);
                }
            }
        }
        else if (n > 0)
        {
            // No seed: uniform, as power iteration does.
            for (var v = 0; v < n; v++)
            {
                seedNodes.Add(v);
                seedWeights.Add(1.0 / n);
            }
        }

        var queue = ws.Queue;
        queue.Clear();
        for (var i = 0; i < seedNodes.Count; i++)
        {
            ws.AddResidual(seedNodes[i], seedWeights[i]);
            if (Above(graph, ws.Residual[seedNodes[i]], seedNodes[i], epsilon))
            {
                ws.InQueue[seedNodes[i]] = true;
                queue.Enqueue(seedNodes[i]);
            }
        }

        var damping = 1 - restart;
        var pushes = 0L;

        // Mass a dangling node hands back to the seed distribution is pooled and spread in rounds, so a dangling
        // node costs O(1), not O(seeds); the pool is part of the residual (PPR = p + Σ r[u]·PPRᵤ + pool·PPRₛ).
        var pool = 0.0;
        while (true)
        {
            while (queue.TryDequeue(out var u))
            {
                ws.InQueue[u] = false;
                var r = ws.Residual[u];
                if (!Above(graph, r, u, epsilon))
                {
                    continue;
                }

                pushes++;
                ws.Residual[u] = 0;
                ws.Estimate[u] += restart * r;
                var spread = damping * r;
                var outWeight = graph.OutWeight[u];
                if (outWeight > 0)
                {
                    var share = spread / outWeight;
                    for (var e = graph.Start[u]; e < graph.Start[u + 1]; e++)
                    {
                        Add(graph, ws, queue, graph.Target[e], share * graph.Weight[e], epsilon);
                    }
                }
                else
                {
                    pool += spread;
                }
            }

            if (pool <= epsilon)
            {
                break;
            }

            var amount = pool;
            pool = 0;
            for (var i = 0; i < seedNodes.Count; i++)
            {
                Add(graph, ws, queue, seedNodes[i], amount * seedWeights[i], epsilon);
            }
        }

        var touched = ws.Touched;
        touched.Sort();
        var positive = 0;
        var residual = pool;
        foreach (var v in touched)
        {
            residual += ws.Residual[v];
            if (ws.Estimate[v] > 0)
            {
                positive++;
            }
        }

        // The result is the only allocation in steady state (exactly sized).
        var nodes = new int[positive];
        var values = new double[positive];
        var at = 0;
        foreach (var v in touched)
        {
            if (ws.Estimate[v] > 0)
            {
                nodes[at] = v;
                values[at++] = ws.Estimate[v];
            }
        }

        ws.Reset();
        return new Result(nodes, values, residual, pushes);
    }

    private static bool Above(Csr graph, double residual, int node, double epsilon) =>
        residual > epsilon * (graph.OutWeight[node] > 0 ? graph.OutWeight[node] : 1.0);

    private static void Add(Csr graph, Workspace ws, Queue<int> queue, int v, double amount, double epsilon)
    {
        ws.AddResidual(v, amount);
        if (!ws.InQueue[v] && Above(graph, ws.Residual[v], v, epsilon))
        {
            ws.InQueue[v] = true;
            queue.Enqueue(v);
        }
    }

    /// <summary>Nodes with a positive estimate (ascending), their estimates, the residual mass left (the L1 error) and the pushes done.</summary>
    internal sealed record Result(int[] Nodes, double[] Values, double Residual, long Pushes);

    /// <summary>Per-thread dense scratch arrays, cleared through the touched list so a query costs its own work only.</summary>
    private sealed class Workspace
    {
        public double[] Residual = [];
        public double[] Estimate = [];
        public bool[] InQueue = [];
        public bool[] Seen = [];
        public readonly List<int> Touched = [];
        public readonly Queue<int> Queue = new();
        public readonly List<int> SeedNodes = [];
        public readonly List<double> SeedWeights = [];
        public readonly List<long> SeedOrder = [];

        public void Ensure(int n)
        {
            if (Residual.Length < n)
            {
                Residual = new double[n];
                Estimate = new double[n];
                InQueue = new bool[n];
                Seen = new bool[n];
            }
        }

        public void AddResidual(int v, double amount)
        {
            if (!Seen[v])
            {
                Seen[v] = true;
                Touched.Add(v);
            }

            Residual[v] += amount;
        }

        public void Reset()
        {
            foreach (var v in Touched)
            {
                Residual[v] = 0;
                Estimate[v] = 0;
                InQueue[v] = false;
                Seen[v] = false;
            }

            Touched.Clear();
        }
    }
}
