using System.Globalization;
using BenchmarkDotNet.Running;
using SocialLearning.Benchmarks;

// dotnet run -c Release -- latency [sizes...]     per-query percentiles, memory, build times → stdout (and a file with --out)
// dotnet run -c Release -- --filter '*'            BenchmarkDotNet (short in-process job)
if (args.Length > 1 && args[0] == "diag")
{
    QueryDiagnostics.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
    return;
}

if (args.Length > 0 && args[0] == "latency")
{
    var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
    var sizes = args.Skip(1).TakeWhile(a => a != "--out").Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
    if (sizes.Length == 0)
    {
        sizes = [100_000, 1_000_000];
    }

    var report = LatencyHarness.Run(sizes, ftsQueries: 100);
    Console.WriteLine(report);
    if (output is not null)
    {
        File.WriteAllText(output, report);
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
