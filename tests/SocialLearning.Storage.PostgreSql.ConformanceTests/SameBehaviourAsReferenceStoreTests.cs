using System.Text.Json;
using SocialLearning.Storage;

namespace SocialLearning.Storage.PostgreSql.ConformanceTests;

/// <summary>
/// Differential test: the same random sequence of operations (valid and invalid, with idempotency keys, stale versions,
/// repeated votes, unknown ids, tenant-filtered feed pages) runs against the in-memory reference store and the
/// PostgreSQL store; every result, exception type and listing must be identical.
/// </summary>
public sealed class SameBehaviourAsReferenceStoreTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly FreshSchemaStoreFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Random_operation_sequences_give_the_same_results_as_the_in_memory_store(int seed)
    {
        var reference = new InMemorySocialLearningStore();
        var store = _factory.Create();
        var random = new Random(seed);
        var log = new List<string>();
        for (var step = 0; step < 600; step++)
        {
            var op = RandomOperation(random);
            var expected = await Outcome(() => op.Run(reference));
            var actual = await Outcome(() => op.Run(store));
            log.Add($"{step}: {op.Name} -> {expected}");
            Assert.True(expected == actual, $"Step {step} ({op.Name}) differs.\nreference: {expected}\npostgresql: {actual}\nhistory:\n{string.Join('\n', log.TakeLast(15))}");
        }

        // Whole state at the end, per tenant, and the whole feed.
        foreach (var tenant in Tenants)
        {
            foreach (var probe in StateProbes(tenant))
            {
                Assert.Equal(await Outcome(() => probe(reference)), await Outcome(() => probe(store)));
            }
        }

        var referenceFeed = await reference.ReadChangesAsync(0, 10_000);
        var feed = await store.ReadChangesAsync(0, 10_000);
        Assert.Equal(JsonSerializer.Serialize(referenceFeed, Json), JsonSerializer.Serialize(feed, Json));
        Assert.Equal(await reference.GetHeadPositionAsync(), await store.GetHeadPositionAsync());
        Assert.True(feed.Changes.Count > 50, $"The random sequence should write plenty of changes (wrote {feed.Changes.Count}).");
    }

    private static readonly TenantId[] Tenants = [new("acme"), new("globex")];
    private static readonly string[] Learners = ["ann", "bob", "cy", "dee"];
    private static readonly string[] Skills = ["excel", "sql", "tax"];
    private static readonly string[] Contributions = ["c1", "c2", "c3"];
    private static readonly string?[] Keys = [null, null, "k1", "k2", "k3"];

    private sealed record Op(string Name, Func<ISocialLearningStore, Task<object?>> Run);

    private static IEnumerable<Func<ISocialLearningStore, Task<object?>>> StateProbes(TenantId t) =>
    [
        async s => await s.ListLearnersAsync(t).ToListAsync(),
        async s => await s.ListSkillsAsync(t).ToListAsync(),
        async s => await s.ListSkillEdgesAsync(t).ToListAsync(),
        async s => await s.ListEvidenceAsync(t).ToListAsync(),
        async s => await s.ListContributionsAsync(t).ToListAsync(),
        async s => await s.ListInteractionsAsync(t).ToListAsync(),
        async s => await s.ListChangesOf(t),
    ];

    private static DateTimeOffset RandomTime(Random r) =>
        new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromMinutes(r.Next(-10, 11) * 30)).AddTicks(r.NextInt64(0, TimeSpan.TicksPerDay * 300));

    private static Op RandomOperation(Random r)
    {
        var t = Tenants[r.Next(Tenants.Length)];
        var l = new LearnerId(Learners[r.Next(Learners.Length)]);
        var l2 = new LearnerId(Learners[r.Next(Learners.Length)]);
        var s = new SkillId(Skills[r.Next(Skills.Length)]);
        var s2 = new SkillId(Skills[r.Next(Skills.Length)]);
        var c = new ContributionId(Contributions[r.Next(Contributions.Length)]);
        var key = Keys[r.Next(Keys.Length)];
        var version = r.Next(1, 4);
        var at = RandomTime(r);
        var word = "w" + r.Next(1000);
        var coin1 = r.Next(2) == 0;
        var coin2 = r.Next(2) == 0;
        var contribution = NewContribution(t, c, l, word, at, r);
        switch (r.Next(22))
        {
            case 0:
            case 1:
                return new Op($"CreateLearner {t}/{l} key={key}", st => Box(st.CreateLearnerAsync(
                    new Learner { Tenant = t, Id = l, DisplayName = "Name " + word, Team = coin1 ? null : "team-" + word, Roles = coin2 ? [] : ["clerk", word], CreatedAt = at }, key)));
            case 2:
                return new Op($"UpdateLearner {t}/{l} v{version}", st => Box(st.UpdateLearnerAsync(
                    new Learner { Tenant = t, Id = l, DisplayName = "Renamed " + word, Roles = [word], CreatedAt = at }, version)));
            case 3:
                return new Op($"GetLearner {t}/{l}", st => Box(st.GetLearnerAsync(t, l)));
            case 4:
                return new Op($"CreateSkill {t}/{s} key={key}", st => Box(st.CreateSkillAsync(
                    new Skill { Tenant = t, Id = s, Name = "Skill " + word, Aliases = coin1 ? [] : [word], Description = coin2 ? null : word, CreatedAt = at }, key)));
            case 5:
                return new Op($"UpdateSkill {t}/{s} v{version}", st => Box(st.UpdateSkillAsync(
                    new Skill { Tenant = t, Id = s, Name = "Skill2 " + word, CreatedAt = at }, version)));
            case 6:
                var kind = (SkillEdgeKind)r.Next(1, 4);
                var weight = Math.Round(r.NextDouble(), 3) + 0.001;
                return new Op($"AddEdge {t}/{s}->{s2} {kind}", st => Box(st.AddSkillEdgeAsync(new SkillEdge { Tenant = t, From = s, To = s2, Kind = kind, Weight = weight })));
            case 7:
                var removeKind = (SkillEdgeKind)r.Next(1, 4);
                return new Op($"RemoveEdge {t}/{s}->{s2} {removeKind}", st => Box(st.RemoveSkillEdgeAsync(t, s, s2, removeKind)));
            case 8:
                var source = (EvidenceSource)r.Next(1, 5);
                var level = r.Next(0, 11) / 10.0;
                return new Op($"AppendEvidence {t}/{l}/{s} key={key}", st => Box(st.AppendEvidenceAsync(
                    new ProficiencyEvidence { Tenant = t, Learner = l, Skill = s, Source = source, Level = level, GivenBy = coin1 ? null : l2, ObservedAt = at }, key)));
            case 9:
            case 10:
                return new Op($"CreateContribution {t}/{c} by {l} key={key}", st => Box(st.CreateContributionAsync(contribution, key)));
            case 11:
                return new Op($"UpdateContribution {t}/{c} v{version}", st => Box(st.UpdateContributionAsync(
                    contribution with { Author = l2, Title = "Edited " + word, UpdatedAt = at.AddMinutes(5), UpdatedBy = l2, Status = ContributionStatus.Hidden }, version)));
            case 12:
                return new Op($"GetContribution {t}/{c}", st => Box(st.GetContributionAsync(t, c)));
            case 13:
            case 14:
            case 15:
            case 16:
                var ik = (InteractionKind)r.Next(1, 10);
                var note = r.Next(3) == 0 ? "note " + word : null;
                return new Op($"Interaction {t}/{c} {l} {ik} key={key}", st => Box(st.AppendInteractionAsync(
                    new Interaction { Tenant = t, ContributionId = c, Learner = l, Kind = ik, OccurredAt = at, Note = note }, key)));
            case 17:
                return new Op($"GetCounters {t}/{c}", st => Box(st.GetCountersAsync(t, c)));
            case 18:
                return new Op($"ListRevisions {t}/{c}", async st => await st.ListRevisionsAsync(t, c).ToListAsync());
            case 19:
                var withLearner = r.Next(2) == 0;
                var withItem = r.Next(2) == 0;
                return new Op($"ListInteractions {t} item={withItem} learner={withLearner}", async st =>
                    await st.ListInteractionsAsync(t, withItem ? c : null, withLearner ? l : null).ToListAsync());
            case 20:
                var after = r.Next(0, 200);
                var max = r.Next(1, 6);
                TenantId? filter = r.Next(3) == 0 ? null : t;
                return new Op($"ReadChanges after={after} max={max} tenant={filter}", st => Box(st.ReadChangesAsync(after, max, filter)));
            default:
                return new Op($"ListEvidence {t} learner={l}", async st => await st.ListEvidenceAsync(t, coin1 ? null : l).ToListAsync());
        }
    }

    private static Contribution NewContribution(TenantId t, ContributionId c, LearnerId author, string word, DateTimeOffset at, Random r) => new()
    {
        Tenant = t,
        Id = c,
        Kind = (ContributionKind)r.Next(1, 6),
        Author = author,
        Title = "Tip " + word,
        Body = "**Body** " + word,
        Skills = r.Next(2) == 0 ? [] : [new SkillId("excel"), new SkillId(word)],
        ContextKeys = r.Next(2) == 0 ? [] : [ContextKey.Parse("route:/invoices/new"), ContextKey.Parse("feature:" + word)],
        Audience = r.Next(2) == 0 ? Audience.Everyone : new Audience { Teams = ["t-" + word], Roles = [] },
        Status = ContributionStatus.Published,
        ParentId = r.Next(3) == 0 ? new ContributionId("c1") : null,
        Url = r.Next(3) == 0 ? new Uri("https://example.com/docs/" + word) : null,
        CreatedAt = at,
        UpdatedAt = at,
    };

    private static async Task<object?> Box<T>(Task<T> task) => await task;

    private static async Task<string> Outcome(Func<Task<object?>> run)
    {
        try
        {
            return "ok " + JsonSerializer.Serialize(await run(), Json);
        }
        catch (Exception ex) when (ex is SocialLearningException or ArgumentException)
        {
            return ex switch
            {
                ArgumentException a => $"{a.GetType().Name}({a.ParamName})",
                VersionConflictException v => $"VersionConflict({v.ExpectedVersion},{v.ActualVersion})",
                EntityNotFoundException n => $"NotFound({n.EntityType},{n.Id},{n.Field})",
                _ => ex.GetType().Name,
            };
        }
    }
}

internal static class AsyncEnumerableTestExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    public static async Task<List<Change>> ListChangesOf(this ISocialLearningStore store, TenantId tenant)
    {
        var all = new List<Change>();
        long after = 0;
        while (true)
        {
            var batch = await store.ReadChangesAsync(after, 3, tenant);
            all.AddRange(batch.Changes);
            if (batch.LastPosition == after)
            {
                return all;
            }

            after = batch.LastPosition;
        }
    }
}
