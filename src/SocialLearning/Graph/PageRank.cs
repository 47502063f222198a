namespace SocialLearning.Graph;

/// <summary>
/// PageRank by power iteration over a weighted directed graph in compressed sparse row form:
/// r ← restart · p + (1 − restart) · (Σ over in-edges r[u] · w(u,v) / out(u) + dangling mass · p),
/// where p is the personalisation (uniform when none) and dangling nodes give their mass to p; at most the
/// given iterations, fewer once the L1 change is below <see cref="Tolerance"/>.
/// </summary>
internal static class PageRank
{
    /// <summary>Iteration stops early once the L1 change of the vector falls below this.</summary>
    public const double Tolerance = 1e-9;

    public static float[] Compute(int nodes, IReadOnlyList<int> from, IReadOnlyList<int> to, IReadOnlyList<float>? weights, double[]? personalization, double restart, int iterations, bool scaleToCount)
    {
        var csr = Csr.Build(nodes, from, to, weights);
        return Compute(csr, personalization, restart, iterations, scaleToCount);
    }

    public static float[] Compute(Csr graph, double[]? personalization, double restart, int iterations, bool scaleToCount)
    {
        var n = graph.Nodes;
        var result = new float[n];
        if (n == 0)
        {
            return result;
        }

        var p = new double[n];
        var sum = 0.0;
        if (personalization is not null)
        {
            for (var i = 0; i < n && i < personalization.Length; i++)
            {
                p[i] = Math.Max(0, personalization[i]);
                sum += p[i];
            }
        }

        if (sum <= 0)
        {
            Array.Fill(p, 1.0 / n);
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                p[i] /= sum;
            }
        }

        var r = (double[])p.Clone();
        var next = new double[n];
        var damping = 1 - restart;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var dangling = 0.0;
            for (var u = 0; u < n; u++)
            {
                if (graph.OutWeight[u] <= 0)
                {
                    dangling += r[u];
                }
            }

            for (var v = 0; v < n; v++)
            {
                next[v] = (restart + (damping * dangling)) * p[v];
            }

            for (var u = 0; u < n; u++)
            {
                var outWeight = graph.OutWeight[u];
                if (outWeight <= 0)
                {
                    continue;
                }

                var share = damping * r[u] / outWeight;
                for (var e = graph.Start[u]; e < graph.Start[u + 1]; e++)
                {
                    next[graph.Target[e]] += share * graph.Weight[e];
                }
            }

            var change = 0.0;
            for (var i = 0; i < n; i++)
            {
                change += Math.Abs(next[i] - r[i]);
            }

            (r, next) = (next, r);
            if (change < Tolerance)
            {
                break;
            }
        }

        var scale = scaleToCount ? n : 1.0;
        for (var i = 0; i < n; i++)
        {
            result[i] = (float)(r[i] * scale);
        }

        return result;
    }
}

/// <summary>A weighted directed graph in compressed sparse row form.</summary>
internal sealed class Csr
{
    public required int Nodes { get; init; }

    public required int[] Start { get; init; }

    public required int[] Target { get; init; }

    public required float[] Weight { get; init; }

    public required double[] OutWeight { get; init; }

    public static Csr Build(int nodes, IReadOnlyList<int> from, IReadOnlyList<int> to, IReadOnlyList<float>? weights)
    {
        var start = new int[nodes + 1];
        for (var e = 0; e < from.Count; e++)
        {
            start[from[e] + 1]++;
        }

        for (var i = 0; i < nodes; i++)
        {
            start[i + 1] += start[i];
        }

        var fill = (int[])start.Clone();
        var target = new int[from.Count];
        var weight = new float[from.Count];
        var outWeight = new double[nodes];
        for (var e = 0; e < from.Count; e++)
        {
            var slot = fill[from[e]]++;
            target[slot] = to[e];
            var w = weights is null ? 1f : weights[e];
            weight[slot] = w;
            outWeight[from[e]] += w;
        }

        return new Csr { Nodes = nodes, Start = start, Target = target, Weight = weight, OutWeight = outWeight };
    }
}
