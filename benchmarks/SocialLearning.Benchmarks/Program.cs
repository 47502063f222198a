using System.Globalization;
using BenchmarkDotNet.Running;
using SocialLearning.Benchmarks;

// dotnet run -c Release -- latency [sizes...] [--out file] [--then-bdn]   per-query percentiles, memory, build times; then BenchmarkDotNet in the same process
// dotnet run -c Release -- --filter '*'            BenchmarkDotNet (short in-process job)
Console.Out.Flush();
if (args.Length > 1 && args[0] == "diag")
{
    QueryDiagnostics.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
    return;
}

// dotnet run -c Release -- people [--out file]      only the peers and learning-path latency rows (no tip corpora)
// dotnet run -c Release -- peerdiag [--text]       the slowest peer queries with their skills' sizes
if (args.Length > 0 && args[0] == "peerdiag")
{
    PeerDiagnostics.Run(text: args.Contains("--text"));
    return;
}

if (args.Length > 0 && args[0] == "people")
{
    var report = LatencyHarness.RunPeople();
    Console.WriteLine(report);
    var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
    if (output is not null)
    {
        File.WriteAllText(output, report);
    }

    return;
}

if (args.Length > 0 && args[0] == "latency")
{
    var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
    var sizes = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
    if (sizes.Length == 0)
    {
        sizes = [100_000, 1_000_000];
    }

    var report = LatencyHarness.Run(sizes, ftsQueries: 100, output is null ? null : partial => File.WriteAllText(output, partial + Environment.NewLine + "(partial: run still going)" + Environment.NewLine));
    Console.WriteLine(report);
    if (output is not null)
    {
        File.WriteAllText(output, report);
    }

    if (args.Contains("--then-bdn"))
    {
        // Same process (in-process toolchain), so the corpora built above are reused.
        BenchmarkDotNet.Running.BenchmarkRunner.Run<TipQueryBenchmarks>();
        BenchmarkDotNet.Running.BenchmarkRunner.Run<PeopleBenchmarks>();
    }

    TipCorpus.DisposeAll();
    return;
}

try
{
    BenchmarkSwitcher.FromAssembly(typeof(TipQueryBenchmarks).Assembly).Run(args);
}
finally
{
    TipCorpus.DisposeAll();
}
