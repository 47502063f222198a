using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace SocialLearning.Storage.PostgreSql.ConformanceTests;

/// <summary>Two app instances (separate service providers, data sources and pools) on one database.</summary>
public sealed class MultiInstanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _schema = PostgreSqlTestDatabase.NewSchema();
    private readonly List<ServiceProvider> _instances = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await PostgreSqlTestDatabase.DropSchemaAsync(_schema);
    }

    private ServiceProvider NewInstance(Action<PostgreSqlStorageOptions>? configure = null)
    {
        var instance = PostgreSqlTestDatabase.CreateInstance(_schema, configure);
        _instances.Add(instance);
        return instance;
    }

    [Fact]
    public async Task Sixty_four_concurrent_voters_spread_over_two_instances_give_exact_counts()
    {
        var a = NewInstance().GetRequiredService<ISocialLearningStore>();
        var b = NewInstance().GetRequiredService<ISocialLearningStore>();
        var tenant = new TenantId("votes");
        await a.CreateLearnerAsync(new Learner { Tenant = tenant, Id = new LearnerId("author"), DisplayName = "Author" });
        for (var i = 0; i < 64; i++)
        {
            await (i % 2 == 0 ? a : b).CreateLearnerAsync(new Learner { Tenant = tenant, Id = new LearnerId($"voter{i}"), DisplayName = $"Voter {i}" });
        }

        var tip = new ContributionId("tip");
        await b.CreateContributionAsync(new Contribution { Tenant = tenant, Id = tip, Kind = ContributionKind.Tip, Author = new LearnerId("author"), Title = "Tip", Body = "Body" });

        using var go = new ManualResetEventSlim();
        var voters = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            go.Wait();
            var store = i % 2 == 0 ? a : b;
            var other = i % 2 == 0 ? b : a;
            var learner = new LearnerId($"voter{i}");
            var outcomes = new List<InteractionOutcome>();
            async Task Vote(ISocialLearningStore s, InteractionKind kind, string? key = null) =>
                outcomes.Add((await s.AppendInteractionAsync(new Interaction { Tenant = tenant, ContributionId = tip, Learner = learner, Kind = kind }, key)).Outcome);

            await Vote(store, InteractionKind.Helpful);
            await Vote(other, InteractionKind.Helpful);                     // same vote through the other instance: nothing changes
            if (i % 3 == 0)
            {
                await Vote(other, InteractionKind.NotHelpful);              // changes its mind
            }

            await Vote(store, InteractionKind.Viewed, key: $"view-{i}");
            await Vote(other, InteractionKind.Viewed, key: $"view-{i}");    // retried with the same idempotency key
            await Vote(store, InteractionKind.Saved);
            return outcomes;
        })).ToArray();
        go.Set();
        var results = await Task.WhenAll(voters);

        var switched = Enumerable.Range(0, 64).Count(i => i % 3 == 0);
        foreach (var store in new[] { a, b })
        {
            var counters = await store.GetCountersAsync(tenant, tip);
            Assert.Equal(64 - switched, counters.Helpful);
            Assert.Equal(switched, counters.NotHelpful);
            Assert.Equal(64, counters.Views);
            Assert.Equal(64, counters.Saves);
        }

        Assert.All(results, r => Assert.Equal(InteractionOutcome.AlreadyRecorded, r[1]));
        Assert.Equal(switched, results.Count(r => r.Contains(InteractionOutcome.Replaced)));

        // One interaction row and one feed change per recorded or replaced fact: 64 helpful + switches + 64 views + 64 saves.
        var recorded = 64 + switched + 64 + 64;
        Assert.Equal(recorded, (await a.ListInteractionsAsync(tenant, tip).ToListAsync()).Count);
        var feed = await b.ReadChangesAsync(0, 10_000, tenant);
        Assert.Equal(recorded, feed.Changes.Count(c => c.Kind == ChangeKind.InteractionRecorded));
    }

    [Fact]
    public async Task A_change_written_on_instance_A_wakes_a_follower_on_instance_B_within_milliseconds()
    {
        // B polls only every 5 s, so anything faster than that is the LISTEN/NOTIFY wake-up.
        var a = NewInstance().GetRequiredService<ISocialLearningStore>();
        var b = NewInstance(o => o.PollInterval = TimeSpan.FromSeconds(5)).GetRequiredService<ISocialLearningStore>();
        var tenant = new TenantId("latency");
        await a.CreateLearnerAsync(new Learner { Tenant = tenant, Id = new LearnerId("author"), DisplayName = "Author" });
        var notifier = Assert.IsAssignableFrom<IChangeNotifier>(b);

        const int Trials = 200;
        var delays = new List<double>(Trials);
        var after = (await b.ReadChangesAsync(0, 10_000)).LastPosition;
        for (var trial = 0; trial < Trials; trial++)
        {
            var id = new ContributionId($"tip{trial}");
            var follow = Task.Run(async () =>
            {
                while (true)
                {
                    var batch = await b.ReadChangesAsync(after, 100);
                    after = batch.LastPosition;
                    if (batch.Changes.Any(c => c.EntityId == id.Value))
                    {
                        return Stopwatch.GetTimestamp();
                    }

                    await notifier.WaitForChangesAsync(after, TimeSpan.FromSeconds(10));
                }
            });
            await Task.Delay(2);
            await a.CreateContributionAsync(new Contribution { Tenant = tenant, Id = id, Kind = ContributionKind.Tip, Author = new LearnerId("author"), Title = "Tip", Body = "Body" });
            var written = Stopwatch.GetTimestamp();
            var seenAt = await follow;
            delays.Add(Math.Max(0, Stopwatch.GetElapsedTime(written, seenAt).TotalMilliseconds));
        }

        delays.Sort();
        var p50 = delays[Trials / 2];
        var p99 = delays[(int)Math.Ceiling(Trials * 0.99) - 1];
        output.WriteLine($"Feed-follow visibility delay on instance B after the write returned on A, {Trials} trials: p50 {p50:F2} ms, p99 {p99:F2} ms, max {delays[^1]:F2} ms.");
        Assert.True(p99 < 1_000, $"p99 {p99:F1} ms: followers should be woken by NOTIFY, not by the 5 s poll.");
    }
}
