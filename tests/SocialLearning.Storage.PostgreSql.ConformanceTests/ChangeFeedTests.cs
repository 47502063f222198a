using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace SocialLearning.Storage.PostgreSql.ConformanceTests;

/// <summary>The change feed under concurrent writers whose transactions commit out of order.</summary>
public sealed class ChangeFeedTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Writers = 8;
    private const int WritesPerWriter = 5_000;
    private readonly string _schema = PostgreSqlTestDatabase.NewSchema();
    private ServiceProvider? _writerInstance;
    private ServiceProvider? _followerInstance;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_writerInstance is not null)
        {
            await _writerInstance.DisposeAsync();
        }

        if (_followerInstance is not null)
        {
            await _followerInstance.DisposeAsync();
        }

        await PostgreSqlTestDatabase.DropSchemaAsync(_schema);
    }

    [Fact]
    public async Task A_concurrent_follower_sees_every_change_exactly_once_in_an_order_consistent_with_commits()
    {
        // Ordering, not durability, is under test here (see AsynchronousCommit).
        _writerInstance = PostgreSqlTestDatabase.CreateInstance(_schema, connectionStringSuffix: PostgreSqlTestDatabase.AsynchronousCommit);
        _followerInstance = PostgreSqlTestDatabase.CreateInstance(_schema, o => o.PollInterval = TimeSpan.FromMilliseconds(200), connectionStringSuffix: PostgreSqlTestDatabase.AsynchronousCommit);
        var writerStore = _writerInstance.GetRequiredService<PostgreSqlSocialLearningStore>();
        var follower = _followerInstance.GetRequiredService<ISocialLearningStore>();
        var tenant = new TenantId("feed");

        // Random delays inside the write transactions, before and after the change row is inserted, so transactions
        // that started later often commit earlier.
        writerStore.WriteHookForTests = async (_, ct) =>
        {
            var roll = Random.Shared.Next(100);
            if (roll < 15)
            {
                await Task.Delay(Random.Shared.Next(1, 3), ct);
            }
            else if (roll < 45)
            {
                await Task.Yield();
            }
        };

        var started = new long[Writers * WritesPerWriter];
        var acknowledged = new long[Writers * WritesPerWriter];
        var writersDone = new TaskCompletionSource();
        var seen = new List<Change>(Writers * WritesPerWriter);
        var seenWhileWriting = 0;

        var followerTask = Task.Run(async () =>
        {
            long after = 0;
            Stopwatch? drain = null;
            while (seen.Count < Writers * WritesPerWriter)
            {
                // Once the writers are done, the follower gets 30 s to catch up; whatever it has not seen by then is missed.
                if (writersDone.Task.IsCompleted && (drain ??= Stopwatch.StartNew()).Elapsed > TimeSpan.FromSeconds(30))
                {
                    break;
                }

                var batch = await follower.ReadChangesAsync(after, 2_000);
                seen.AddRange(batch.Changes);
                if (!writersDone.Task.IsCompleted)
                {
                    seenWhileWriting += batch.Changes.Count;
                }

                if (batch.Changes.Count == 0)
                {
                    await ((IChangeNotifier)follower).WaitForChangesAsync(after, TimeSpan.FromSeconds(1));
                }

                after = batch.LastPosition;
            }
        });

        var clock = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var store = _writerInstance.GetRequiredService<ISocialLearningStore>();
            for (var i = 0; i < WritesPerWriter; i++)
            {
                var index = (w * WritesPerWriter) + i;
                started[index] = Stopwatch.GetTimestamp();
                await store.CreateLearnerAsync(new Learner { Tenant = tenant, Id = new LearnerId($"w{w}-{i}"), DisplayName = "x" });
                acknowledged[index] = Stopwatch.GetTimestamp();
            }
        })).ToArray();
        await Task.WhenAll(writers);
        writersDone.SetResult();
        var writeSeconds = clock.Elapsed.TotalSeconds;
        await followerTask;

        // Exactly once: every acknowledged write appears once, nothing else appears.
        var positionOf = new Dictionary<int, long>();
        var duplicates = 0;
        foreach (var change in seen)
        {
            var parts = change.EntityId[1..].Split('-');
            var index = (int.Parse(parts[0]) * WritesPerWriter) + int.Parse(parts[1]);
            if (!positionOf.TryAdd(index, change.Position))
            {
                duplicates++;
            }
        }

        var missed = Writers * WritesPerWriter - positionOf.Count;
        output.WriteLine($"{Writers} writers x {WritesPerWriter} writes in {writeSeconds:F1} s ({Writers * WritesPerWriter / writeSeconds:F0} writes/s); follower saw {seen.Count} changes ({seenWhileWriting} while writers ran): {missed} missed, {duplicates} duplicated.");
        Assert.Equal(0, duplicates);
        Assert.Equal(0, missed);
        Assert.True(seenWhileWriting > 0, "The follower should have read changes while the writers were still writing.");

        // Positions: strictly increasing by one (no holes, no reordering) as the follower read them.
        for (var i = 0; i < seen.Count; i++)
        {
            Assert.Equal(i + 1, seen[i].Position);
        }

        // Each writer's writes appear in the order it made them.
        for (var w = 0; w < Writers; w++)
        {
            for (var i = 1; i < WritesPerWriter; i++)
            {
                Assert.True(positionOf[(w * WritesPerWriter) + i - 1] < positionOf[(w * WritesPerWriter) + i], $"writer {w}: write {i} came before write {i - 1}");
            }
        }

        // Consistent with commits: a write acknowledged before another started has the lower position.
        // Walk positions from the top keeping the earliest acknowledgement seen above; it must not precede this write's start.
        var byPosition = positionOf.OrderBy(p => p.Value).Select(p => p.Key).ToArray();
        var earliestAckAbove = long.MaxValue;
        var violations = 0;
        for (var k = byPosition.Length - 1; k >= 0; k--)
        {
            var index = byPosition[k];
            if (earliestAckAbove < started[index])
            {
                violations++;
            }

            earliestAckAbove = Math.Min(earliestAckAbove, acknowledged[index]);
        }

        Assert.Equal(0, violations);
    }
}
