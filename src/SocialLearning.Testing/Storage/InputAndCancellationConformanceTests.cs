using Xunit;

namespace SocialLearning.Testing.Storage;

/// <summary>Bad input is rejected with argument errors before anything is written.</summary>
public abstract class InputValidationConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task Null_entities_are_rejected_with_ArgumentNullException()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.CreateLearnerAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.CreateSkillAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.CreateContributionAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AppendInteractionAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AppendEvidenceAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AddSkillEdgeAsync(null!));
    }

    [Fact]
    public async Task A_default_tenant_is_rejected_by_reads_and_writes()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetLearnerAsync(default, new LearnerId("a")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetContributionAsync(default, new ContributionId("c")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateLearnerAsync(NewLearner(Tenant, "a") with { Tenant = default }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ToListAsync(Store.ListContributionsAsync(default)));
    }

    [Fact]
    public async Task An_expected_version_below_1_is_rejected()
    {
        var learner = await SeedLearnerAsync("ada");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpdateLearnerAsync(learner, 0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpdateLearnerAsync(learner, -3));
    }

    [Fact]
    public async Task A_blank_or_oversized_idempotency_key_is_rejected_and_nothing_is_written()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateLearnerAsync(NewLearner(Tenant, "ada"), "  "));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateLearnerAsync(NewLearner(Tenant, "ada"), new string('k', 201)));
        Assert.Null(await Store.GetLearnerAsync(Tenant, new LearnerId("ada")));
    }

    [Fact]
    public async Task An_undefined_interaction_kind_is_rejected_and_not_counted()
    {
        await SeedContributionAsync("c1");
        await SeedLearnerAsync("ada");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendInteractionAsync(NewInteraction("c1", "ada", (InteractionKind)99)));
        Assert.Equal(ContributionCounters.Zero, await Store.GetCountersAsync(Tenant, new ContributionId("c1")));
    }

    [Fact]
    public async Task Default_ids_inside_an_interaction_are_rejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Viewed) with { ContributionId = default }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Viewed) with { Learner = default }));
    }
}

/// <summary>A cancelled token stops an operation before it writes.</summary>
public abstract class CancellationConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    private static CancellationToken Cancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        return cts.Token;
    }

    [Fact]
    public async Task A_cancelled_create_throws_and_writes_nothing()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CreateLearnerAsync(NewLearner(Tenant, "ada"), null, Cancelled()));
        Assert.Null(await Store.GetLearnerAsync(Tenant, new LearnerId("ada")));
        Assert.Empty(await ReadAllChangesAsync(Tenant));
    }

    [Fact]
    public async Task A_cancelled_interaction_throws_and_is_not_counted()
    {
        await SeedContributionAsync("c1");
        await SeedLearnerAsync("ada");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful), null, Cancelled()));
        Assert.Equal(0, (await Store.GetCountersAsync(Tenant, new ContributionId("c1"))).Helpful);
    }

    [Fact]
    public async Task A_cancelled_update_throws_and_keeps_the_version()
    {
        var v1 = await SeedContributionAsync("c1");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.UpdateContributionAsync(v1 with { Title = "x" }, 1, Cancelled()));
        Assert.Equal(1, (await Store.GetContributionAsync(Tenant, v1.Id))!.Version);
    }

    [Fact]
    public async Task Cancelled_reads_throw()
    {
        await SeedContributionAsync("c1");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetContributionAsync(Tenant, new ContributionId("c1"), Cancelled()));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.ReadChangesAsync(0, 10, Tenant, Cancelled()));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToListAsync(Store.ListContributionsAsync(Tenant, Cancelled())));
    }

    [Fact]
    public async Task Cancelling_during_a_listing_stops_it()
    {
        for (var i = 0; i < 5; i++)
        {
            await SeedContributionAsync("c" + i);
        }

        using var cts = new CancellationTokenSource();
        var count = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Store.ListContributionsAsync(Tenant, cts.Token))
            {
                count++;
                await cts.CancelAsync();
            }
        });
        Assert.Equal(1, count);
    }
}
