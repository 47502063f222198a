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

        var rows = new List<(double Micros, int Q, int Scored, int Visited, int Passed, int Accepted)>();
        var best = new double[n];
        Array.Fill(best, double.MaxValue);
        var passes = int.TryParse(Environment.GetEnvironmentVariable("SOCIALLEARNING_DIAG_PASSES"), out var p) ? p : 3;
        for (var pass = 0; pass < passes; pass++)
        {
            for (var q = 0; q < n; q++)
            {
                var start = Stopwatch.GetTimestamp();
                run.Engine(q);
                best[q] = Math.Min(best[q], Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        for (var q = 0; q < n; q++)
        {
            var scored = run.Engine(q);
            rows.Add((best[q], q, scored, TipEngine.LastVisited, TipEngine.LastPassed, TipEngine.LastAccepted));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"visited mean {rows.Average(r => r.Visited):N0}, passed mean {rows.Average(r => r.Passed):N0}, accepted mean {rows.Average(r => r.Accepted):N0}, scored mean {rows.Average(r => r.Scored):N0}, mean {rows.Average(r => r.Micros):N0} µs, p50 {rows.Select(r => r.Micros).Order().ElementAt(rows.Count / 2):N0} µs, p99 {rows.Select(r => r.Micros).Order().ElementAt(rows.Count * 99 / 100):N0} µs"));
        foreach (var r in rows.OrderByDescending(r => r.Micros).Take(15))
        {
            var query = corpus.Queries[r.Q];
            var dfs = string.Join(", ",
                query.ContextKeys.Select(k => $"{k}={Df(corpus.Index.ContextKeys, k)}")
                    .Concat(query.Skills.Select(k => $"{k}={Df(corpus.Index.Skills, k)}"))
                    .Concat(query.Terms.Select(k => $"{k}={Df(corpus.Index.Terms, k)}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Micros,8:N0} µs  scored {r.Scored,6}  visited {r.Visited,7}  passed {r.Passed,6} accepted {r.Accepted,6}  {dfs}"));
        }
    }

    private static int Df(SocialLearning.Index.Vocabulary v, string key)
    {
        var id = v.Find(key);
        return id < 0 ? 0 : v.List(id).Docs.Count;
    }
}

/// <summary>The slowest peer queries (skills + text shape) with their skills' slot counts and candidates.</summary>
internal static class PeerDiagnostics
{
    public static void Run(bool text)
    {
        var people = PeopleCorpus.Get();
        var requests = text ? people.PeerTextRequests : people.PeerRequests;
        var n = requests.Length;
        var best = new double[n];
        var scored = new int[n];
        Array.Fill(best, double.MaxValue);
        for (var pass = 0; pass < 4; pass++)
        {
            for (var q = 0; q < n; q++)
            {
                var start = Stopwatch.GetTimestamp();
                scored[q] = people.Peer(q, text);
                best[q] = Math.Min(best[q], Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        var order = Enumerable.Range(0, n).OrderByDescending(q => best[q]).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p50 {best.Order().ElementAt(n / 2):N0} µs, p99 {best.Order().ElementAt(n * 99 / 100):N0} µs"));
        foreach (var q in order.Take(int.TryParse(Environment.GetEnvironmentVariable("SOCIALLEARNING_PEERDIAG_TOP"), out var top) ? top : 15))
        {
            var r = requests[q];
            var skills = string.Join(", ", r.Skills.Select(s => $"{s}={Slots(people.Index, s)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{best[q],8:N0} µs  scored {scored[q],6}  {skills}  text '{r.Text}'"));
        }

        // SOCIALLEARNING_PEERDIAG_HOT=seconds: then run the 30 slowest queries in a loop (for a profiler to attach).
        if (int.TryParse(Environment.GetEnvironmentVariable("SOCIALLEARNING_PEERDIAG_HOT"), out var hot) && hot > 0)
        {
            Console.WriteLine("hot loop start");
            var until = Stopwatch.GetTimestamp() + (hot * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until)
            {
                foreach (var q in order.Take(30))
                {
                    people.Peer(q, text);
                }
            }
        }
    }

    private static int Slots(SocialLearning.Index.TenantIndex index, string skill)
    {
        var id = index.Skills.Find(skill);
        return id < 0 || id >= index.PeerStats.Count || index.PeerStats[id] is not { } stats ? 0 : stats.Person.Count;
    }
}
