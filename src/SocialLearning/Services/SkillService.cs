using Microsoft.Extensions.Logging;

namespace SocialLearning.Services;

internal sealed partial class SkillService(ISocialLearningStore store, SkillCatalog catalog, TimeProvider time, ILogger<SkillService>? logger = null) : ISkillService
{
    private readonly ILogger _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

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
        var skill = new Skill { Tenant = tenant, Id = id, Name = cleanName, Aliases = cleanAliases, Description = cleanDescription };
        var current = await store.GetSkillAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var outcome = await UpsertAsync(skill, current, skipUnchanged: false, cancellationToken).ConfigureAwait(false);
        return outcome.Written!;
    }

    public async Task<SkillImportResult> ImportAsync(TenantId tenant, IReadOnlyList<SkillDefinition> skills, IReadOnlyList<SkillEdgeDefinition>? edges = null, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        ArgumentNullException.ThrowIfNull(skills);
        edges ??= [];
        var (desired, defined) = CheckSkills(tenant, skills);
        var prerequisites = edges.Any(e => e is { Kind: SkillEdgeKind.Prerequisite });
        if (prerequisites)
        {
            // Held from before the stored edges are read to the end, as AddEdgeAsync holds it, so a concurrent add cannot
            // close a cycle with this import.
            await _edgeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var stored = new Dictionary<SkillId, Skill>();
            await foreach (var s in store.ListSkillsAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                stored[s.Id] = s;
            }

            var storedEdges = new Dictionary<(SkillId, SkillId, SkillEdgeKind), double>();
            await foreach (var e in store.ListSkillEdgesAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                storedEdges[(e.From, e.To, e.Kind)] = e.Weight;
            }

            CheckEdges(edges, defined, stored);

            if (prerequisites)
            {
                var cycle = SkillGraphAlgorithms.FindCycle(
                    storedEdges.Keys.Where(k => k.Item3 == SkillEdgeKind.Prerequisite).Select(k => (k.Item1, k.Item2))
                        .Concat(edges.Where(e => e.Kind == SkillEdgeKind.Prerequisite).Select(e => (e.From, e.To))));
                if (cycle is not null)
                {
                    throw new SkillGraphCycleException(cycle);
                }
            }

            var (created, updated, unchanged) = await WriteSkillsAsync(tenant, desired, stored, cancellationToken).ConfigureAwait(false);
            var (added, replaced, kept) = await WriteEdgesAsync(tenant, edges, storedEdges, cancellationToken).ConfigureAwait(false);
            LogImported(_logger, tenant.Value, created, updated, unchanged, added, replaced, kept);
            return new SkillImportResult { SkillsCreated = created, SkillsUpdated = updated, SkillsUnchanged = unchanged, EdgesAdded = added, EdgesUpdated = replaced, EdgesUnchanged = kept };
        }
        finally
        {
            if (prerequisites)
            {
                _edgeGate.Release();
            }
        }
    }

    /// <summary>The skills as they would be stored (name trimmed), after checking every entry; and where each id is defined.</summary>
    private static (List<Skill> Desired, Dictionary<SkillId, int> Defined) CheckSkills(TenantId tenant, IReadOnlyList<SkillDefinition> skills)
    {
        var desired = new List<Skill>(skills.Count);
        var defined = new Dictionary<SkillId, int>(skills.Count);
        for (var i = 0; i < skills.Count; i++)
        {
            var field = $"skills[{i}]";
            var skill = skills[i] ?? throw new ArgumentException($"{field} must not be null.", field);
            Guard.Set(skill.Id, field + ".Id");
            if (!defined.TryAdd(skill.Id, i))
            {
                throw new ArgumentException($"{field}.Id '{skill.Id}' is defined twice (also skills[{defined[skill.Id]}]).", field + ".Id");
            }

            desired.Add(new Skill
            {
                Tenant = tenant,
                Id = skill.Id,
                Name = Guard.Text(skill.Name, field + ".Name", 200).Trim(),
                Aliases = Guard.Labels(skill.Aliases, field + ".Aliases"),
                Description = skill.Description is null ? null : Guard.Text(skill.Description, field + ".Description", 4_000),
            });
        }

        return (desired, defined);
    }

    /// <summary>Checks every edge entry against the import's skills and the stored ones; throws naming the first bad one.</summary>
    private static void CheckEdges(IReadOnlyList<SkillEdgeDefinition> edges, Dictionary<SkillId, int> defined, Dictionary<SkillId, Skill> stored)
    {
        var listed = new Dictionary<(SkillId, SkillId, SkillEdgeKind), int>(edges.Count);
        for (var i = 0; i < edges.Count; i++)
        {
            var field = $"edges[{i}]";
            var edge = edges[i] ?? throw new ArgumentException($"{field} must not be null.", field);
            Guard.Set(edge.From, field + ".From");
            Guard.Set(edge.To, field + ".To");
            if (!Enum.IsDefined(edge.Kind))
            {
                throw new ArgumentOutOfRangeException(field + ".Kind", edge.Kind, $"{field}.Kind is not a defined edge kind.");
            }

            if (edge.From == edge.To)
            {
                throw new ArgumentException($"{field}: a skill cannot have an edge to itself ('{edge.From}').", field + ".To");
            }

            if (!(edge.Weight > 0 && edge.Weight <= 1))
            {
                throw new ArgumentOutOfRangeException(field + ".Weight", edge.Weight, $"{field}.Weight must be in (0, 1].");
            }

            if (!defined.ContainsKey(edge.From) && !stored.ContainsKey(edge.From))
            {
                throw new EntityNotFoundException(nameof(Skill), edge.From.Value, field + ".From");
            }

            if (!defined.ContainsKey(edge.To) && !stored.ContainsKey(edge.To))
            {
                throw new EntityNotFoundException(nameof(Skill), edge.To.Value, field + ".To");
            }

            if (!listed.TryAdd((edge.From, edge.To, edge.Kind), i))
            {
                throw new ArgumentException($"{field} ({edge.From} -> {edge.To}, {edge.Kind}) is listed twice (also edges[{listed[(edge.From, edge.To, edge.Kind)]}]).", field);
            }
        }

    }

    /// <summary>Creates the new skills (in batches when the store takes them) and updates the changed ones.</summary>
    private async Task<(int Created, int Updated, int Unchanged)> WriteSkillsAsync(TenantId tenant, List<Skill> desired, Dictionary<SkillId, Skill> stored, CancellationToken cancellationToken)
    {
        int created = 0, updated = 0, unchanged = 0;
        var rest = desired;
        if (store is ISkillGraphBatchWriter batch)
        {
            // New skills in a few transactions; what the batch cannot take (a skill created meanwhile) goes one by one.
            var now = time.GetUtcNow();
            rest = [];
            foreach (var chunk in desired.Where(k => !stored.ContainsKey(k.Id)).Select(k => k with { CreatedAt = now }).Chunk(BatchSize))
            {
                try
                {
                    await batch.AddSkillGraphAsync(tenant, chunk, [], cancellationToken).ConfigureAwait(false);
                    created += chunk.Length;
                }
                catch (DuplicateEntityException)
                {
                    rest.AddRange(chunk);
                }
            }

            rest.AddRange(desired.Where(k => stored.ContainsKey(k.Id)));
        }

        await ForEachAsync(rest, async (skill, ct) =>
        {
            var outcome = await UpsertAsync(skill, stored.GetValueOrDefault(skill.Id), skipUnchanged: true, ct).ConfigureAwait(false);
            if (outcome.Written is null)
            {
                Interlocked.Increment(ref unchanged);
            }
            else if (outcome.Created)
            {
                Interlocked.Increment(ref created);
            }
            else
            {
                Interlocked.Increment(ref updated);
            }
        }, cancellationToken).ConfigureAwait(false);

        return (created, updated, unchanged);
    }

    /// <summary>Adds the new edges (in batches when the store takes them) and replaces those whose weight changed.</summary>
    private async Task<(int Added, int Replaced, int Kept)> WriteEdgesAsync(TenantId tenant, IReadOnlyList<SkillEdgeDefinition> edges, Dictionary<(SkillId, SkillId, SkillEdgeKind), double> storedEdges, CancellationToken cancellationToken)
    {
        int added = 0, replaced = 0, kept = 0;
        var edgesLeft = edges;
        if (store is ISkillGraphBatchWriter edgeBatch)
        {
            var missing = edges.Where(e => !storedEdges.ContainsKey((e.From, e.To, e.Kind)))
                .Select(e => new SkillEdge { Tenant = tenant, From = e.From, To = e.To, Kind = e.Kind, Weight = e.Weight });
            foreach (var chunk in missing.Chunk(BatchSize))
            {
                var chunkAdded = await edgeBatch.AddSkillGraphAsync(tenant, [], chunk, cancellationToken).ConfigureAwait(false);
                added += chunkAdded;
                kept += chunk.Length - chunkAdded; // added meanwhile by another writer
            }

            edgesLeft = [.. edges.Where(e => storedEdges.ContainsKey((e.From, e.To, e.Kind)))];
        }

        await ForEachAsync(edgesLeft, async (edge, ct) =>
        {
            var skillEdge = new SkillEdge { Tenant = tenant, From = edge.From, To = edge.To, Kind = edge.Kind, Weight = edge.Weight };
            if (storedEdges.TryGetValue((edge.From, edge.To, edge.Kind), out var weight))
            {
                if (weight == edge.Weight)
                {
                    Interlocked.Increment(ref kept);
                    return;
                }

                await store.RemoveSkillEdgeAsync(tenant, edge.From, edge.To, edge.Kind, ct).ConfigureAwait(false);
                await store.AddSkillEdgeAsync(skillEdge, ct).ConfigureAwait(false);
                Interlocked.Increment(ref replaced);
                return;
            }

            if (await store.AddSkillEdgeAsync(skillEdge, ct).ConfigureAwait(false))
            {
                Interlocked.Increment(ref added);
            }
            else
            {
                Interlocked.Increment(ref kept); // added meanwhile by another writer
            }
        }, cancellationToken).ConfigureAwait(false);

        return (added, replaced, kept);
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

    /// <summary>Skills or edges per transaction when the store takes batches (<see cref="ISkillGraphBatchWriter"/>).</summary>
    private const int BatchSize = 2_000;

    /// <summary>
    /// How many writes an import keeps in flight: enough for SQLite's group commit to need few transactions, few enough
    /// not to take a PostgreSQL app's whole connection pool (Npgsql's default is 100). 256 made the SQLite import of
    /// SkillImportBenchmarks about twice as fast again (82 ms against 162 ms, one run under load).
    /// </summary>
    private const int ImportConcurrency = 64;

    /// <summary>
    /// Runs <paramref name="body"/> for each item in order with at most <see cref="ImportConcurrency"/> unfinished at
    /// once; a body that completes synchronously (an in-memory store) costs no thread hop. After the first failure no
    /// further item starts, and the first exception is thrown once the running ones have finished.
    /// </summary>
    private static async Task ForEachAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        var gate = new SemaphoreSlim(ImportConcurrency);
        var running = new List<Task>();
        var failed = false;
        try
        {
            foreach (var item in items)
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (Volatile.Read(ref failed))
                {
                    gate.Release();
                    break;
                }

                var task = Run(item);
                if (!task.IsCompletedSuccessfully)
                {
                    running.Add(task);
                }
            }
        }
        finally
        {
            // The writes already issued finish before the call returns or throws, so none outlives it.
            try
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
            finally
            {
                gate.Dispose();
            }
        }

        async Task Run(T item)
        {
            try
            {
                await body(item, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Volatile.Write(ref failed, true);
                throw;
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>
    /// Creates <paramref name="skill"/> or updates the stored one to its name, aliases and description, reading again
    /// after losing a race with another writer. With <paramref name="skipUnchanged"/>, a skill stored exactly as
    /// defined is not written (Written is then null).
    /// </summary>
    private async Task<(Skill? Written, bool Created)> UpsertAsync(Skill skill, Skill? current, bool skipUnchanged, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (current is null)
                {
                    return (await store.CreateSkillAsync(skill with { CreatedAt = time.GetUtcNow() }, null, cancellationToken).ConfigureAwait(false), true);
                }

                if (skipUnchanged && current.Name == skill.Name && current.Description == skill.Description && current.Aliases.SequenceEqual(skill.Aliases))
                {
                    return (null, false);
                }

                return (await store.UpdateSkillAsync(
                    current with { Name = skill.Name, Aliases = skill.Aliases, Description = skill.Description },
                    current.Version,
                    cancellationToken).ConfigureAwait(false), false);
            }
            catch (SocialLearningException e) when (attempt < 5 && e is DuplicateEntityException or VersionConflictException)
            {
                // Lost a race with another writer: read again.
                current = await store.GetSkillAsync(skill.Tenant, skill.Id, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Skill graph imported into tenant {Tenant}: skills {Created} created, {Updated} updated, {Unchanged} unchanged; edges {Added} added, {Replaced} updated, {Kept} unchanged")]
    private static partial void LogImported(ILogger logger, string tenant, int created, int updated, int unchanged, int added, int replaced, int kept);
}
