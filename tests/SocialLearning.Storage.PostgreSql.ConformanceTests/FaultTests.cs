using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace SocialLearning.Storage.PostgreSql.ConformanceTests;

/// <summary>Runs the fault tests alone: they terminate every backend of the role, which other tests' raw connections would feel.</summary>
[CollectionDefinition(nameof(ServerFaults), DisableParallelization = true)]
public sealed class ServerFaults;

/// <summary>Server-side faults in the middle of a write load: every backend of the app role is terminated repeatedly.</summary>
[Collection(nameof(ServerFaults))]
public sealed class FaultTests(ITestOutputHelper output) : IAsyncLifetime
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

    [Fact]
    public async Task Terminated_backends_during_a_write_load_lose_no_acknowledged_write_and_followers_resume()
    {
        var writerInstance = PostgreSqlTestDatabase.CreateInstance(_schema, o => o.PollInterval = TimeSpan.FromMilliseconds(200));
        var followerInstance = PostgreSqlTestDatabase.CreateInstance(_schema, o => o.PollInterval = TimeSpan.FromMilliseconds(200));
        _instances.Add(writerInstance);
        _instances.Add(followerInstance);
        var writer = writerInstance.GetRequiredService<PostgreSqlSocialLearningStore>();
        var follower = followerInstance.GetRequiredService<PostgreSqlSocialLearningStore>();
        var tenant = new TenantId("faults");
        await writer.InitializeAsync();

        // Follower on instance B: reads from its own position, waits on LISTEN/NOTIFY, and simply tries again from the
        // same position when a read fails.
        using var stopFollowing = new CancellationTokenSource();
        var seen = new List<Change>();
        var followerErrors = 0;
        var followerTask = Task.Run(async () =>
        {
            long after = 0;
            while (true)
            {
                try
                {
                    var batch = await follower.ReadChangesAsync(after, 1_000);
                    seen.AddRange(batch.Changes);
                    after = batch.LastPosition;
                    if (batch.Changes.Count == 0)
                    {
                        if (stopFollowing.IsCancellationRequested)
                        {
                            return;
                        }

                        await follower.WaitForChangesAsync(after, TimeSpan.FromMilliseconds(500));
                    }
                }
                catch (SocialLearningStorageException)
                {
                    followerErrors++;
                }
            }
        });

        // Four writers for a fixed number of writes; two use idempotency keys, two rely on the store's own commit check.
        var acknowledged = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<Exception>();
        using var writersDone = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                var id = $"w{w}-{i}";
                try
                {
                    await writer.CreateLearnerAsync(new Learner { Tenant = tenant, Id = new LearnerId(id), DisplayName = id }, w < 2 ? "key-" + id : null);
                    acknowledged.Add(id);
                }
                catch (SocialLearningException ex)
                {
                    failures.Add(ex);
                }
            }
        })).ToArray();

        // Kill every other backend of this role (writers, pooled idle connections, the LISTEN connections) while they run.
        var terminated = 0;
        var rounds = 0;
        await using (var admin = NpgsqlDataSource.Create(PostgreSqlTestDatabase.ConnectionString + ";Pooling=false"))
        {
            var all = Task.WhenAll(writers);
            while (!all.IsCompleted && rounds < 12)
            {
                await Task.Delay(150);
                await using var kill = admin.CreateCommand(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()");
                terminated += (int)(long)(await kill.ExecuteScalarAsync())!;
                rounds++;
            }

            await all;
        }

        // Let the follower drain, then stop it.
        var head = await writer.GetHeadPositionAsync();
        var wait = Stopwatch.StartNew();
        while (seen.Count < head && wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        await stopFollowing.CancelAsync();
        await followerTask;

        output.WriteLine($"{rounds} termination rounds killed {terminated} backends; writer retried {writer.TransientFailureCount} transient failures ({writer.CommitOutcomeChecks} while committing), follower {follower.TransientFailureCount} (+{followerErrors} failed reads); " +
            $"{acknowledged.Count} writes acknowledged, {failures.Count} failed; follower saw {seen.Count} changes.");
        Assert.True(terminated > 0 && writer.TransientFailureCount > 0, "The fault injection should have hit the writers.");
        Assert.Empty(failures);

        // No acknowledged write lost, and none written twice.
        var stored = (await writer.ListLearnersAsync(tenant).ToListAsync()).Select(l => l.Id.Value).ToHashSet();
        Assert.Equal(1_000, acknowledged.Count);
        Assert.All(acknowledged, id => Assert.Contains(id, stored));
        Assert.Equal(1_000, stored.Count);

        // The follower saw each change exactly once, gap-free, in order.
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen.Select(c => c.Position));
        Assert.Equal(stored.Order(StringComparer.Ordinal), seen.Select(c => c.EntityId).Order(StringComparer.Ordinal));
    }
}
