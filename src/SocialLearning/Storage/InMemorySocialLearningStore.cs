using System.Runtime.CompilerServices;

namespace SocialLearning.Storage;

/// <summary>
/// Thread-safe reference implementation of <see cref="ISocialLearningStore"/> that keeps everything in memory.
/// Every write takes one lock, so commit order is the order writes take it. Use it for tests, samples and
/// single-process apps that can lose their data on restart.
/// </summary>
public sealed class InMemorySocialLearningStore : ISocialLearningStore, ISkillGraphBatchWriter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(TenantId, LearnerId), Learner> _learners = [];
    private readonly Dictionary<(TenantId, SkillId), Skill> _skills = [];
    private readonly Dictionary<(TenantId, SkillId, SkillId, SkillEdgeKind), SkillEdge> _edges = [];
    private readonly Dictionary<(TenantId, ContributionId), Contribution> _contributions = [];
    private readonly Dictionary<(TenantId, ContributionId), List<ContributionRevision>> _revisions = [];
    private readonly Dictionary<(TenantId, ContributionId), ContributionCounters> _counters = [];
    private readonly Dictionary<(TenantId, ContributionId, LearnerId, string), InteractionKind> _slots = [];
    private readonly List<Interaction> _interactions = [];
    private readonly List<ProficiencyEvidence> _evidence = [];
    private readonly Dictionary<(TenantId, string, string), object> _idempotency = [];
    private readonly List<Change> _changes = [];

    /// <inheritdoc />
    public Task<Learner> CreateLearnerAsync(Learner learner, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(learner, learner?.Tenant ?? default, nameof(learner));
        StoreArguments.IdempotencyKey(idempotencyKey);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (TryReplay(learner.Tenant, "learner", idempotencyKey, out Learner? replay))
            {
                return Task.FromResult(replay);
            }

            if (_learners.ContainsKey((learner.Tenant, learner.Id)))
            {
                throw new DuplicateEntityException(nameof(Learner), learner.Id.Value);
            }

            var stored = learner with { Version = 1 };
            _learners[(learner.Tenant, learner.Id)] = stored;
            Remember(learner.Tenant, "learner", idempotencyKey, stored);
            Append(learner.Tenant, ChangeKind.LearnerCreated, learner.Id.Value, 1, learner.CreatedAt);
            return Task.FromResult(stored);
        }
    }

    /// <inheritdoc />
    public Task<Learner> UpdateLearnerAsync(Learner learner, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(learner, learner?.Tenant ?? default, nameof(learner));
        StoreArguments.ExpectedVersion(expectedVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var current = _learners.GetValueOrDefault((learner.Tenant, learner.Id))
                ?? throw new EntityNotFoundException(nameof(Learner), learner.Id.Value, "learner.Id");
            CheckVersion(nameof(Learner), learner.Id.Value, expectedVersion, current.Version);
            var stored = learner with { Version = current.Version + 1, CreatedAt = current.CreatedAt };
            _learners[(learner.Tenant, learner.Id)] = stored;
            Append(learner.Tenant, ChangeKind.LearnerUpdated, learner.Id.Value, stored.Version, learner.CreatedAt);
            return Task.FromResult(stored);
        }
    }

    /// <inheritdoc />
    public Task<Learner?> GetLearnerAsync(TenantId tenant, LearnerId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_learners.GetValueOrDefault((tenant, id)));
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Learner> ListLearnersAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        lock (_gate)
        {
            var items = _learners.Where(p => p.Key.Item1 == tenant).Select(p => p.Value)
                .OrderBy(l => l.Id.Value, StringComparer.Ordinal).ToList();
            return Stream(items, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<Skill> CreateSkillAsync(Skill skill, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(skill, skill?.Tenant ?? default, nameof(skill));
        StoreArguments.IdempotencyKey(idempotencyKey);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (TryReplay(skill.Tenant, "skill", idempotencyKey, out Skill? replay))
            {
                return Task.FromResult(replay);
            }

            if (_skills.ContainsKey((skill.Tenant, skill.Id)))
            {
                throw new DuplicateEntityException(nameof(Skill), skill.Id.Value);
            }

            var stored = skill with { Version = 1 };
            _skills[(skill.Tenant, skill.Id)] = stored;
            Remember(skill.Tenant, "skill", idempotencyKey, stored);
            Append(skill.Tenant, ChangeKind.SkillCreated, skill.Id.Value, 1, skill.CreatedAt);
            return Task.FromResult(stored);
        }
    }

    /// <inheritdoc />
    public Task<Skill> UpdateSkillAsync(Skill skill, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(skill, skill?.Tenant ?? default, nameof(skill));
        StoreArguments.ExpectedVersion(expectedVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var current = _skills.GetValueOrDefault((skill.Tenant, skill.Id))
                ?? throw new EntityNotFoundException(nameof(Skill), skill.Id.Value, "skill.Id");
            CheckVersion(nameof(Skill), skill.Id.Value, expectedVersion, current.Version);
            var stored = skill with { Version = current.Version + 1, CreatedAt = current.CreatedAt };
            _skills[(skill.Tenant, skill.Id)] = stored;
            Append(skill.Tenant, ChangeKind.SkillUpdated, skill.Id.Value, stored.Version, skill.CreatedAt);
            return Task.FromResult(stored);
        }
    }

    /// <inheritdoc />
    public Task<Skill?> GetSkillAsync(TenantId tenant, SkillId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_skills.GetValueOrDefault((tenant, id)));
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Skill> ListSkillsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        lock (_gate)
        {
            var items = _skills.Where(p => p.Key.Item1 == tenant).Select(p => p.Value)
                .OrderBy(s => s.Id.Value, StringComparer.Ordinal).ToList();
            return Stream(items, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<bool> AddSkillEdgeAsync(SkillEdge edge, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(edge, edge?.Tenant ?? default, nameof(edge));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            RequireSkill(edge.Tenant, edge.From, "edge.From");
            RequireSkill(edge.Tenant, edge.To, "edge.To");
            var key = (edge.Tenant, edge.From, edge.To, edge.Kind);
            if (_edges.ContainsKey(key))
            {
                return Task.FromResult(false);
            }

            _edges[key] = edge;
            Append(edge.Tenant, ChangeKind.SkillEdgeAdded, StoreArguments.EdgeEntityId(edge.From, edge.To, edge.Kind), 0, default);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<int> AddSkillGraphAsync(TenantId tenant, IReadOnlyList<Skill> skills, IReadOnlyList<SkillEdge> edges, CancellationToken cancellationToken = default)
    {
        StoreArguments.SkillGraph(tenant, skills, edges);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Every check before the first write: all or nothing.
            var batch = new HashSet<SkillId>(skills.Count);
            foreach (var skill in skills)
            {
                if (_skills.ContainsKey((tenant, skill.Id)))
                {
                    throw new DuplicateEntityException(nameof(Skill), skill.Id.Value);
                }

                batch.Add(skill.Id);
            }

            bool Known(SkillId id) => batch.Contains(id) || _skills.ContainsKey((tenant, id));
            for (var i = 0; i < edges.Count; i++)
            {
                if (!Known(edges[i].From))
                {
                    throw new EntityNotFoundException(nameof(Skill), edges[i].From.Value, $"edges[{i}].From");
                }

                if (!Known(edges[i].To))
                {
                    throw new EntityNotFoundException(nameof(Skill), edges[i].To.Value, $"edges[{i}].To");
                }
            }

            foreach (var skill in skills)
            {
                _skills[(tenant, skill.Id)] = skill with { Version = 1 };
                Append(tenant, ChangeKind.SkillCreated, skill.Id.Value, 1, skill.CreatedAt);
            }

            var added = 0;
            foreach (var edge in edges)
            {
                if (_edges.TryAdd((tenant, edge.From, edge.To, edge.Kind), edge))
                {
                    Append(tenant, ChangeKind.SkillEdgeAdded, StoreArguments.EdgeEntityId(edge.From, edge.To, edge.Kind), 0, default);
                    added++;
                }
            }

            return Task.FromResult(added);
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveSkillEdgeAsync(TenantId tenant, SkillId from, SkillId to, SkillEdgeKind kind, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_edges.Remove((tenant, from, to, kind)))
            {
                return Task.FromResult(false);
            }

            Append(tenant, ChangeKind.SkillEdgeRemoved, StoreArguments.EdgeEntityId(from, to, kind), 0, default);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SkillEdge> ListSkillEdgesAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        lock (_gate)
        {
            var items = _edges.Where(p => p.Key.Item1 == tenant).Select(p => p.Value)
                .OrderBy(e => e.From.Value, StringComparer.Ordinal)
                .ThenBy(e => e.To.Value, StringComparer.Ordinal)
                .ThenBy(e => e.Kind).ToList();
            return Stream(items, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<bool> AppendEvidenceAsync(ProficiencyEvidence evidence, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(evidence, evidence?.Tenant ?? default, nameof(evidence));
        StoreArguments.IdempotencyKey(idempotencyKey);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (TryReplay(evidence.Tenant, "evidence", idempotencyKey, out ProficiencyEvidence? _))
            {
                return Task.FromResult(false);
            }

            RequireLearner(evidence.Tenant, evidence.Learner, "evidence.Learner");
            RequireSkill(evidence.Tenant, evidence.Skill, "evidence.Skill");
            _evidence.Add(evidence);
            Remember(evidence.Tenant, "evidence", idempotencyKey, evidence);
            Append(evidence.Tenant, ChangeKind.EvidenceAppended, evidence.Skill.Value, 0, evidence.ObservedAt, evidence.Learner);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ProficiencyEvidence> ListEvidenceAsync(TenantId tenant, LearnerId? learner = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        lock (_gate)
        {
            var items = _evidence.Where(e => e.Tenant == tenant && (learner is null || e.Learner == learner.Value)).ToList();
            return Stream(items, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<Contribution> CreateContributionAsync(Contribution contribution, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(contribution, contribution?.Tenant ?? default, nameof(contribution));
        StoreArguments.IdempotencyKey(idempotencyKey);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (TryReplay(contribution.Tenant, "contribution", idempotencyKey, out Contribution? replay))
            {
                return Task.FromResult(replay);
            }

            var key = (contribution.Tenant, contribution.Id);
            if (_contributions.ContainsKey(key))
            {
                throw new DuplicateEntityException(nameof(Contribution), contribution.Id.Value);
            }

            RequireLearner(contribution.Tenant, contribution.Author, "contribution.Author");
            var stored = contribution with { Version = 1 };
            _contributions[key] = stored;
            _revisions[key] = [Revision(stored)];
            _counters[key] = ContributionCounters.Zero;
            Remember(contribution.Tenant, "contribution", idempotencyKey, stored);
            Append(contribution.Tenant, ChangeKind.ContributionCreated, contribution.Id.Value, 1, contribution.CreatedAt, contribution.Author);
            return Task.FromResult(stored);
        }
    }

    /// <inheritdoc />
    public Task<Contribution> UpdateContributionAsync(Contribution contribution, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(contribution, contribution?.Tenant ?? default, nameof(contribution));
        StoreArguments.ExpectedVersion(expectedVersion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var key = (contribution.Tenant, contribution.Id);
            var current = _contributions.GetValueOrDefault(key)
                ?? throw new EntityNotFoundException(nameof(Contribution), contribution.Id.Value, "contribution.Id");
            CheckVersion(nameof(Contribution), contribution.Id.Value, expectedVersion, current.Version);
            var stored = contribution with { Version = current.Version + 1, CreatedAt = current.CreatedAt, Author = current.Author };
            _contributions[key] = stored;
            _revisions[key].Add(Revision(stored));
            Append(contribution.Tenant, ChangeKind.ContributionUpdated, contribution.Id.Value, stored.Version, stored.UpdatedAt, stored.UpdatedBy);
            return Task.FromResult(stored);
        }
    }

    /// <inheritdoc />
    public Task<Contribution?> GetContributionAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_contributions.GetValueOrDefault((tenant, id)));
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Contribution> ListContributionsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        lock (_gate)
        {
            var items = _contributions.Where(p => p.Key.Item1 == tenant).Select(p => p.Value)
                .OrderBy(c => c.Id.Value, StringComparer.Ordinal).ToList();
            return Stream(items, cancellationToken);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ContributionRevision> ListRevisionsAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        lock (_gate)
        {
            var items = _revisions.GetValueOrDefault((tenant, id))?.ToList()
                ?? throw new EntityNotFoundException(nameof(Contribution), id.Value, "id");
            return Stream(items, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<InteractionResult> AppendInteractionAsync(Interaction interaction, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Interaction(interaction);
        StoreArguments.IdempotencyKey(idempotencyKey);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var key = (interaction.Tenant, interaction.ContributionId);
            if (!_contributions.ContainsKey(key))
            {
                throw new EntityNotFoundException(nameof(Contribution), interaction.ContributionId.Value, "interaction.ContributionId");
            }

            RequireLearner(interaction.Tenant, interaction.Learner, "interaction.Learner");
            var counters = _counters[key];
            if (TryReplay(interaction.Tenant, "interaction", idempotencyKey, out Interaction? _))
            {
                return Task.FromResult(new InteractionResult { Outcome = InteractionOutcome.AlreadyRecorded, Counters = counters });
            }

            var outcome = InteractionOutcome.Recorded;
            var slot = InteractionRules.UniqueSlot(interaction.Kind);
            if (slot is not null)
            {
                var slotKey = (interaction.Tenant, interaction.ContributionId, interaction.Learner, slot);
                if (_slots.TryGetValue(slotKey, out var previous))
                {
                    if (previous == interaction.Kind)
                    {
                        return Task.FromResult(new InteractionResult { Outcome = InteractionOutcome.AlreadyRecorded, Counters = counters });
                    }

                    counters = counters.Add(previous, -1);
                    outcome = InteractionOutcome.Replaced;
                }

                _slots[slotKey] = interaction.Kind;
            }

            counters = counters.Add(interaction.Kind, 1);
            _counters[key] = counters;
            _interactions.Add(interaction);
            Remember(interaction.Tenant, "interaction", idempotencyKey, interaction);
            Append(interaction.Tenant, ChangeKind.InteractionRecorded, interaction.ContributionId.Value, 0, interaction.OccurredAt, interaction.Learner, interaction.Kind);
            return Task.FromResult(new InteractionResult { Outcome = outcome, Counters = counters });
        }
    }

    /// <inheritdoc />
    public Task<ContributionCounters> GetCountersAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_counters.GetValueOrDefault((tenant, id))
                ?? throw new EntityNotFoundException(nameof(Contribution), id.Value, "id"));
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Interaction> ListInteractionsAsync(TenantId tenant, ContributionId? contribution = null, LearnerId? learner = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        lock (_gate)
        {
            var items = _interactions.Where(i => i.Tenant == tenant
                && (contribution is null || i.ContributionId == contribution.Value)
                && (learner is null || i.Learner == learner.Value)).ToList();
            return Stream(items, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<ChangeBatch> ReadChangesAsync(long afterPosition, int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.ChangeRange(afterPosition, maxCount);
        if (tenant is { IsDefault: true })
        {
            throw new ArgumentException("tenant must be null (every tenant) or a set tenant id.", nameof(tenant));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Positions are 1-based indexes into _changes.
            var result = new List<Change>(Math.Min(maxCount, 256));
            var last = afterPosition;
            for (var i = (int)Math.Min(afterPosition, _changes.Count); i < _changes.Count && result.Count < maxCount; i++)
            {
                var change = _changes[i];
                last = change.Position;
                if (tenant is null || change.Tenant == tenant.Value)
                {
                    result.Add(change);
                }
            }

            return Task.FromResult(new ChangeBatch { Changes = result, LastPosition = last });
        }
    }

    /// <inheritdoc />
    public Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult((long)_changes.Count);
        }
    }

    private static ContributionRevision Revision(Contribution c) => new()
    {
        Tenant = c.Tenant,
        ContributionId = c.Id,
        Version = c.Version,
        Title = c.Title,
        Body = c.Body,
        EditedBy = c.UpdatedBy ?? c.Author,
        EditedAt = c.Version == 1 ? c.CreatedAt : c.UpdatedAt,
    };

    private static void CheckVersion(string type, string id, long expected, long actual)
    {
        if (expected != actual)
        {
            throw new VersionConflictException(type, id, expected, actual);
        }
    }

    private static async IAsyncEnumerable<T> Stream<T>(List<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private void RequireLearner(TenantId tenant, LearnerId id, string field)
    {
        if (!_learners.ContainsKey((tenant, id)))
        {
            throw new EntityNotFoundException(nameof(Learner), id.Value ?? "(default)", field);
        }
    }

    private void RequireSkill(TenantId tenant, SkillId id, string field)
    {
        if (!_skills.ContainsKey((tenant, id)))
        {
            throw new EntityNotFoundException(nameof(Skill), id.Value ?? "(default)", field);
        }
    }

    private bool TryReplay<T>(TenantId tenant, string scope, string? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? result)
        where T : class
    {
        if (key is not null && _idempotency.TryGetValue((tenant, scope, key), out var stored))
        {
            result = (T)stored;
            return true;
        }

        result = null;
        return false;
    }

    private void Remember(TenantId tenant, string scope, string? key, object result)
    {
        if (key is not null)
        {
            _idempotency[(tenant, scope, key)] = result;
        }
    }

    private void Append(TenantId tenant, ChangeKind kind, string entityId, long version, DateTimeOffset at, LearnerId? learner = null, InteractionKind? interactionKind = null) =>
        _changes.Add(new Change
        {
            Position = _changes.Count + 1,
            Tenant = tenant,
            Kind = kind,
            EntityId = entityId,
            Version = version,
            OccurredAt = at,
            Learner = learner,
            InteractionKind = interactionKind,
        });
}
