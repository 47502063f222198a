using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SocialLearning.Storage.Sqlite;

/// <summary>
/// <see cref="ISocialLearningStore"/> on one SQLite file: WAL journal, every write in a <c>BEGIN IMMEDIATE</c>
/// transaction (concurrent writes of this process share one, see <see cref="SqliteStorageOptions.MaxWriteBatchSize"/>),
/// one vote per learner per item enforced by a primary key, counters and the change feed written in the same
/// transaction as the fact they derive from. The file is opened (created and migrated when needed) on first use.
/// Several processes may use the same file. Dispose it to finish queued writes and close the file.
/// </summary>
public sealed class SqliteSocialLearningStore : ISocialLearningStore, ISkillGraphBatchWriter, IDisposable, IAsyncDisposable
{
    private const string CounterColumns = "views, helpful, not_helpful, saves, dismissals, shares, accepts, endorsements, flags";
    private const string ChangeColumns = "position, tenant, kind, entity_id, version, learner, interaction_kind, occurred_ticks, occurred_offset";

    private readonly SqliteStorageOptions _options;
    private readonly SqliteDatabase _database;
    private readonly Lock _initGate = new();
    private volatile SqliteWriteQueue? _writer;
    private bool _disposed;

    /// <summary>Creates the store; nothing is opened until the first call. Throws <see cref="ArgumentException"/> for invalid options.</summary>
    public SqliteSocialLearningStore(SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _database = new SqliteDatabase(_options);
    }

    /// <summary>Creates the store for a connection string such as <c>Data Source=learning.db</c>.</summary>
    public SqliteSocialLearningStore(string connectionString)
        : this(new SqliteStorageOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath => _database.FilePath;

    /// <summary>The connection source, for tests of this assembly.</summary>
    internal SqliteDatabase DatabaseForTests => _database;

    /// <summary>
    /// Opens the file now (creating and migrating it when needed) instead of on first use, so that a bad path,
    /// a foreign or corrupt file or a newer schema is reported at start-up. Throws <see cref="SocialLearningStorageException"/>.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _ = Writer;
            return Task.CompletedTask;
        }
        catch (SocialLearningStorageException ex)
        {
            return Task.FromException(ex);
        }
    }

    private SqliteWriteQueue Writer
    {
        get
        {
            var writer = _writer;
            if (writer is not null)
            {
                return writer;
            }

            lock (_initGate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_writer is null)
                {
                    var session = _database.OpenWriter();
                    _writer = new SqliteWriteQueue(_database, session, _options.MaxWriteBatchSize);
                }

                return _writer;
            }
        }
    }

    // ---------------------------------------------------------------- learners

    /// <inheritdoc />
    public Task<Learner> CreateLearnerAsync(Learner learner, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(learner, learner?.Tenant ?? default, nameof(learner));
        StoreArguments.IdempotencyKey(idempotencyKey);
        return Write(s =>
        {
            if (TryReplay(s, learner.Tenant, "learner", idempotencyKey, out var replay))
            {
                return Deserialize(replay!, SqliteJsonContext.Default.Learner);
            }

            var stored = learner with { Version = 1 };
            var json = JsonSerializer.Serialize(stored, SqliteJsonContext.Default.Learner);
            if (s.Execute("INSERT OR IGNORE INTO learners (tenant, id, version, data) VALUES (@p0, @p1, 1, @p2)", learner.Tenant.Value, learner.Id.Value, json) == 0)
            {
                throw new DuplicateEntityException(nameof(Learner), learner.Id.Value);
            }

            Remember(s, learner.Tenant, "learner", idempotencyKey, json);
            AppendChange(s, learner.Tenant, ChangeKind.LearnerCreated, learner.Id.Value, 1, learner.CreatedAt);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Learner> UpdateLearnerAsync(Learner learner, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(learner, learner?.Tenant ?? default, nameof(learner));
        StoreArguments.ExpectedVersion(expectedVersion);
        return Write(s =>
        {
            var current = ReadEntity(s, "SELECT data FROM learners WHERE tenant = @p0 AND id = @p1", learner.Tenant.Value, learner.Id.Value, SqliteJsonContext.Default.Learner)
                ?? throw new EntityNotFoundException(nameof(Learner), learner.Id.Value, "learner.Id");
            CheckVersion(nameof(Learner), learner.Id.Value, expectedVersion, current.Version);
            var stored = learner with { Version = current.Version + 1, CreatedAt = current.CreatedAt };
            s.Execute("UPDATE learners SET version = @p2, data = @p3 WHERE tenant = @p0 AND id = @p1",
                learner.Tenant.Value, learner.Id.Value, stored.Version, JsonSerializer.Serialize(stored, SqliteJsonContext.Default.Learner));
            AppendChange(s, learner.Tenant, ChangeKind.LearnerUpdated, learner.Id.Value, stored.Version, learner.CreatedAt);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Learner?> GetLearnerAsync(TenantId tenant, LearnerId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Read(s => ReadEntity(s, "SELECT data FROM learners WHERE tenant = @p0 AND id = @p1", tenant.Value, id.Value, SqliteJsonContext.Default.Learner), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Learner> ListLearnersAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Stream("SELECT data FROM learners WHERE tenant = @p0 ORDER BY id", [tenant.Value], r => DeserializeUtf8(r, SqliteJsonContext.Default.Learner), null, cancellationToken);
    }

    // ---------------------------------------------------------------- skills

    /// <inheritdoc />
    public Task<Skill> CreateSkillAsync(Skill skill, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(skill, skill?.Tenant ?? default, nameof(skill));
        StoreArguments.IdempotencyKey(idempotencyKey);
        return Write(s =>
        {
            if (TryReplay(s, skill.Tenant, "skill", idempotencyKey, out var replay))
            {
                return Deserialize(replay!, SqliteJsonContext.Default.Skill);
            }

            var stored = skill with { Version = 1 };
            var json = JsonSerializer.Serialize(stored, SqliteJsonContext.Default.Skill);
            if (s.Execute("INSERT OR IGNORE INTO skills (tenant, id, version, data) VALUES (@p0, @p1, 1, @p2)", skill.Tenant.Value, skill.Id.Value, json) == 0)
            {
                throw new DuplicateEntityException(nameof(Skill), skill.Id.Value);
            }

            Remember(s, skill.Tenant, "skill", idempotencyKey, json);
            AppendChange(s, skill.Tenant, ChangeKind.SkillCreated, skill.Id.Value, 1, skill.CreatedAt);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Skill> UpdateSkillAsync(Skill skill, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(skill, skill?.Tenant ?? default, nameof(skill));
        StoreArguments.ExpectedVersion(expectedVersion);
        return Write(s =>
        {
            var current = ReadEntity(s, "SELECT data FROM skills WHERE tenant = @p0 AND id = @p1", skill.Tenant.Value, skill.Id.Value, SqliteJsonContext.Default.Skill)
                ?? throw new EntityNotFoundException(nameof(Skill), skill.Id.Value, "skill.Id");
            CheckVersion(nameof(Skill), skill.Id.Value, expectedVersion, current.Version);
            var stored = skill with { Version = current.Version + 1, CreatedAt = current.CreatedAt };
            s.Execute("UPDATE skills SET version = @p2, data = @p3 WHERE tenant = @p0 AND id = @p1",
                skill.Tenant.Value, skill.Id.Value, stored.Version, JsonSerializer.Serialize(stored, SqliteJsonContext.Default.Skill));
            AppendChange(s, skill.Tenant, ChangeKind.SkillUpdated, skill.Id.Value, stored.Version, skill.CreatedAt);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Skill?> GetSkillAsync(TenantId tenant, SkillId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Read(s => ReadEntity(s, "SELECT data FROM skills WHERE tenant = @p0 AND id = @p1", tenant.Value, id.Value, SqliteJsonContext.Default.Skill), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Skill> ListSkillsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Stream("SELECT data FROM skills WHERE tenant = @p0 ORDER BY id", [tenant.Value], r => DeserializeUtf8(r, SqliteJsonContext.Default.Skill), null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> AddSkillEdgeAsync(SkillEdge edge, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(edge, edge?.Tenant ?? default, nameof(edge));
        return Write(s =>
        {
            RequireSkill(s, edge.Tenant, edge.From, "edge.From");
            RequireSkill(s, edge.Tenant, edge.To, "edge.To");
            if (s.Execute("INSERT OR IGNORE INTO skill_edges (tenant, from_id, to_id, kind, weight) VALUES (@p0, @p1, @p2, @p3, @p4)",
                    edge.Tenant.Value, edge.From.Value, edge.To.Value, (long)edge.Kind, edge.Weight) == 0)
            {
                return false;
            }

            AppendChange(s, edge.Tenant, ChangeKind.SkillEdgeAdded, StoreArguments.EdgeEntityId(edge.From, edge.To, edge.Kind), 0, default);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One write on the writer thread, so one transaction (its own SAVEPOINT: a failure rolls back the batch alone).</remarks>
    public Task<int> AddSkillGraphAsync(TenantId tenant, IReadOnlyList<Skill> skills, IReadOnlyList<SkillEdge> edges, CancellationToken cancellationToken = default)
    {
        StoreArguments.SkillGraph(tenant, skills, edges);
        return Write(s =>
        {
            foreach (var skill in skills)
            {
                var json = JsonSerializer.Serialize(skill with { Version = 1 }, SqliteJsonContext.Default.Skill);
                if (s.Execute("INSERT OR IGNORE INTO skills (tenant, id, version, data) VALUES (@p0, @p1, 1, @p2)", tenant.Value, skill.Id.Value, json) == 0)
                {
                    throw new DuplicateEntityException(nameof(Skill), skill.Id.Value);
                }

                AppendChange(s, tenant, ChangeKind.SkillCreated, skill.Id.Value, 1, skill.CreatedAt);
            }

            var added = 0;
            for (var i = 0; i < edges.Count; i++)
            {
                var edge = edges[i];
                RequireSkill(s, tenant, edge.From, $"edges[{i}].From");
                RequireSkill(s, tenant, edge.To, $"edges[{i}].To");
                if (s.Execute("INSERT OR IGNORE INTO skill_edges (tenant, from_id, to_id, kind, weight) VALUES (@p0, @p1, @p2, @p3, @p4)",
                        tenant.Value, edge.From.Value, edge.To.Value, (long)edge.Kind, edge.Weight) == 1)
                {
                    AppendChange(s, tenant, ChangeKind.SkillEdgeAdded, StoreArguments.EdgeEntityId(edge.From, edge.To, edge.Kind), 0, default);
                    added++;
                }
            }

            return added;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveSkillEdgeAsync(TenantId tenant, SkillId from, SkillId to, SkillEdgeKind kind, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Write(s =>
        {
            if (s.Execute("DELETE FROM skill_edges WHERE tenant = @p0 AND from_id = @p1 AND to_id = @p2 AND kind = @p3", tenant.Value, from.Value, to.Value, (long)kind) == 0)
            {
                return false;
            }

            AppendChange(s, tenant, ChangeKind.SkillEdgeRemoved, StoreArguments.EdgeEntityId(from, to, kind), 0, default);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SkillEdge> ListSkillEdgesAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Stream(
            "SELECT tenant, from_id, to_id, kind, weight FROM skill_edges WHERE tenant = @p0 ORDER BY from_id, to_id, kind",
            [tenant.Value],
            r => new SkillEdge
            {
                Tenant = new TenantId(r.GetString(0)),
                From = new SkillId(r.GetString(1)),
                To = new SkillId(r.GetString(2)),
                Kind = (SkillEdgeKind)r.GetInt64(3),
                Weight = r.GetDouble(4),
            },
            null,
            cancellationToken);
    }

    // ---------------------------------------------------------------- evidence

    /// <inheritdoc />
    public Task<bool> AppendEvidenceAsync(ProficiencyEvidence evidence, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(evidence, evidence?.Tenant ?? default, nameof(evidence));
        StoreArguments.IdempotencyKey(idempotencyKey);
        return Write(s =>
        {
            if (TryReplay(s, evidence.Tenant, "evidence", idempotencyKey, out _))
            {
                return false;
            }

            RequireLearner(s, evidence.Tenant, evidence.Learner, "evidence.Learner");
            RequireSkill(s, evidence.Tenant, evidence.Skill, "evidence.Skill");
            s.Execute(
                "INSERT INTO evidence (tenant, learner, skill, source, level, given_by, observed_ticks, observed_offset) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
                evidence.Tenant.Value, evidence.Learner.Value, evidence.Skill.Value, (long)evidence.Source, evidence.Level,
                evidence.GivenBy?.Value, evidence.ObservedAt.UtcTicks, OffsetMinutes(evidence.ObservedAt));
            Remember(s, evidence.Tenant, "evidence", idempotencyKey, null);
            AppendChange(s, evidence.Tenant, ChangeKind.EvidenceAppended, evidence.Skill.Value, 0, evidence.ObservedAt, evidence.Learner);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ProficiencyEvidence> ListEvidenceAsync(TenantId tenant, LearnerId? learner = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        const string Columns = "SELECT tenant, learner, skill, source, level, given_by, observed_ticks, observed_offset FROM evidence";
        static ProficiencyEvidence Map(SqliteSession.Cursor r) => new()
        {
            Tenant = new TenantId(r.GetString(0)),
            Learner = new LearnerId(r.GetString(1)),
            Skill = new SkillId(r.GetString(2)),
            Source = (EvidenceSource)r.GetInt64(3),
            Level = r.GetDouble(4),
            GivenBy = r.IsDBNull(5) ? null : new LearnerId(r.GetString(5)),
            ObservedAt = Time(r.GetInt64(6), r.GetInt64(7)),
        };

        return learner is { } one
            ? Stream(Columns + " WHERE tenant = @p0 AND learner = @p1 ORDER BY seq", [tenant.Value, one.Value], Map, null, cancellationToken)
            : Stream(Columns + " WHERE tenant = @p0 ORDER BY seq", [tenant.Value], Map, null, cancellationToken);
    }

    // ---------------------------------------------------------------- contributions

    /// <inheritdoc />
    public Task<Contribution> CreateContributionAsync(Contribution contribution, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(contribution, contribution?.Tenant ?? default, nameof(contribution));
        StoreArguments.IdempotencyKey(idempotencyKey);
        return Write(s => CreateContribution(s, contribution, idempotencyKey), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Contribution> UpdateContributionAsync(Contribution contribution, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(contribution, contribution?.Tenant ?? default, nameof(contribution));
        StoreArguments.ExpectedVersion(expectedVersion);
        return Write(s =>
        {
            var tenant = contribution.Tenant.Value;
            var current = ReadEntity(s, "SELECT data FROM contributions WHERE tenant = @p0 AND id = @p1", tenant, contribution.Id.Value, SqliteJsonContext.Default.Contribution)
                ?? throw new EntityNotFoundException(nameof(Contribution), contribution.Id.Value, "contribution.Id");
            CheckVersion(nameof(Contribution), contribution.Id.Value, expectedVersion, current.Version);
            var stored = contribution with { Version = current.Version + 1, CreatedAt = current.CreatedAt, Author = current.Author };
            s.Execute("UPDATE contributions SET version = @p2, data = @p3 WHERE tenant = @p0 AND id = @p1",
                tenant, contribution.Id.Value, stored.Version, JsonSerializer.Serialize(stored, SqliteJsonContext.Default.Contribution));
            InsertRevision(s, stored);
            AppendChange(s, contribution.Tenant, ChangeKind.ContributionUpdated, contribution.Id.Value, stored.Version, stored.UpdatedAt, stored.UpdatedBy);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Contribution?> GetContributionAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Read(s => ReadEntity(s, "SELECT data FROM contributions WHERE tenant = @p0 AND id = @p1", tenant.Value, id.Value, SqliteJsonContext.Default.Contribution), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Contribution> ListContributionsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Stream("SELECT data FROM contributions WHERE tenant = @p0 ORDER BY id", [tenant.Value], r => DeserializeUtf8(r, SqliteJsonContext.Default.Contribution), null, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ContributionRevision> ListRevisionsAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Stream(
            "SELECT tenant, contribution_id, version, title, body, edited_by, edited_ticks, edited_offset FROM revisions WHERE tenant = @p0 AND contribution_id = @p1 ORDER BY version",
            [tenant.Value, id.Value],
            r => new ContributionRevision
            {
                Tenant = new TenantId(r.GetString(0)),
                ContributionId = new ContributionId(r.GetString(1)),
                Version = r.GetInt64(2),
                Title = r.GetString(3),
                Body = r.GetString(4),
                EditedBy = new LearnerId(r.GetString(5)),
                EditedAt = Time(r.GetInt64(6), r.GetInt64(7)),
            },
            s =>
            {
                if (!Exists(s, "SELECT 1 FROM contributions WHERE tenant = @p0 AND id = @p1", tenant.Value, id.Value))
                {
                    throw new EntityNotFoundException(nameof(Contribution), id.Value ?? "(default)", "id");
                }
            },
            cancellationToken);
    }

    // ---------------------------------------------------------------- interactions

    /// <inheritdoc />
    public Task<InteractionResult> AppendInteractionAsync(Interaction interaction, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Interaction(interaction);
        StoreArguments.IdempotencyKey(idempotencyKey);
        return Write(s => AppendInteraction(s, interaction, idempotencyKey), cancellationToken);
    }

    /// <summary>
    /// Appends interactions in one transaction (one sync for all of them), with the same rules and results as
    /// one <see cref="AppendInteractionAsync"/> call each, in order. A provider method for bulk imports and benchmarks;
    /// if one interaction fails (for example an unknown contribution), none is written.
    /// </summary>
    internal Task<IReadOnlyList<InteractionResult>> AppendInteractionsAsync(IReadOnlyList<Interaction> interactions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        foreach (var interaction in interactions)
        {
            StoreArguments.Interaction(interaction);
        }

        return Write<IReadOnlyList<InteractionResult>>(s =>
        {
            var results = new InteractionResult[interactions.Count];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = AppendInteraction(s, interactions[i], null);
            }

            return results;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ContributionCounters> GetCountersAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return Read(s => ReadCounters(s, tenant.Value, id.Value) ?? throw new EntityNotFoundException(nameof(Contribution), id.Value ?? "(default)", "id"), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Interaction> ListInteractionsAsync(TenantId tenant, ContributionId? contribution = null, LearnerId? learner = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        const string Columns = "SELECT tenant, contribution_id, learner, kind, occurred_ticks, occurred_offset, note FROM interactions";
        static Interaction Map(SqliteSession.Cursor r) => new()
        {
            Tenant = new TenantId(r.GetString(0)),
            ContributionId = new ContributionId(r.GetString(1)),
            Learner = new LearnerId(r.GetString(2)),
            Kind = (InteractionKind)r.GetInt64(3),
            OccurredAt = Time(r.GetInt64(4), r.GetInt64(5)),
            Note = r.IsDBNull(6) ? null : r.GetString(6),
        };

        return (contribution, learner) switch
        {
            ({ } c, { } l) => Stream(Columns + " WHERE tenant = @p0 AND contribution_id = @p1 AND learner = @p2 ORDER BY seq", [tenant.Value, c.Value, l.Value], Map, null, cancellationToken),
            ({ } c, null) => Stream(Columns + " WHERE tenant = @p0 AND contribution_id = @p1 ORDER BY seq", [tenant.Value, c.Value], Map, null, cancellationToken),
            (null, { } l) => Stream(Columns + " WHERE tenant = @p0 AND learner = @p1 ORDER BY seq", [tenant.Value, l.Value], Map, null, cancellationToken),
            _ => Stream(Columns + " WHERE tenant = @p0 ORDER BY seq", [tenant.Value], Map, null, cancellationToken),
        };
    }

    // ---------------------------------------------------------------- change feed

    /// <inheritdoc />
    public Task<ChangeBatch> ReadChangesAsync(long afterPosition, int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.ChangeRange(afterPosition, maxCount);
        if (tenant is { IsDefault: true })
        {
            throw new ArgumentException("tenant must be null (every tenant) or a set tenant id.", nameof(tenant));
        }

        return Read(s =>
        {
            // One read transaction: the page and the head come from the same snapshot.
            s.Execute("BEGIN");
            try
            {
                var changes = new List<Change>(Math.Min(maxCount, 256));
                using (var reader = tenant is { } t
                    ? s.Query($"SELECT {ChangeColumns} FROM changes WHERE tenant = @p0 AND position > @p1 ORDER BY position LIMIT @p2", t.Value, afterPosition, (long)maxCount)
                    : s.Query($"SELECT {ChangeColumns} FROM changes WHERE position > @p0 ORDER BY position LIMIT @p1", afterPosition, (long)maxCount))
                {
                    while (reader.Read())
                    {
                        changes.Add(new Change
                        {
                            Position = reader.GetInt64(0),
                            Tenant = new TenantId(reader.GetString(1)),
                            Kind = (ChangeKind)reader.GetInt64(2),
                            EntityId = reader.GetString(3),
                            Version = reader.GetInt64(4),
                            Learner = reader.IsDBNull(5) ? null : new LearnerId(reader.GetString(5)),
                            InteractionKind = reader.IsDBNull(6) ? null : (InteractionKind)reader.GetInt64(6),
                            OccurredAt = Time(reader.GetInt64(7), reader.GetInt64(8)),
                        });
                    }
                }

                // A full page ends at its last change; otherwise everything up to the head was scanned.
                var last = changes.Count == maxCount
                    ? changes[^1].Position
                    : Math.Max(afterPosition, s.ScalarInt64("SELECT COALESCE(MAX(position), 0) FROM changes"));
                return new ChangeBatch { Changes = changes, LastPosition = last };
            }
            finally
            {
                s.Execute("COMMIT");
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default) =>
        Read(s => s.ScalarInt64("SELECT COALESCE(MAX(position), 0) FROM changes"), cancellationToken);

    // ---------------------------------------------------------------- lifetime

    /// <summary>Finishes queued writes and closes the file.</summary>
    public void Dispose()
    {
        lock (_initGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _writer?.Dispose();
        _database.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    // ---------------------------------------------------------------- write bodies (writer thread, inside a transaction)

    private static Contribution CreateContribution(SqliteSession s, Contribution contribution, string? idempotencyKey)
    {
        if (TryReplay(s, contribution.Tenant, "contribution", idempotencyKey, out var replay))
        {
            return Deserialize(replay!, SqliteJsonContext.Default.Contribution);
        }

        var tenant = contribution.Tenant.Value;
        if (Exists(s, "SELECT 1 FROM contributions WHERE tenant = @p0 AND id = @p1", tenant, contribution.Id.Value))
        {
            throw new DuplicateEntityException(nameof(Contribution), contribution.Id.Value);
        }

        RequireLearner(s, contribution.Tenant, contribution.Author, "contribution.Author");
        var stored = contribution with { Version = 1 };
        var json = JsonSerializer.Serialize(stored, SqliteJsonContext.Default.Contribution);
        s.Execute("INSERT INTO contributions (tenant, id, version, author, data) VALUES (@p0, @p1, 1, @p2, @p3)", tenant, contribution.Id.Value, contribution.Author.Value, json);
        InsertRevision(s, stored);
        s.Execute("INSERT INTO counters (tenant, contribution_id) VALUES (@p0, @p1)", tenant, contribution.Id.Value);
        Remember(s, contribution.Tenant, "contribution", idempotencyKey, json);
        AppendChange(s, contribution.Tenant, ChangeKind.ContributionCreated, contribution.Id.Value, 1, contribution.CreatedAt, contribution.Author);
        return stored;
    }

    private static InteractionResult AppendInteraction(SqliteSession s, Interaction interaction, string? idempotencyKey)
    {
        var tenant = interaction.Tenant.Value;
        var contributionId = interaction.ContributionId.Value;
        var counters = ReadCounters(s, tenant, contributionId)
            ?? throw new EntityNotFoundException(nameof(Contribution), contributionId, "interaction.ContributionId");
        RequireLearner(s, interaction.Tenant, interaction.Learner, "interaction.Learner");
        if (TryReplay(s, interaction.Tenant, "interaction", idempotencyKey, out _))
        {
            return new InteractionResult { Outcome = InteractionOutcome.AlreadyRecorded, Counters = counters };
        }

        var outcome = InteractionOutcome.Recorded;
        var slot = InteractionRules.UniqueSlot(interaction.Kind);
        if (slot is not null)
        {
            // The primary key of interaction_slots decides: the insert either claims the slot or changes nothing.
            var learner = interaction.Learner.Value;
            if (s.Execute(
                    "INSERT INTO interaction_slots (tenant, contribution_id, learner, slot, kind) VALUES (@p0, @p1, @p2, @p3, @p4) ON CONFLICT DO NOTHING",
                    tenant, contributionId, learner, slot, (long)interaction.Kind) == 0)
            {
                var previous = (InteractionKind)s.ScalarInt64(
                    "SELECT kind FROM interaction_slots WHERE tenant = @p0 AND contribution_id = @p1 AND learner = @p2 AND slot = @p3",
                    tenant, contributionId, learner, slot);
                if (previous == interaction.Kind)
                {
                    return new InteractionResult { Outcome = InteractionOutcome.AlreadyRecorded, Counters = counters };
                }

                s.Execute(
                    "UPDATE interaction_slots SET kind = @p4 WHERE tenant = @p0 AND contribution_id = @p1 AND learner = @p2 AND slot = @p3",
                    tenant, contributionId, learner, slot, (long)interaction.Kind);
                counters = counters.Add(previous, -1);
                outcome = InteractionOutcome.Replaced;
            }
        }

        counters = counters.Add(interaction.Kind, 1);
        s.Execute(
            "UPDATE counters SET views = @p2, helpful = @p3, not_helpful = @p4, saves = @p5, dismissals = @p6, shares = @p7, accepts = @p8, endorsements = @p9, flags = @p10 WHERE tenant = @p0 AND contribution_id = @p1",
            tenant, contributionId, counters.Views, counters.Helpful, counters.NotHelpful, counters.Saves, counters.Dismissals, counters.Shares, counters.Accepts, counters.Endorsements, counters.Flags);
        s.Execute(
            "INSERT INTO interactions (tenant, contribution_id, learner, kind, occurred_ticks, occurred_offset, note) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)",
            tenant, contributionId, interaction.Learner.Value, (long)interaction.Kind, interaction.OccurredAt.UtcTicks, OffsetMinutes(interaction.OccurredAt), interaction.Note);
        Remember(s, interaction.Tenant, "interaction", idempotencyKey, null);
        AppendChange(s, interaction.Tenant, ChangeKind.InteractionRecorded, contributionId, 0, interaction.OccurredAt, interaction.Learner, interaction.Kind);
        return new InteractionResult { Outcome = outcome, Counters = counters };
    }

    private static ContributionCounters? ReadCounters(SqliteSession s, string tenant, string? contributionId)
    {
        using var r = s.Query($"SELECT {CounterColumns} FROM counters WHERE tenant = @p0 AND contribution_id = @p1", tenant, contributionId);
        if (!r.Read())
        {
            return null;
        }

        return new ContributionCounters
        {
            Views = r.GetInt64(0),
            Helpful = r.GetInt64(1),
            NotHelpful = r.GetInt64(2),
            Saves = r.GetInt64(3),
            Dismissals = r.GetInt64(4),
            Shares = r.GetInt64(5),
            Accepts = r.GetInt64(6),
            Endorsements = r.GetInt64(7),
            Flags = r.GetInt64(8),
        };
    }

    private static void InsertRevision(SqliteSession s, Contribution c)
    {
        var editedAt = c.Version == 1 ? c.CreatedAt : c.UpdatedAt;
        s.Execute(
            "INSERT INTO revisions (tenant, contribution_id, version, title, body, edited_by, edited_ticks, edited_offset) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
            c.Tenant.Value, c.Id.Value, c.Version, c.Title, c.Body, (c.UpdatedBy ?? c.Author).Value, editedAt.UtcTicks, OffsetMinutes(editedAt));
    }

    private static void RequireLearner(SqliteSession s, TenantId tenant, LearnerId id, string field)
    {
        if (!Exists(s, "SELECT 1 FROM learners WHERE tenant = @p0 AND id = @p1", tenant.Value, id.Value))
        {
            throw new EntityNotFoundException(nameof(Learner), id.Value ?? "(default)", field);
        }
    }

    private static void RequireSkill(SqliteSession s, TenantId tenant, SkillId id, string field)
    {
        if (!Exists(s, "SELECT 1 FROM skills WHERE tenant = @p0 AND id = @p1", tenant.Value, id.Value))
        {
            throw new EntityNotFoundException(nameof(Skill), id.Value ?? "(default)", field);
        }
    }

    private static bool Exists(SqliteSession s, string sql, string tenant, string? id) => id is not null && s.Scalar(sql, tenant, id) is not null;

    private static bool TryReplay(SqliteSession s, TenantId tenant, string scope, string? key, out string? result)
    {
        result = null;
        if (key is null)
        {
            return false;
        }

        using var r = s.Query("SELECT result FROM idempotency_keys WHERE tenant = @p0 AND scope = @p1 AND key = @p2", tenant.Value, scope, key);
        if (!r.Read())
        {
            return false;
        }

        result = r.IsDBNull(0) ? null : r.GetString(0);
        return true;
    }

    private static void Remember(SqliteSession s, TenantId tenant, string scope, string? key, string? result)
    {
        if (key is not null)
        {
            s.Execute("INSERT INTO idempotency_keys (tenant, scope, key, result) VALUES (@p0, @p1, @p2, @p3)", tenant.Value, scope, key, result);
        }
    }

    private static void AppendChange(SqliteSession s, TenantId tenant, ChangeKind kind, string entityId, long version, DateTimeOffset at, LearnerId? learner = null, InteractionKind? interactionKind = null) =>
        s.Execute(
            "INSERT INTO changes (tenant, kind, entity_id, version, learner, interaction_kind, occurred_ticks, occurred_offset) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
            tenant.Value, (long)kind, entityId, version, learner?.Value, interactionKind is { } k ? (long)k : null, at.UtcTicks, OffsetMinutes(at));

    private static void CheckVersion(string type, string id, long expected, long actual)
    {
        if (expected != actual)
        {
            throw new VersionConflictException(type, id, expected, actual);
        }
    }

    private static T? ReadEntity<T>(SqliteSession s, string sql, string tenant, string? id, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (id is null)
        {
            return null;
        }

        var json = s.Scalar(sql, tenant, id) as string;
        return json is null ? null : Deserialize(json, type);
    }

    private static T Deserialize<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new SocialLearningStorageException($"A stored {typeof(T).Name} record is empty.");

    /// <summary>Reads column 0 as the UTF-8 bytes SQLite stores, skipping a UTF-16 string and the serializer's transcoding back.</summary>
    private static T DeserializeUtf8<T>(SqliteSession.Cursor reader, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(reader.GetUtf8(0), type) ?? throw new SocialLearningStorageException($"A stored {typeof(T).Name} record is empty.");

    private static long OffsetMinutes(DateTimeOffset value) => (long)value.Offset.TotalMinutes;

    private static DateTimeOffset Time(long utcTicks, long offsetMinutes)
    {
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    // ---------------------------------------------------------------- plumbing

    private Task<T> Write<T>(Func<SqliteSession, T> body, CancellationToken cancellationToken)
    {
        SqliteWriteQueue writer;
        try
        {
            writer = Writer;
        }
        catch (SocialLearningStorageException ex)
        {
            return Task.FromException<T>(ex);
        }

        return writer.Enqueue(body, cancellationToken);
    }

    private Task<T> Read<T>(Func<SqliteSession, T> body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        SqliteSession? session = null;
        var healthy = false;
        try
        {
            _ = Writer;
            session = _database.RentReader();
            var result = body(session);
            healthy = true;
            return Task.FromResult(result);
        }
        catch (Exception ex) when (ex is SocialLearningException and not SocialLearningStorageException)
        {
            healthy = true;
            return Task.FromException<T>(ex);
        }
        catch (Exception ex) when (ex is SqliteException or SocialLearningStorageException or JsonException or (InvalidOperationException and not ObjectDisposedException))
        {
            return Task.FromException<T>(_database.Map(ex, "read from"));
        }
        finally
        {
            if (session is not null)
            {
                _database.ReturnReader(session, healthy);
            }
        }
    }

    private async IAsyncEnumerable<T> Stream<T>(
        string sql,
        object?[] args,
        Func<SqliteSession.Cursor, T> map,
        Action<SqliteSession>? precheck,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SqliteSession session;
        try
        {
            _ = Writer;
            session = _database.RentReader();
        }
        catch (Exception ex) when (ex is SqliteException or SocialLearningStorageException)
        {
            throw _database.Map(ex, "read from");
        }

        // A session whose statement failed is closed rather than pooled; one the caller stopped reading is reused.
        var healthy = true;
        SqliteSession.Cursor? reader = null;
        try
        {
            try
            {
                // One statement: SQLite reads it from one snapshot, however slowly the caller consumes it.
                precheck?.Invoke(session);
                reader = session.Query(sql, args);
            }
            catch (SqliteException ex)
            {
                healthy = false;
                throw _database.Map(ex, "read from");
            }

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                T item;
                try
                {
                    if (!reader.Read())
                    {
                        break;
                    }

                    item = map(reader);
                }
                catch (Exception ex) when (ex is SqliteException or JsonException)
                {
                    healthy = false;
                    throw _database.Map(ex, "read from");
                }

                yield return item;
            }
        }
        finally
        {
            reader?.Dispose();
            _database.ReturnReader(session, healthy);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
