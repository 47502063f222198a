using Xunit;

namespace SocialLearning.Testing.Storage;

/// <summary>A record of one tenant is invisible to another through every method.</summary>
public abstract class TenantIsolationConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    private async Task SeedTenantAAsync()
    {
        await SeedContributionAsync("c1", "author");
        await SeedLearnerAsync("ada");
        await SeedSkillAsync("s1");
        await SeedSkillAsync("s2");
        await Store.AddSkillEdgeAsync(new SkillEdge { Tenant = Tenant, From = new SkillId("s1"), To = new SkillId("s2"), Kind = SkillEdgeKind.Prerequisite });
        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful));
        await Store.AppendEvidenceAsync(new ProficiencyEvidence { Tenant = Tenant, Learner = new LearnerId("ada"), Skill = new SkillId("s1"), Source = EvidenceSource.Self, Level = 1, ObservedAt = T0 });
    }

    [Fact]
    public async Task Gets_of_another_tenants_ids_return_null()
    {
        await SeedTenantAAsync();
        Assert.Null(await Store.GetLearnerAsync(OtherTenant, new LearnerId("ada")));
        Assert.Null(await Store.GetSkillAsync(OtherTenant, new SkillId("s1")));
        Assert.Null(await Store.GetContributionAsync(OtherTenant, new ContributionId("c1")));
    }

    [Fact]
    public async Task Lists_of_another_tenant_are_empty()
    {
        await SeedTenantAAsync();
        Assert.Empty(await ToListAsync(Store.ListLearnersAsync(OtherTenant)));
        Assert.Empty(await ToListAsync(Store.ListSkillsAsync(OtherTenant)));
        Assert.Empty(await ToListAsync(Store.ListSkillEdgesAsync(OtherTenant)));
        Assert.Empty(await ToListAsync(Store.ListContributionsAsync(OtherTenant)));
        Assert.Empty(await ToListAsync(Store.ListInteractionsAsync(OtherTenant)));
        Assert.Empty(await ToListAsync(Store.ListInteractionsAsync(OtherTenant, new ContributionId("c1"))));
        Assert.Empty(await ToListAsync(Store.ListEvidenceAsync(OtherTenant)));
        Assert.Empty(await ToListAsync(Store.ListEvidenceAsync(OtherTenant, new LearnerId("ada"))));
    }

    [Fact]
    public async Task Counters_and_revisions_of_another_tenants_contribution_are_not_found()
    {
        await SeedTenantAAsync();
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.GetCountersAsync(OtherTenant, new ContributionId("c1")));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => ToListAsync(Store.ListRevisionsAsync(OtherTenant, new ContributionId("c1"))));
    }

    [Fact]
    public async Task Writes_that_name_another_tenants_ids_are_not_found_and_change_nothing()
    {
        await SeedTenantAAsync();
        await Store.CreateLearnerAsync(NewLearner(OtherTenant, "mallory"));

        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.AppendInteractionAsync(NewInteraction("c1", "mallory", InteractionKind.NotHelpful, OtherTenant)));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.UpdateContributionAsync(NewContribution(OtherTenant, "c1", "mallory"), 1));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.UpdateLearnerAsync(NewLearner(OtherTenant, "ada"), 1));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.UpdateSkillAsync(NewSkill(OtherTenant, "s1"), 1));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.AddSkillEdgeAsync(new SkillEdge { Tenant = OtherTenant, From = new SkillId("s1"), To = new SkillId("s2"), Kind = SkillEdgeKind.Related }));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.CreateContributionAsync(NewContribution(OtherTenant, "c9", "author")));
        Assert.False(await Store.RemoveSkillEdgeAsync(OtherTenant, new SkillId("s1"), new SkillId("s2"), SkillEdgeKind.Prerequisite));

        var counters = await Store.GetCountersAsync(Tenant, new ContributionId("c1"));
        Assert.Equal((1L, 0L), (counters.Helpful, counters.NotHelpful));
        Assert.Single(await ToListAsync(Store.ListSkillEdgesAsync(Tenant)));
        Assert.Equal(1, (await Store.GetContributionAsync(Tenant, new ContributionId("c1")))!.Version);
    }

    [Fact]
    public async Task Two_tenants_can_use_the_same_ids_independently()
    {
        await SeedContributionAsync("c1", "author");
        await SeedContributionAsync("c1", "author", OtherTenant);
        await SeedLearnerAsync("ada");
        await Store.AppendInteractionAsync(NewInteraction("c1", "ada", InteractionKind.Helpful));

        Assert.Equal(1, (await Store.GetCountersAsync(Tenant, new ContributionId("c1"))).Helpful);
        Assert.Equal(0, (await Store.GetCountersAsync(OtherTenant, new ContributionId("c1"))).Helpful);
    }

    [Fact]
    public async Task The_feed_filtered_by_tenant_holds_only_that_tenants_changes()
    {
        await SeedTenantAAsync();
        await SeedLearnerAsync("b1", OtherTenant);

        var other = await ReadAllChangesAsync(OtherTenant);
        var mine = await ReadAllChangesAsync(Tenant);
        Assert.Equal(ChangeKind.LearnerCreated, Assert.Single(other).Kind);
        Assert.All(mine, c => Assert.Equal(Tenant, c.Tenant));
        Assert.Equal(8, mine.Count);
    }

    [Fact]
    public async Task Idempotency_keys_are_scoped_by_tenant()
    {
        var a = await Store.CreateLearnerAsync(NewLearner(Tenant, "ada"), "same-key");
        var b = await Store.CreateLearnerAsync(NewLearner(OtherTenant, "bob"), "same-key");

        Assert.Equal(new LearnerId("ada"), a.Id);
        Assert.Equal(new LearnerId("bob"), b.Id);
        Assert.NotNull(await Store.GetLearnerAsync(OtherTenant, new LearnerId("bob")));
    }
}
