using System.Diagnostics;
using BenchmarkDotNet.Running;
using SocialLearning;
using SocialLearning.Storage.Benchmarks;

// dotnet run -c Release --project benchmarks/SocialLearning.Storage.Benchmarks -- --filter '*' --job short
// SOCIALLEARNING_BENCH_PROVIDERS=Sqlite-Full,InMemory narrows the providers.
// "quick <provider>" prints wall and CPU time of 100,000 batched vote writes and one 100k listing without
// BenchmarkDotNet: CPU time stays meaningful on a machine shared with other work, where wall time does not.
if (args is ["quick", var name])
{
    await using var provider = StoreProviders.Create(name);
    var store = await provider.CreateAsync();
    await Seed.LearnersAsync(store, 100);
    await Seed.ContributionsAsync(store, 1_000, 100);
    var batches = Enumerable.Range(0, 100).Select(b => (IReadOnlyList<Interaction>)Enumerable.Range(0, 1_000).Select(i => new Interaction
    {
        Tenant = Seed.Tenant,
        ContributionId = Seed.Contribution(i),
        Learner = Seed.Learner(b % 100),
        Kind = b % 2 == 0 ? InteractionKind.Helpful : InteractionKind.NotHelpful,
        OccurredAt = Seed.T0,
    }).ToList()).ToList();
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    for (var pass = 0; pass < 2; pass++)
    {
        cpu = process.TotalProcessorTime;
        wall.Restart();
        foreach (var batch in batches)
        {
            await provider.AppendBatchAsync(store, batch);
        }

        process.Refresh();
        Console.WriteLine($"{name}: 100,000 batched interactions (pass {pass + 1}): wall {wall.Elapsed.TotalMilliseconds:0} ms, CPU {(process.TotalProcessorTime - cpu).TotalMilliseconds:0} ms");
    }

    await Seed.ContributionsAsync(store, 100_000, 100, first: 1_000);
    store = await provider.ReopenAsync(store);
    for (var pass = 0; pass < 3; pass++)
    {
        cpu = process.TotalProcessorTime;
        wall.Restart();
        var count = 0;
        await foreach (var c in store.ListContributionsAsync(Seed.Tenant))
        {
            count++;
        }

        process.Refresh();
        Console.WriteLine($"{name}: listed {count} contributions (pass {pass + 1}): wall {wall.Elapsed.TotalMilliseconds:0} ms, CPU {(process.TotalProcessorTime - cpu).TotalMilliseconds:0} ms");
    }
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
