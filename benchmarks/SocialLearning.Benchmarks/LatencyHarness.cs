using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SocialLearning.Benchmarks;

/// <summary>
/// Per-query latency percentiles (BenchmarkDotNet reports per-invocation statistics, not per-query tails):
/// every query timed on its own with a Stopwatch after a warm-up, single thread, plus allocated bytes per
/// query and candidates scored.
/// </summary>
internal static class LatencyHarness
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const int Passes = 5;

    public static string Run(int[] sizes, int ftsQueries, Action<string>? checkpoint = null)
    {
        var report = new StringBuilder();
        report.AppendLine("# Latency harness (single thread, per-query Stopwatch)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}. Load average printed below: above about 1 on this machine, raw tails include time the thread was not on a core (best-of-5 removes most of it).");
        report.AppendLine(CultureInfo.InvariantCulture, $"Load average at start: {LoadAverage()}.");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Each query runs {Passes} times (passes over the whole query set, after a warm-up pass). \"raw\" percentiles are over all {Passes} × n samples; \"best of {Passes}\" takes each query's fastest run first (its cost without preemption) and then the percentile over queries. Throughput = 1 / mean raw latency.");
        report.AppendLine();
        report.AppendLine("## Tip recommendation, top 10");
        report.AppendLine();
        report.AppendLine("| corpus | system | queries | raw p50 µs | raw p99 µs | best-of-5 p50 µs | best-of-5 p95 µs | best-of-5 p99 µs | mean µs | queries/s | candidates scored (mean / p99) | alloc B/query |");
        report.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var memory = new StringBuilder();
        memory.AppendLine("## Index memory and build");
        memory.AppendLine();
        memory.AppendLine("| corpus | postings + columns | per contribution | ids, titles, dictionaries | managed heap delta | build (ours) | build Lucene | build FTS5 |");
        memory.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        var matches = new StringBuilder();
        matches.AppendLine("## Query shape (same queries for every system)");
        matches.AppendLine();
        matches.AppendLine("| corpus | mean items matching ≥1 clause (Lucene total hits) | p50 | max | max share of corpus |");
        matches.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var corpus = TipCorpus.Get(size, withBaselines: true);
            var run = new TipRunners(corpus);
            var n = corpus.Queries.Count;
            Row(report, size, "SocialLearning blend (MaxScore)", n, q => run.Engine(q), withScored: true);
            Row(report, size, "Lucene.NET BM25", n, q => run.Lucene(q), withScored: false);
            if (corpus.Sqlite is not null)
            {
                Row(report, size, "SQLite FTS5 bm25()", Math.Min(n, ftsQueries), q => run.Fts5(q), withScored: false);
            }
            else
            {
                report.AppendLine(Inv, $"| {size:N0} | SQLite FTS5 bm25() | not run: corpus above SOCIALLEARNING_BENCH_FTS_MAX ({TipCorpus.FtsMaxSize:N0}) |  |  |  |  |  |  |  |  |  |");
            }
            var hits = Enumerable.Range(0, n).Select(run.Lucene).OrderBy(h => h).ToArray();
            matches.AppendLine(Inv, $"| {size:N0} | {hits.Average():N0} | {hits[hits.Length / 2]:N0} | {hits[^1]:N0} | {(double)hits[^1] / size:P1} |");
            checkpoint?.Invoke(report + Environment.NewLine + matches + Environment.NewLine + memory);
            memory.AppendLine(Inv, $"| {size:N0} | {corpus.IndexBytes / 1048576.0:N1} MiB | {(double)corpus.IndexBytes / size:N0} B | {corpus.StringBytes / 1048576.0:N1} MiB | {corpus.ManagedHeapDelta / 1048576.0:N1} MiB | {corpus.BuildTime.TotalSeconds:N1} s | {corpus.LuceneBuildTime.TotalSeconds:N1} s | {(corpus.Sqlite is null ? "not built" : corpus.FtsBuildTime.TotalSeconds.ToString("N1", Inv) + " s")} |");
        }

        report.AppendLine();
        report.Append(matches).AppendLine().Append(memory).AppendLine();
        report.AppendLine("## Peers (100k people, 400k contributions, 10k skills) and learning paths (10k-skill graph)");
        report.AppendLine();
        report.AppendLine("| task | queries | raw p50 µs | raw p99 µs | best-of-5 p50 µs | best-of-5 p95 µs | best-of-5 p99 µs | mean µs | queries/s | candidates (mean / p99) | alloc B/query |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        checkpoint?.Invoke(report.ToString());
        var people = PeopleCorpus.Get();
        PeopleRow(report, "peers: fusion, 1-2 Zipfian skills, top 10", people.PeerRequests.Length, q => people.Peer(q, text: false), withScored: true);
        PeopleRow(report, "peers: fusion, skills + 2-3 words, top 10", people.PeerTextRequests.Length, q => people.Peer(q, text: true), withScored: true);
        PeopleRow(report, "learning path: 10 steps, graph only", people.PathRequests.Length, q => people.Path(q, full: false), withScored: false);
        PeopleRow(report, "learning path: 10 steps + 3 tips + 2 mentors per step", people.FullPathRequests.Length, q => people.Path(q, full: true), withScored: false);
        return report.ToString();
    }

    /// <summary>Only the peers and learning-path rows (no tip corpora), for quick before/after runs of those tasks.</summary>
    public static string RunPeople()
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}. Load average at start: {LoadAverage()}.");
        report.AppendLine();
        report.AppendLine("| task | queries | raw p50 µs | raw p99 µs | best-of-5 p50 µs | best-of-5 p95 µs | best-of-5 p99 µs | mean µs | queries/s | candidates (mean / p99) | alloc B/query |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var people = PeopleCorpus.Get();
        PeopleRow(report, "peers: fusion, 1-2 Zipfian skills, top 10", people.PeerRequests.Length, q => people.Peer(q, text: false), withScored: true);
        PeopleRow(report, "peers: fusion, skills + 2-3 words, top 10", people.PeerTextRequests.Length, q => people.Peer(q, text: true), withScored: true);
        PeopleRow(report, "learning path: 10 steps, graph only", people.PathRequests.Length, q => people.Path(q, full: false), withScored: false);
        PeopleRow(report, "learning path: 10 steps + 3 tips + 2 mentors per step", people.FullPathRequests.Length, q => people.Path(q, full: true), withScored: false);
        report.AppendLine(CultureInfo.InvariantCulture, $"Load average at end: {LoadAverage()}.");
        return report.ToString();
    }

    private static void Row(StringBuilder report, int size, string system, int n, Func<int, int> query, bool withScored)
    {
        var (stats, scored, alloc) = Measure(n, query);
        var scoredText = withScored ? $"{scored.Average():N0} / {Percentile(scored, 0.99):N0}" : "n/a";
        Console.WriteLine(string.Create(Inv, $"{size:N0} {system}: best-of-5 p50 {stats.P50:N0} p99 {stats.P99:N0} µs, raw mean {stats.Mean:N0} µs"));
        report.AppendLine(Inv, $"| {size:N0} | {system} | {n} | {stats.RawP50:N0} | {stats.RawP99:N0} | {stats.P50:N0} | {stats.P95:N0} | {stats.P99:N0} | {stats.Mean:N0} | {1e6 / stats.Mean:N0} | {scoredText} | {alloc:N0} |");
    }

    private static void PeopleRow(StringBuilder report, string task, int n, Func<int, int> query, bool withScored)
    {
        var (stats, scored, alloc) = Measure(n, query);
        var scoredText = withScored ? $"{scored.Average():N0} / {Percentile(scored, 0.99):N0}" : "n/a";
        Console.WriteLine(string.Create(Inv, $"{task}: best-of-5 p50 {stats.P50:N0} p99 {stats.P99:N0} µs, raw mean {stats.Mean:N0} µs"));
        report.AppendLine(Inv, $"| {task} | {n} | {stats.RawP50:N0} | {stats.RawP99:N0} | {stats.P50:N0} | {stats.P95:N0} | {stats.P99:N0} | {stats.Mean:N0} | {1e6 / stats.Mean:N0} | {scoredText} | {alloc:N0} |");
    }

    private static ((double RawP50, double RawP99, double P50, double P95, double P99, double Mean) Stats, double[] Scored, double Alloc) Measure(int n, Func<int, int> query)
    {
        // Warm-up: every query once (JIT, caches), then a collection so the timed passes start clean.
        for (var q = 0; q < n; q++)
        {
            query(q);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var raw = new double[n * Passes];
        var best = new double[n];
        Array.Fill(best, double.MaxValue);
        var scored = new double[n];
        var allocBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var pass = 0; pass < Passes; pass++)
        {
            for (var q = 0; q < n; q++)
            {
                var start = Stopwatch.GetTimestamp();
                scored[q] = query(q);
                var micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                raw[(pass * n) + q] = micros;
                best[q] = Math.Min(best[q], micros);
            }
        }

        var alloc = (double)(GC.GetAllocatedBytesForCurrentThread() - allocBefore) / (n * Passes);
        return ((Percentile(raw, 0.50), Percentile(raw, 0.99), Percentile(best, 0.50), Percentile(best, 0.95), Percentile(best, 0.99), raw.Average()), scored, alloc);
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
