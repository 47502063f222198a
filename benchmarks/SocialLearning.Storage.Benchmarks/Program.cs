using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SocialLearning.Storage.Benchmarks -- --filter '*' --job short
// SOCIALLEARNING_BENCH_PROVIDERS=Sqlite-Full,InMemory narrows the providers.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
