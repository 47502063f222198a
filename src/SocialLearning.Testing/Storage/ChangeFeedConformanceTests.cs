using Xunit;

namespace SocialLearning.Testing.Storage;

/// <summary>The change feed: one change per committed write, commit order, resumable, complete under concurrency.</summary>
public abstract class ChangeFeedConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task Every_write_appends_one_change_of_the_right_kind_in_order()
    {
        var learner = await SeedLearnerAsync("author");
        await Store.UpdateLearnerAsync(learner with { DisplayName = "A" }, 1);
        await SeedSkillAsync("s1");
        await SeedSkillAsync("s2");
        await Store.AddSkillEdgeAsync(new SkillEdge { Tenant = Tenant, From = new SkillId("s1"), To = new SkillId("s2"), Kind = SkillEdgeKind.Prerequisite });
        var c = await Store.CreateContributionAsync(NewContribution(Tenant, "c1", "author"));
        await Store.UpdateContributionAsync(c with { Title = "T2" }, 1);
        await SeedLearnerAsync("reader");
        await Store.AppendInteractionAsync(NewInteraction("c1", "reader", InteractionKind.Helpful));
        await Store.RemoveSkillEdgeAsync(Tenant, new SkillId("s1"), new SkillId("s2"), SkillEdgeKind.Prerequisite);

        var changes = await ReadAllChangesAsync(Tenant);
        Assert.Equal(
            [ChangeKind.LearnerCreated, ChangeKind.LearnerUpdated, ChangeKind.SkillCreated, ChangeKind.SkillCreated, ChangeKind.SkillEdgeAdded,
             ChangeKind.ContributionCreated, ChangeKind.ContributionUpdated, ChangeKind.LearnerCreated, ChangeKind.InteractionRecorded, ChangeKind.SkillEdgeRemoved],
            changes.Select(x => x.Kind));
        Assert.All(changes, x => Assert.Equal(Tenant, x.Tenant));
        var interaction = changes[8];
        Assert.Equal("c1", interaction.EntityId);
        Assert.Equal(new LearnerId("reader"), interaction.Learner);
        Assert.Equal(InteractionKind.Helpful, interaction.InteractionKind);
        Assert.Equal(2, changes[6].Version);
    }

    [Fact]
    public async Task Positions_strictly_increase_and_the_head_is_the_last_one()
    {
        for (var i = 0; i < 5; i++)
        {
            await SeedLearnerAsync("l" + i);
        }

        var changes = await ReadAllChangesAsync(Tenant);
        Assert.Equal(5, changes.Count);
        for (var i = 1; i < changes.Count; i++)
        {
            Assert.True(changes[i].Position > changes[i - 1].Position, "positions must strictly increase");
        }

        Assert.True(await Store.GetHeadPositionAsync() >= changes[^1].Position);
    }

    [Fact]
    public async Task Reading_from_a_position_resumes_exactly_after_it()
    {
        for (var i = 0; i < 6; i++)
        {
            await SeedLearnerAsync("l" + i);
        }

        var all = await ReadAllChangesAsync(Tenant);
        var rest = await ReadAllChangesAsync(Tenant, all[2].Position);
        Assert.Equal(all.Skip(3).Select(c => c.Position), rest.Select(c => c.Position));
    }

    [Fact]
    public async Task MaxCount_limits_a_batch_and_LastPosition_continues_without_gaps()
    {
        for (var i = 0; i < 7; i++)
        {
            await SeedLearnerAsync("l" + i);
        }

        var seen = new List<Change>();
        long after = 0;
        while (true)
        {
            var batch = await Store.ReadChangesAsync(after, 3, Tenant);
            Assert.True(batch.Changes.Count <= 3);
            seen.AddRange(batch.Changes);
            if (batch.LastPosition == after)
            {
                break;
            }

            after = batch.LastPosition;
        }

        Assert.Equal(7, seen.Count);
        Assert.Equal(seen.Count, seen.Select(c => c.Position).Distinct().Count());
    }

    [Fact]
    public async Task Reading_past_the_head_returns_nothing_and_keeps_the_position()
    {
        await SeedLearnerAsync("l1");
        var head = await Store.GetHeadPositionAsync();
        var batch = await Store.ReadChangesAsync(head, 10, Tenant);
        Assert.Empty(batch.Changes);

        // Other tenants may write meanwhile (a store shared by parallel tests, or by other app instances), which may
        // move a short page's LastPosition on to the newer head; it must never go back, nor past the head.
        Assert.InRange(batch.LastPosition, head, await Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Failed_writes_append_nothing()
    {
        await SeedLearnerAsync("author");
        var before = await ReadAllChangesAsync(Tenant);
        await Assert.ThrowsAsync<DuplicateEntityException>(() => Store.CreateLearnerAsync(NewLearner(Tenant, "author")));
        await Assert.ThrowsAsync<VersionConflictException>(() => Store.UpdateLearnerAsync(NewLearner(Tenant, "author"), 7));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.CreateContributionAsync(NewContribution(Tenant, "c1", "ghost")));
        Assert.Equal(before.Count, (await ReadAllChangesAsync(Tenant)).Count);
    }

    [Fact]
    public async Task A_follower_reading_during_8_concurrent_writers_sees_every_change_once_in_commit_order()
    {
        const int writers = 8, perWriter = 40;
        await SeedContributionAsync("c1");
        for (var w = 0; w < writers; w++)
        {
            await SeedLearnerAsync("w" + w);
        }

        var start = await Store.GetHeadPositionAsync();
        var seen = new List<Change>();
        using var done = new CancellationTokenSource();
        var follower = Task.Run(async () =>
        {
            var after = start;
            while (true)
            {
                var finished = done.IsCancellationRequested;
                var batch = await Store.ReadChangesAsync(after, 100, Tenant);
                seen.AddRange(batch.Changes);
                after = batch.LastPosition;
                if (batch.Changes.Count == 0)
                {
                    if (finished)
                    {
                        return;
                    }

                    await Task.Delay(1);
                }
            }
        });

        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await Store.AppendInteractionAsync(NewInteraction("c1", "w" + w, InteractionKind.Viewed) with { Note = $"{w}:{i}" });
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        await done.CancelAsync();
        await follower;

        var final = await ReadAllChangesAsync(Tenant, start);
        Assert.Equal(writers * perWriter, final.Count);
        Assert.Equal(final.Select(c => c.Position), seen.Select(c => c.Position));
        Assert.Equal(seen.Count, seen.Select(c => c.Position).Distinct().Count());
        Assert.Equal(writers * perWriter, (await Store.GetCountersAsync(Tenant, new ContributionId("c1"))).Views);

        // Each writer's own writes appear in the order it made them.
        var notes = (await ToListAsync(Store.ListInteractionsAsync(Tenant, new ContributionId("c1")))).Select(i => i.Note!).ToList();
        for (var w = 0; w < writers; w++)
        {
            var mine = notes.Where(n => n.StartsWith(w + ":", StringComparison.Ordinal)).Select(n => int.Parse(n[(n.IndexOf(':', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, perWriter), mine);
        }
    }

    [Fact]
    public async Task Bad_feed_arguments_are_rejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadChangesAsync(-1, 10));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadChangesAsync(0, 0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReadChangesAsync(0, 10_001));
    }
}
