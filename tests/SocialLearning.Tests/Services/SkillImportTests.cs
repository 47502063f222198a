using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Storage;

namespace SocialLearning.Tests.Services;

public sealed class SkillImportTests
{
    private static SkillDefinition Skill(string id, string? name = null, params string[] aliases) =>
        new() { Id = new SkillId(id), Name = name ?? "Skill " + id, Aliases = aliases };

    private static SkillEdgeDefinition Edge(string from, string to, SkillEdgeKind kind = SkillEdgeKind.Related, double weight = 1.0) =>
        new() { From = new SkillId(from), To = new SkillId(to), Kind = kind, Weight = weight };

    private static SkillDefinition[] Taxonomy(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Skill($"s{i:D4}", $"Skill {i}", $"alias {i}"))];

    [Fact]
    public async Task An_import_creates_the_skills_and_edges_and_says_so()
    {
        using var host = await TestHost.CreateAsync();
        var skills = Taxonomy(300);
        SkillEdgeDefinition[] edges = [.. Enumerable.Range(1, 299).Select(i => Edge($"s{i:D4}", $"s{i - 1:D4}", SkillEdgeKind.Broader))];

        var result = await host.Skills.ImportAsync(host.Tenant, skills, [.. edges, Edge("s0001", "invoicing", SkillEdgeKind.Prerequisite)]);

        Assert.Equal(new SkillImportResult { SkillsCreated = 300, SkillsUpdated = 0, SkillsUnchanged = 0, EdgesAdded = 300, EdgesUpdated = 0, EdgesUnchanged = 0 }, result);
        var graph = await host.Skills.GetGraphAsync(host.Tenant);
        Assert.Equal(301, graph.Skills.Count); // and "invoicing", which the test host defined
        Assert.Equal(["alias 42"], graph.Skills.Single(s => s.Id == new SkillId("s0042")).Aliases);
        Assert.Equal(300, graph.Edges.Count);
        Assert.Contains(graph.Edges, e => e.From == new SkillId("s0001") && e.To == new SkillId("invoicing") && e.Kind == SkillEdgeKind.Prerequisite);
        Assert.All(graph.Skills, s => Assert.Equal(1, s.Version));
    }

    [Fact]
    public async Task Running_the_same_import_again_writes_nothing()
    {
        using var host = await TestHost.CreateAsync();
        var skills = Taxonomy(50);
        SkillEdgeDefinition[] edges = [Edge("s0001", "s0002", weight: 0.5), Edge("s0002", "s0003", SkillEdgeKind.Prerequisite)];
        await host.Skills.ImportAsync(host.Tenant, skills, edges);
        var head = await host.Store.GetHeadPositionAsync();

        var again = await host.Skills.ImportAsync(host.Tenant, skills, edges);

        Assert.Equal(new SkillImportResult { SkillsCreated = 0, SkillsUpdated = 0, SkillsUnchanged = 50, EdgesAdded = 0, EdgesUpdated = 0, EdgesUnchanged = 2 }, again);
        Assert.Equal(head, await host.Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task A_changed_skill_is_updated_a_changed_weight_replaced_and_what_the_import_omits_kept()
    {
        using var host = await TestHost.CreateAsync();
        await host.Skills.ImportAsync(host.Tenant, [Skill("a"), Skill("b"), Skill("c")], [Edge("a", "b", weight: 0.5), Edge("b", "c")]);

        var result = await host.Skills.ImportAsync(
            host.Tenant,
            [Skill("a", "Alpha", "first"), Skill("b"), Skill("d")],
            [Edge("a", "b", weight: 0.25), Edge("c", "d")]);

        Assert.Equal(new SkillImportResult { SkillsCreated = 1, SkillsUpdated = 1, SkillsUnchanged = 1, EdgesAdded = 1, EdgesUpdated = 1, EdgesUnchanged = 0 }, result);
        var graph = await host.Skills.GetGraphAsync(host.Tenant);
        var a = graph.Skills.Single(s => s.Id == new SkillId("a"));
        Assert.Equal(("Alpha", 2L), (a.Name, a.Version));
        Assert.Equal(["first"], a.Aliases);
        Assert.Contains(graph.Skills, s => s.Id == new SkillId("c")); // not in the second import, still there
        Assert.Equal(0.25, graph.Edges.Single(e => e.From == new SkillId("a")).Weight);
        Assert.Contains(graph.Edges, e => e.From == new SkillId("b") && e.To == new SkillId("c"));
        Assert.Equal(3, graph.Edges.Count);
    }

    public static TheoryData<string, string> BadImports => new()
    {
        { "empty name", "skills[1].Name" },
        { "long alias", "skills[1].Aliases[0]" },
        { "long description", "skills[1].Description" },
        { "same id twice", "skills[2].Id" },
        { "null skill", "skills[1]" },
        { "self edge", "edges[1].To" },
        { "weight 0", "edges[1].Weight" },
        { "weight NaN", "edges[1].Weight" },
        { "undefined kind", "edges[1].Kind" },
        { "same edge twice", "edges[1]" },
        { "null edge", "edges[1]" },
    };

    [Theory]
    [MemberData(nameof(BadImports))]
    public async Task A_bad_entry_is_named_and_nothing_is_written(string fault, string field)
    {
        using var host = await TestHost.CreateAsync();
        List<SkillDefinition> skills = [Skill("a"), Skill("b"), Skill("c")];
        List<SkillEdgeDefinition> edges = [Edge("a", "b"), Edge("b", "c")];
        switch (fault)
        {
            case "empty name": skills[1] = skills[1] with { Name = "  " }; break;
            case "long alias": skills[1] = skills[1] with { Aliases = [new string('x', 201)] }; break;
            case "long description": skills[1] = skills[1] with { Description = new string('x', 4_001) }; break;
            case "same id twice": skills[2] = skills[0] with { Name = "Again" }; break;
            case "null skill": skills[1] = null!; break;
            case "self edge": edges[1] = Edge("c", "c"); break;
            case "weight 0": edges[1] = edges[1] with { Weight = 0 }; break;
            case "weight NaN": edges[1] = edges[1] with { Weight = double.NaN }; break;
            case "undefined kind": edges[1] = edges[1] with { Kind = (SkillEdgeKind)99 }; break;
            case "same edge twice": edges[1] = edges[0] with { Weight = 0.5 }; break;
            case "null edge": edges[1] = null!; break;
        }

        var head = await host.Store.GetHeadPositionAsync();
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => host.Skills.ImportAsync(host.Tenant, skills, edges));

        Assert.Equal(field, e.ParamName);
        Assert.Contains(field.Split('.')[0], e.Message, StringComparison.Ordinal);
        Assert.Equal(head, await host.Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task An_edge_to_a_skill_neither_imported_nor_stored_is_not_found_naming_its_end()
    {
        using var host = await TestHost.CreateAsync();
        var head = await host.Store.GetHeadPositionAsync();

        var e = await Assert.ThrowsAsync<EntityNotFoundException>(() =>
            host.Skills.ImportAsync(host.Tenant, [Skill("a")], [Edge("a", "invoicing"), Edge("a", "nowhere")]));

        Assert.Equal(("edges[1].To", "nowhere"), (e.Field, e.Id));
        Assert.Equal(head, await host.Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Prerequisites_that_close_a_cycle_with_each_other_or_with_stored_ones_are_refused_before_writing()
    {
        using var host = await TestHost.CreateAsync();
        var P = SkillEdgeKind.Prerequisite;
        var inImport = await Assert.ThrowsAsync<SkillGraphCycleException>(() =>
            host.Skills.ImportAsync(host.Tenant, [Skill("a"), Skill("b"), Skill("c")], [Edge("a", "b", P), Edge("b", "c", P), Edge("c", "a", P)]));
        Assert.Equal(4, inImport.Cycle.Count);
        Assert.Equal(inImport.Cycle[0], inImport.Cycle[^1]);
        Assert.Equal(3, inImport.Cycle.Distinct().Count());

        await host.Skills.ImportAsync(host.Tenant, [Skill("a"), Skill("b")], [Edge("a", "b", P)]);
        var head = await host.Store.GetHeadPositionAsync();
        var withStored = await Assert.ThrowsAsync<SkillGraphCycleException>(() =>
            host.Skills.ImportAsync(host.Tenant, [Skill("c")], [Edge("b", "c", P), Edge("c", "a", P), Edge("c", "invoicing", SkillEdgeKind.Related)]));
        string[] prerequisites = ["a>b", "b>c", "c>a"];
        Assert.Equal(4, withStored.Cycle.Count);
        Assert.All(withStored.Cycle.Zip(withStored.Cycle.Skip(1)), step => Assert.Contains($"{step.First}>{step.Second}", prerequisites));
        Assert.Equal(head, await host.Store.GetHeadPositionAsync());

        // The same edges as Related are no cycle.
        var related = await host.Skills.ImportAsync(host.Tenant, [Skill("c")], [Edge("b", "c", P), Edge("c", "a")]);
        Assert.Equal(2, related.EdgesAdded);
    }

    [Fact]
    public async Task An_import_honours_cancellation()
    {
        using var host = await TestHost.CreateAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var head = await host.Store.GetHeadPositionAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Skills.ImportAsync(host.Tenant, Taxonomy(10), [], cancelled.Token));

        Assert.Equal(head, await host.Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Imported_aliases_resolve_a_share_and_complete_a_search()
    {
        using var host = await TestHost.CreateAsync();
        await host.Skills.ImportAsync(host.Tenant, [Skill("esco-0a1b", "manage budgets", "budgeting", "budget control")]);

        var tip = await host.Contributions.ShareAsync(host.Tip("Plan the quarter", "Budget control"));

        Assert.Equal([new SkillId("esco-0a1b")], tip.Skills);
        Assert.Equal("esco-0a1b", Assert.Single(await host.Skills.FindAsync(host.Tenant, "budg")).Id.Value);
    }

    [Fact]
    public async Task A_store_failure_midway_stops_the_import_with_that_error_and_the_next_run_finishes_it()
    {
        var inner = new InMemorySocialLearningStore();
        var tenant = new TenantId("taxonomy");
        var skills = Taxonomy(500);
        SkillEdgeDefinition[] edges = [.. Enumerable.Range(1, 499).Select(i => Edge($"s{i:D4}", $"s{i - 1:D4}", SkillEdgeKind.Broader))];
        var (failing, control) = SlowStore.Wrap(inner);
        var services = new ServiceCollection();
        services.AddSocialLearning();
        services.AddSingleton(failing);
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<ISkillService>();
        control.FailAfterCreates = 100;

        var e = await Assert.ThrowsAsync<SocialLearningStorageException>(() => service.ImportAsync(tenant, skills, edges));

        Assert.Equal("disk full", e.Message);
        Assert.True(control.MaxInFlight > 1, $"writes should overlap; at most {control.MaxInFlight} did");
        var written = inner.ListSkillsAsync(tenant).ToBlockingEnumerable().Count();
        Assert.Equal(100, written); // the 100 started before the failing one finish; none starts after it
        Assert.Empty(inner.ListSkillEdgesAsync(tenant).ToBlockingEnumerable());
        Assert.Equal(0, control.InFlight);

        control.FailAfterCreates = int.MaxValue;
        var finished = await service.ImportAsync(tenant, skills, edges);
        Assert.Equal((500 - written, written, 499), (finished.SkillsCreated, finished.SkillsUnchanged, finished.EdgesAdded));
        Assert.True(control.MaxInFlight <= 64, $"at most 64 writes at once; {control.MaxInFlight} were");
    }

    [Fact]
    public async Task An_import_sees_a_prerequisite_added_while_it_waited_for_the_edge_gate()
    {
        var inner = new InMemorySocialLearningStore();
        var tenant = new TenantId("race");
        var (slow, _) = SlowStore.Wrap(inner);
        var services = new ServiceCollection();
        services.AddSocialLearning();
        services.AddSingleton(slow);
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<ISkillService>();
        await service.ImportAsync(tenant, [Skill("a"), Skill("b"), Skill("c")]);

        // The add holds the gate while its (slow) write is in flight; the import must read the stored edges after it.
        var add = service.AddEdgeAsync(tenant, new SkillId("c"), new SkillId("a"), SkillEdgeKind.Prerequisite);
        var import = service.ImportAsync(tenant, [], [Edge("a", "b", SkillEdgeKind.Prerequisite), Edge("b", "c", SkillEdgeKind.Prerequisite)]);

        Assert.True(await add);
        await Assert.ThrowsAsync<SkillGraphCycleException>(() => import);
        Assert.Single(inner.ListSkillEdgesAsync(tenant).ToBlockingEnumerable());
    }

    [Fact]
    public async Task An_import_logs_what_it_wrote_once()
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddSocialLearning().UseInMemoryStorage();
        await using var provider = services.BuildServiceProvider();
        var tenant = new TenantId("logged");

        await provider.GetRequiredService<ISkillService>().ImportAsync(tenant, [Skill("a"), Skill("b")], [Edge("a", "b")]);

        var entry = Assert.Single(provider.GetFakeLogCollector().GetSnapshot(), r => r.Category == typeof(SocialLearning.Services.SkillService).FullName);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, entry.Level);
        Assert.Equal("Skill graph imported into tenant logged: skills 2 created, 0 updated, 0 unchanged; edges 1 added, 0 updated, 0 unchanged", entry.Message);
    }

    [Fact]
    public async Task A_store_that_takes_batches_gets_new_skills_and_edges_2000_at_a_time_and_a_skill_created_meanwhile_is_written_alone()
    {
        var inner = new InMemorySocialLearningStore();
        var tenant = new TenantId("batched");
        var store = BatchingStore.Wrap(inner);
        var control = (BatchingStore)(object)store;
        var services = new ServiceCollection();
        services.AddSocialLearning();
        services.AddSingleton(store);
        await using var provider = services.BuildServiceProvider();
        var skills = Taxonomy(4_500);
        SkillEdgeDefinition[] edges = [.. Enumerable.Range(1, 2_500).Select(i => Edge($"s{i:D4}", $"s{i - 1:D4}", SkillEdgeKind.Broader))];

        // Another writer creates s0007 (with another name) just before the first batch arrives.
        control.BeforeFirstBatch = () => inner.CreateSkillAsync(new Skill { Tenant = tenant, Id = new SkillId("s0007"), Name = "Created meanwhile", CreatedAt = DateTimeOffset.UnixEpoch });
        var result = await provider.GetRequiredService<ISkillService>().ImportAsync(tenant, skills, edges);

        Assert.Equal(["skills 2000", "skills 2000", "skills 500", "edges 2000", "edges 500"], control.Batches);
        Assert.Equal(2_000, control.SingleCreates); // the first batch failed whole and went one by one (s0007's create failed, then it was updated)
        Assert.Equal(new SkillImportResult { SkillsCreated = 4_499, SkillsUpdated = 1, SkillsUnchanged = 0, EdgesAdded = 2_500, EdgesUpdated = 0, EdgesUnchanged = 0 }, result);
        Assert.Equal("Skill 7", (await inner.GetSkillAsync(tenant, new SkillId("s0007")))!.Name);
        Assert.Equal(4_500, inner.ListSkillsAsync(tenant).ToBlockingEnumerable().Count());
    }

    [Fact]
    public void FindCycle_walks_a_long_chain_without_recursion_and_finds_a_back_edge()
    {
        var ids = Enumerable.Range(0, 200_000).Select(i => new SkillId($"n{i}")).ToArray();
        var chain = Enumerable.Range(1, ids.Length - 1).Select(i => (ids[i - 1], ids[i])).ToList();

        Assert.Null(SkillGraphAlgorithms.FindCycle(chain));

        chain.Add((ids[^1], ids[100_000]));
        var cycle = SkillGraphAlgorithms.FindCycle(chain);
        Assert.NotNull(cycle);
        Assert.Equal(100_001, cycle.Count);
        Assert.Equal((ids[100_000], ids[100_000]), (cycle[0], cycle[^1]));
    }

    /// <summary>A store whose skill and edge writes finish asynchronously, counting how many overlap, and can fail.</summary>
    public class SlowStore : StoreProxy
    {
        private int _creates;
        private int _inFlight;

        public int FailAfterCreates { get; set; } = int.MaxValue;

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MaxInFlight { get; private set; }

        public static (ISocialLearningStore Store, SlowStore Control) Wrap(ISocialLearningStore inner) => Wrap<SlowStore>(inner);

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            var name = targetMethod!.Name;
            if (name is nameof(ISocialLearningStore.CreateSkillAsync))
            {
                // One write fails, at once (so no later write can start before the import sees it); the ones after it
                // would succeed, so only stopping after a failure keeps them out.
                if (Interlocked.Increment(ref _creates) == FailAfterCreates + 1L)
                {
                    return Task.FromException<Skill>(new SocialLearningStorageException("disk full"));
                }

                return Slow(() => Inner.CreateSkillAsync((Skill)args![0]!, (string?)args[1], (CancellationToken)args[2]!));
            }

            if (name is nameof(ISocialLearningStore.AddSkillEdgeAsync))
            {
                return Slow(() => Inner.AddSkillEdgeAsync((SkillEdge)args![0]!, (CancellationToken)args[1]!));
            }

            return Forward(targetMethod, args);
        }

        private async Task<T> Slow<T>(Func<Task<T>> write)
        {
            var now = Interlocked.Increment(ref _inFlight);
            lock (this)
            {
                MaxInFlight = Math.Max(MaxInFlight, now);
            }

            try
            {
                await Task.Delay(1);
                return await write();
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    /// <summary>A store that takes batches (it implements <see cref="ISkillGraphBatchWriter"/>) and records them.</summary>
    public class BatchingStore : StoreProxy, ISkillGraphBatchWriter
    {
        public List<string> Batches { get; } = [];

        public int SingleCreates { get; private set; }

        public Func<Task>? BeforeFirstBatch { get; set; }

        public static ISocialLearningStore Wrap(InMemorySocialLearningStore inner) => Wrap<BatchingStore>(inner).Store;

        public async Task<int> AddSkillGraphAsync(TenantId tenant, IReadOnlyList<Skill> skills, IReadOnlyList<SkillEdge> edges, CancellationToken cancellationToken = default)
        {
            lock (Batches)
            {
                Batches.Add(skills.Count > 0 ? $"skills {skills.Count}" : $"edges {edges.Count}");
            }

            if (BeforeFirstBatch is { } before)
            {
                BeforeFirstBatch = null;
                await before();
            }

            return await ((ISkillGraphBatchWriter)Inner).AddSkillGraphAsync(tenant, skills, edges, cancellationToken);
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(ISocialLearningStore.CreateSkillAsync))
            {
                lock (Batches)
                {
                    SingleCreates++;
                }
            }

            return Forward(targetMethod, args);
        }
    }
}
