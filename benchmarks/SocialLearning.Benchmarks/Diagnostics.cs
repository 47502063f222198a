using System.Diagnostics;
using System.Globalization;
using SocialLearning.Recommendations;

namespace SocialLearning.Benchmarks;

/// <summary>The slowest tip queries with their clause statistics, to see where the tail comes from.</summary>
internal static class QueryDiagnostics
{
    public static void Run(int size)
    {
        var corpus = TipCorpus.Get(size, withBaselines: false);
        var run = new TipRunners(corpus);
        var n = corpus.Queries.Count;
        for (var q = 0; q < n; q++)
        {
            run.Engine(q);
        }

        var rows = new List<(double Micros, int Q, int Scored, int Visited)>();
        for (var q = 0; q < n; q++)
        {
            var start = Stopwatch.GetTimestamp();
            var scored = run.Engine(q);
            var micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            rows.Add((micros, q, scored, TipEngine.LastVisited));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"visited mean {rows.Average(r => r.Visited):N0}, scored mean {rows.Average(r => r.Scored):N0}"));
        foreach (var r in rows.OrderByDescending(r => r.Micros).Take(15))
        {
            var query = corpus.Queries[r.Q];
            var dfs = string.Join(", ",
                query.ContextKeys.Select(k => $"{k}={Df(corpus.Index.ContextKeys, k)}")
                    .Concat(query.Skills.Select(k => $"{k}={Df(corpus.Index.Skills, k)}"))
                    .Concat(query.Terms.Select(k => $"{k}={Df(corpus.Index.Terms, k)}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Micros,8:N0} µs  scored {r.Scored,6}  visited {r.Visited,7}  {dfs}"));
        }
    }

    private static int Df(SocialLearning.Index.Vocabulary v, string key)
    {
        var id = v.Find(key);
        return id < 0 ? 0 : v.List(id).Docs.Count;
    }
}
