using Xunit;

namespace SocialLearning.Testing.Storage;

/// <summary>Exact results under concurrent writers.</summary>
public abstract class ConcurrencyConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    /// <summary>How many concurrent voters the vote tests use (at least 32).</summary>
    protected virtual int Voters => 48;

    [Fact]
    public async Task Concurrent_voters_give_exact_counts()
    {
        await SeedContributionAsync("c1");
        for (var i = 0; i < Voters; i++)
        {
            await SeedLearnerAsync("v" + i);
        }

        var tasks = Enumerable.Range(0, Voters).Select(i => Task.Run(() =>
            Store.AppendInteractionAsync(NewInteraction("c1", "v" + i, i % 4 == 0 ? InteractionKind.NotHelpful : InteractionKind.Helpful)))).ToArray();
        var results = await Task.WhenAll(tasks);

        var expectedNotHelpful = Enumerable.Range(0, Voters).Count(i => i % 4 == 0);
        Assert.All(results, r => Assert.Equal(InteractionOutcome.Recorded, r.Outcome));
        var counters = await Store.GetCountersAsync(Tenant, new ContributionId("c1"));
        Assert.Equal(Voters - expectedNotHelpful, counters.Helpful);
        Assert.Equal(expectedNotHelpful, counters.NotHelpful);
        Assert.Equal(Voters, (await ToListAsync(Store.ListInteractionsAsync(Tenant, new ContributionId("c1")))).Count);
    }

    [Fact]
    public async Task One_learner_voting_many_times_at_once_counts_once()
    {
        await SeedContributionAsync("c1");
        await SeedLearnerAsync("ada");

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() =>
            Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful)))));

        Assert.Single(results, r => r.Outcome == InteractionOutcome.Recorded);
        Assert.Equal(1, (await Store.GetCountersAsync(Tenant, new ContributionId("c1"))).Helpful);
        Assert.Single(await ToListAsync(Store.ListInteractionsAsync(Tenant, new ContributionId("c1"))));
    }

    [Fact]
    public async Task Concurrent_voters_changing_their_votes_leave_counts_that_match_the_final_votes()
    {
        await SeedContributionAsync("c1");
        const int voters = 32;
        for (var i = 0; i < voters; i++)
        {
            await SeedLearnerAsync("v" + i);
        }

        await Task.WhenAll(Enumerable.Range(0, voters).Select(i => Task.Run(async () =>
        {
            for (var round = 0; round < 5; round++)
            {
                var kind = (i + round) % 2 == 0 ? InteractionKind.Helpful : InteractionKind.NotHelpful;
                await Store.AppendInteractionAsync(NewInteraction("c1", "v" + i, kind));
            }
        })));

        // Round 4 is each voter's last: helpful when (i + 4) is even.
        var expectedHelpful = Enumerable.Range(0, voters).Count(i => (i + 4) % 2 == 0);
        var counters = await Store.GetCountersAsync(Tenant, new ContributionId("c1"));
        Assert.Equal(expectedHelpful, counters.Helpful);
        Assert.Equal(voters - expectedHelpful, counters.NotHelpful);
    }

    [Fact]
    public async Task Concurrent_updates_from_the_same_version_let_exactly_one_win()
    {
        var v1 = await SeedContributionAsync("c1");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.UpdateContributionAsync(v1 with { Title = "Edit " + i }, 1);
                return true;
            }
            catch (VersionConflictException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
        Assert.Equal(2, (await Store.GetContributionAsync(Tenant, v1.Id))!.Version);
        Assert.Equal(2, (await ToListAsync(Store.ListRevisionsAsync(Tenant, v1.Id))).Count);
    }

    [Fact]
    public async Task Concurrent_creates_with_one_idempotency_key_store_one_record_and_return_it_to_all()
    {
        await SeedLearnerAsync("author");
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
            Store.CreateContributionAsync(NewContribution(Tenant, "c1", "author"), "retry-key"))));

        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Single(await ToListAsync(Store.ListContributionsAsync(Tenant)));
        Assert.Single(await ReadAllChangesAsync(Tenant), c => c.Kind == ChangeKind.ContributionCreated);
    }

    [Fact]
    public async Task Concurrent_creates_of_one_id_let_exactly_one_succeed()
    {
        await SeedLearnerAsync("author");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Store.CreateContributionAsync(NewContribution(Tenant, "c1", "author"));
                return true;
            }
            catch (DuplicateEntityException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, ok => ok);
    }
}
