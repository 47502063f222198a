using Xunit;

namespace SocialLearning.Testing.Storage;

/// <summary>The interaction log, vote uniqueness and derived counters.</summary>
public abstract class InteractionStoreConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    private async Task SeedAsync()
    {
        await SeedContributionAsync("c1");
        await SeedLearnerAsync("ada");
        await SeedLearnerAsync("bob");
    }

    [Fact]
    public async Task A_first_vote_is_recorded_and_counted()
    {
        await SeedAsync();
        var result = await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful));

        Assert.Equal(InteractionOutcome.Recorded, result.Outcome);
        Assert.Equal(1, result.Counters.Helpful);
        Assert.Equal(1, (await Store.GetCountersAsync(Tenant, new ContributionId("c1"))).Helpful);
    }

    [Fact]
    public async Task The_same_vote_twice_counts_once()
    {
        await SeedAsync();
        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful));
        var again = await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful));

        Assert.Equal(InteractionOutcome.AlreadyRecorded, again.Outcome);
        Assert.Equal(1, (await Store.GetCountersAsync(Tenant, new ContributionId("c1"))).Helpful);
        Assert.Single(await ToListAsync(Store.ListInteractionsAsync(Tenant, new ContributionId("c1"))));
    }

    [Fact]
    public async Task A_changed_vote_replaces_the_old_one()
    {
        await SeedAsync();
        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful));
        var changed = await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.NotHelpful));

        Assert.Equal(InteractionOutcome.Replaced, changed.Outcome);
        var counters = await Store.GetCountersAsync(Tenant, new ContributionId("c1"));
        Assert.Equal((0L, 1L), (counters.Helpful, counters.NotHelpful));
    }

    [Fact]
    public async Task Votes_of_different_learners_all_count()
    {
        await SeedAsync();
        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful));
        await Store.AppendInteractionAsync(NewInteraction("c1", "bob", InteractionKind.Helpful));
        Assert.Equal(2, (await Store.GetCountersAsync(Tenant, new ContributionId("c1"))).Helpful);
    }

    [Fact]
    public async Task Views_and_shares_count_every_time()
    {
        await SeedAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(InteractionOutcome.Recorded, (await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Viewed))).Outcome);
        }

        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Shared));
        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Shared));
        var counters = await Store.GetCountersAsync(Tenant, new ContributionId("c1"));
        Assert.Equal((3L, 2L), (counters.Views, counters.Shares));
    }

    [Fact]
    public async Task Save_dismiss_endorse_flag_and_accept_are_each_once_per_learner()
    {
        await SeedAsync();
        var kinds = new[] { InteractionKind.Saved, InteractionKind.Dismissed, InteractionKind.Endorsed, InteractionKind.Flagged, InteractionKind.Accepted };
        foreach (var kind in kinds)
        {
            await Store.AppendInteractionAsync(NewInteraction("c1", "ada", kind));
            Assert.Equal(InteractionOutcome.AlreadyRecorded, (await Store.AppendInteractionAsync(NewInteraction("c1", "ada", kind))).Outcome);
        }

        var counters = await Store.GetCountersAsync(Tenant, new ContributionId("c1"));
        Assert.All(kinds, k => Assert.Equal(1, counters.Get(k)));
        Assert.Equal(0, counters.Helpful);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_is_not_counted_again()
    {
        await SeedAsync();
        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Viewed), "view-1");
        var retry = await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Viewed), "view-1");

        Assert.Equal(InteractionOutcome.AlreadyRecorded, retry.Outcome);
        Assert.Equal(1, retry.Counters.Views);
        Assert.Single(await ReadAllChangesAsync(Tenant), c => c.Kind == ChangeKind.InteractionRecorded);
    }

    [Fact]
    public async Task An_interaction_with_an_unknown_contribution_or_learner_fails_with_EntityNotFoundException()
    {
        await SeedAsync();
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.AppendInteractionAsync(NewInteraction("missing", "ada", InteractionKind.Helpful)));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.AppendInteractionAsync(NewInteraction("c1", "ghost", InteractionKind.Helpful)));
        Assert.Equal(ContributionCounters.Zero, await Store.GetCountersAsync(Tenant, new ContributionId("c1")));
    }

    [Fact]
    public async Task Counters_of_an_unknown_contribution_fail_with_EntityNotFoundException()
    {
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.GetCountersAsync(Tenant, new ContributionId("missing")));
    }

    [Fact]
    public async Task Interactions_are_listed_in_append_order_and_filter_by_contribution_and_learner()
    {
        await SeedAsync();
        await SeedContributionAsync("c2");
        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Viewed));
        await Store.AppendInteractionAsync(NewInteraction("c2", "ada", InteractionKind.Saved));
        await Store.AppendInteractionAsync(NewInteraction("c1", "bob", InteractionKind.Helpful) with { Note = "clear and short" });

        var all = await ToListAsync(Store.ListInteractionsAsync(Tenant));
        Assert.Equal([InteractionKind.Viewed, InteractionKind.Saved, InteractionKind.Helpful], all.Select(i => i.Kind));
        Assert.Equal("clear and short", all[2].Note);
        Assert.Equal(2, (await ToListAsync(Store.ListInteractionsAsync(Tenant, contribution: new ContributionId("c1")))).Count);
        Assert.Equal(2, (await ToListAsync(Store.ListInteractionsAsync(Tenant, learner: new LearnerId("ada")))).Count);
        Assert.Single(await ToListAsync(Store.ListInteractionsAsync(Tenant, new ContributionId("c1"), new LearnerId("ada"))));
    }
}
