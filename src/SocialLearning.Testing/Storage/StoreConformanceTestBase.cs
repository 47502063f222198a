using Xunit;

namespace SocialLearning.Testing.Storage;

/// <summary>Shared set-up for the store conformance suites: a store, two fresh tenants and seed helpers.</summary>
/// <typeparam name="TFactory">Creates the store under test.</typeparam>
public abstract class StoreConformanceTestBase<TFactory> : IAsyncLifetime
    where TFactory : IStoreFactory, new()
{
    /// <summary>A fixed instant with whole milliseconds, which every store must round-trip exactly.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    private ISocialLearningStore? _store;

    /// <summary>The factory for this test.</summary>
    protected TFactory Factory { get; } = new();

    /// <summary>The store under test.</summary>
    protected ISocialLearningStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>The tenant most tests write to.</summary>
    protected TenantId Tenant { get; } = NewTenant();

    /// <summary>A second tenant that must never see the first tenant's records.</summary>
    protected TenantId OtherTenant { get; } = NewTenant();

    /// <summary>A new random tenant id.</summary>
    protected static TenantId NewTenant() => new("t-" + Guid.NewGuid().ToString("N")[..16]);

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await Factory.CreateStoreAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_store is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (_store is IDisposable disposable)
        {
            disposable.Dispose();
        }

        await Factory.DisposeAsync();
    }

    /// <summary>A learner record (not stored).</summary>
    protected static Learner NewLearner(TenantId tenant, string id, string? team = "finance") => new()
    {
        Tenant = tenant,
        Id = new LearnerId(id),
        DisplayName = "Learner " + id,
        Team = team,
        Roles = ["clerk", "reviewer"],
        CreatedAt = T0,
    };

    /// <summary>A skill record (not stored).</summary>
    protected static Skill NewSkill(TenantId tenant, string id) => new()
    {
        Tenant = tenant,
        Id = new SkillId(id),
        Name = "Skill " + id,
        Aliases = [id + "-alias"],
        Description = "About " + id,
        CreatedAt = T0,
    };

    /// <summary>A contribution record (not stored).</summary>
    protected static Contribution NewContribution(TenantId tenant, string id, string author, params string[] skills) => new()
    {
        Tenant = tenant,
        Id = new ContributionId(id),
        Kind = ContributionKind.Tip,
        Author = new LearnerId(author),
        Title = "Title " + id,
        Body = "Body of **" + id + "** with `code`",
        Skills = skills.Select(s => new SkillId(s)).ToList(),
        ContextKeys = [ContextKey.Parse("route:/invoices/new"), ContextKey.Parse("feature:export")],
        Audience = new Audience { Teams = ["finance"] },
        Status = ContributionStatus.Published,
        CreatedAt = T0,
        UpdatedAt = T0,
        UpdatedBy = new LearnerId(author),
    };

    /// <summary>Stores a learner.</summary>
    protected Task<Learner> SeedLearnerAsync(string id, TenantId? tenant = null) =>
        Store.CreateLearnerAsync(NewLearner(tenant ?? Tenant, id));

    /// <summary>Stores a skill.</summary>
    protected Task<Skill> SeedSkillAsync(string id, TenantId? tenant = null) =>
        Store.CreateSkillAsync(NewSkill(tenant ?? Tenant, id));

    /// <summary>Stores an author (if needed) and a contribution by them.</summary>
    protected async Task<Contribution> SeedContributionAsync(string id, string author = "author", TenantId? tenant = null)
    {
        var t = tenant ?? Tenant;
        if (await Store.GetLearnerAsync(t, new LearnerId(author)) is null)
        {
            await Store.CreateLearnerAsync(NewLearner(t, author));
        }

        return await Store.CreateContributionAsync(NewContribution(t, id, author));
    }

    /// <summary>An interaction record (not stored).</summary>
    protected Interaction NewInteraction(string contribution, string learner, InteractionKind kind, TenantId? tenant = null) => new()
    {
        Tenant = tenant ?? Tenant,
        ContributionId = new ContributionId(contribution),
        Learner = new LearnerId(learner),
        Kind = kind,
        OccurredAt = T0,
    };

    /// <summary>Reads the whole feed of <paramref name="tenant"/> from the start.</summary>
    protected async Task<List<Change>> ReadAllChangesAsync(TenantId? tenant, long after = 0)
    {
        var all = new List<Change>();
        while (true)
        {
            var batch = await Store.ReadChangesAsync(after, 500, tenant);
            all.AddRange(batch.Changes);
            if (batch.LastPosition == after)
            {
                return all;
            }

            after = batch.LastPosition;
        }
    }

    /// <summary>Drains an async stream into a list.</summary>
    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
