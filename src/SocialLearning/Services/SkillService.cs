namespace SocialLearning.Services;

internal sealed class SkillService(ISocialLearningStore store, SkillCatalog catalog, TimeProvider time) : ISkillService
{
    // Serialises prerequisite-edge additions per process so two concurrent adds cannot close a cycle
    // between them. Across processes the graph algorithms still detect and report a cycle.
    private readonly SemaphoreSlim _edgeGate = new(1, 1);

    public async Task<Skill> DefineSkillAsync(TenantId tenant, SkillId id, string name, IReadOnlyList<string>? aliases = null, string? description = null, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(id, nameof(id));
        var cleanName = Guard.Text(name, nameof(name), 200).Trim();
        var cleanAliases = Guard.Labels(aliases, nameof(aliases));
        var cleanDescription = description is null ? null : Guard.Text(description, nameof(description), 4_000);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetSkillAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            try
            {
                if (current is null)
                {
                    return await store.CreateSkillAsync(
                        new Skill { Tenant = tenant, Id = id, Name = cleanName, Aliases = cleanAliases, Description = cleanDescription, CreatedAt = time.GetUtcNow() },
                        null,
                        cancellationToken).ConfigureAwait(false);
                }

                return await store.UpdateSkillAsync(
                    current with { Name = cleanName, Aliases = cleanAliases, Description = cleanDescription },
                    current.Version,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (SocialLearningException e) when (attempt < 5 && e is DuplicateEntityException or VersionConflictException)
            {
                // Lost a race with another writer: read again.
            }
        }
    }

    public async Task<IReadOnlyList<Skill>> FindAsync(TenantId tenant, string text, int limit = 10, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        var query = Guard.Text(text, nameof(text), 200);
        if (limit is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be between 1 and 100.");
        }

        var labels = await catalog.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        return labels.Search(query, limit);
    }

    public async Task<bool> AddEdgeAsync(TenantId tenant, SkillId from, SkillId to, SkillEdgeKind kind, double weight = 1.0, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(from, nameof(from));
        Guard.Set(to, nameof(to));
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind is not a defined edge kind.");
        }

        if (from == to)
        {
            throw new ArgumentException($"A skill cannot have an edge to itself ('{from}').", nameof(to));
        }

        if (!(weight > 0 && weight <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight must be in (0, 1].");
        }

        var edge = new SkillEdge { Tenant = tenant, From = from, To = to, Kind = kind, Weight = weight };
        if (kind != SkillEdgeKind.Prerequisite)
        {
            return await store.AddSkillEdgeAsync(edge, cancellationToken).ConfigureAwait(false);
        }

        await _edgeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var edges = new List<SkillEdge>();
            await foreach (var e in store.ListSkillEdgesAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                if (e.Kind == SkillEdgeKind.Prerequisite)
                {
                    edges.Add(e);
                }
            }

            // Adding from -> to closes a cycle when 'from' is already reachable from 'to'.
            var path = SkillGraphAlgorithms.FindPath(edges, to, from);
            if (path is not null)
            {
                var cycle = new List<SkillId>(path.Count + 1) { from };
                cycle.AddRange(path);
                throw new SkillGraphCycleException(cycle);
            }

            return await store.AddSkillEdgeAsync(edge, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _edgeGate.Release();
        }
    }

    public Task<bool> RemoveEdgeAsync(TenantId tenant, SkillId from, SkillId to, SkillEdgeKind kind, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(from, nameof(from));
        Guard.Set(to, nameof(to));
        return store.RemoveSkillEdgeAsync(tenant, from, to, kind, cancellationToken);
    }

    public async Task<SkillGraph> GetGraphAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        var skills = new List<Skill>();
        await foreach (var s in store.ListSkillsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            skills.Add(s);
        }

        var edges = new List<SkillEdge>();
        await foreach (var e in store.ListSkillEdgesAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            edges.Add(e);
        }

        return new SkillGraph { Skills = skills, Edges = edges };
    }
}
