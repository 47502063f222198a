using Xunit;

namespace SocialLearning.Testing.Storage.Optional;

/// <summary>
/// For a store that implements <see cref="ISkillGraphBatchWriter"/> (optional, so this suite lives outside the namespace
/// <see cref="ConformanceSuiteGuard"/> requires): one transaction, one change per write in order, all or nothing, the
/// tenant wall. Subclass it in the store's test project when the store implements the interface.
/// </summary>
/// <typeparam name="TFactory">Creates the store under test.</typeparam>
public abstract class SkillGraphBatchWriterConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    private ISkillGraphBatchWriter Batch => Store as ISkillGraphBatchWriter
        ?? throw new Xunit.Sdk.XunitException($"{Store.GetType().Name} does not implement ISkillGraphBatchWriter; run this suite only for a store that does.");

    private SkillEdge Edge(string from, string to, SkillEdgeKind kind = SkillEdgeKind.Related, double weight = 0.5, TenantId? tenant = null) =>
        new() { Tenant = tenant ?? Tenant, From = new SkillId(from), To = new SkillId(to), Kind = kind, Weight = weight };

    /// <summary>Skills and edges are stored as given, an existing edge is skipped, and the feed has one change per write in order.</summary>
    [Fact]
    public async Task A_batch_creates_the_skills_then_adds_the_new_edges_with_one_change_each_in_order()
    {
        await SeedSkillAsync("old");
        await SeedSkillAsync("old2");
        await Store.AddSkillEdgeAsync(Edge("old", "old2", SkillEdgeKind.Broader));
        var head = await Store.GetHeadPositionAsync();

        var added = await Batch.AddSkillGraphAsync(Tenant, [NewSkill(Tenant, "a"), NewSkill(Tenant, "b")], [Edge("a", "b"), Edge("b", "old", SkillEdgeKind.Prerequisite, 1), Edge("old", "old2", SkillEdgeKind.Broader)]);

        Assert.Equal(2, added);
        var a = await Store.GetSkillAsync(Tenant, new SkillId("a"));
        Assert.Equal(NewSkill(Tenant, "a") with { Version = 1 }, a);
        var edges = await ToListAsync(Store.ListSkillEdgesAsync(Tenant));
        Assert.Contains(edges, e => e.From == new SkillId("a") && e.To == new SkillId("b") && e.Kind == SkillEdgeKind.Related && e.Weight == 0.5);
        Assert.Equal(3, edges.Count);
        var changes = await ReadAllChangesAsync(Tenant, head);
        Assert.Equal(
            ["SkillCreated a", "SkillCreated b", "SkillEdgeAdded a|b|Related", "SkillEdgeAdded b|old|Prerequisite"],
            changes.Select(c => $"{c.Kind} {c.EntityId}"));
    }

    /// <summary>A skill that exists fails the whole batch with <see cref="DuplicateEntityException"/>.</summary>
    [Fact]
    public async Task A_skill_that_exists_fails_the_whole_batch()
    {
        await SeedSkillAsync("taken");
        var before = (await ReadAllChangesAsync(Tenant)).Count; // the tenant's feed: other tests may share the store

        await Assert.ThrowsAsync<DuplicateEntityException>(() => Batch.AddSkillGraphAsync(Tenant, [NewSkill(Tenant, "fresh"), NewSkill(Tenant, "taken")], [Edge("fresh", "taken")]));

        Assert.Null(await Store.GetSkillAsync(Tenant, new SkillId("fresh")));
        Assert.Empty(await ToListAsync(Store.ListSkillEdgesAsync(Tenant)));
        Assert.Equal(before, (await ReadAllChangesAsync(Tenant)).Count);
    }

    /// <summary>An edge to a skill the tenant does not have (another tenant's included) fails the whole batch naming the edge.</summary>
    [Fact]
    public async Task An_edge_to_a_skill_the_tenant_lacks_fails_the_whole_batch_naming_it()
    {
        await SeedSkillAsync("theirs", OtherTenant);
        var before = (await ReadAllChangesAsync(Tenant)).Count;

        var missing = await Assert.ThrowsAsync<EntityNotFoundException>(() => Batch.AddSkillGraphAsync(Tenant, [NewSkill(Tenant, "mine")], [Edge("mine", "mine2"), Edge("mine", "theirs")]));
        var across = await Assert.ThrowsAsync<EntityNotFoundException>(() => Batch.AddSkillGraphAsync(Tenant, [NewSkill(Tenant, "mine")], [Edge("mine", "theirs")]));

        Assert.Equal(("mine2", "edges[0].To"), (missing.Id, missing.Field));
        Assert.Equal(("theirs", "edges[0].To"), (across.Id, across.Field));
        Assert.Null(await Store.GetSkillAsync(Tenant, new SkillId("mine")));
        Assert.Equal(before, (await ReadAllChangesAsync(Tenant)).Count);
        Assert.Empty(await ToListAsync(Store.ListSkillEdgesAsync(OtherTenant)));
    }

    /// <summary>Entries of another tenant and an id twice in one batch are argument errors naming the entry.</summary>
    [Fact]
    public async Task Another_tenants_entry_or_an_id_twice_is_refused_naming_it()
    {
        var other = await Assert.ThrowsAsync<ArgumentException>(() => Batch.AddSkillGraphAsync(Tenant, [NewSkill(Tenant, "a"), NewSkill(OtherTenant, "b")], []));
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => Batch.AddSkillGraphAsync(Tenant, [NewSkill(Tenant, "a"), NewSkill(Tenant, "a")], []));
        var edge = await Assert.ThrowsAsync<ArgumentException>(() => Batch.AddSkillGraphAsync(Tenant, [NewSkill(Tenant, "a")], [Edge("a", "a", tenant: OtherTenant)]));

        Assert.Equal(("skills[1]", "skills[1]", "edges[0]"), (other.ParamName, twice.ParamName, edge.ParamName));
        Assert.Empty(await ToListAsync(Store.ListSkillsAsync(Tenant)));
    }
}
