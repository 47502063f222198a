using Npgsql;

namespace SocialLearning.Storage.PostgreSql;

/// <content>Learners, skills, skill edges and evidence.</content>
internal sealed partial class PostgreSqlSocialLearningStore
{
    private const string LearnerColumns = "tenant_id, id, display_name, team, roles, version, created_ticks, created_offset";
    private const string SkillColumns = "tenant_id, id, name, aliases, description, version, created_ticks, created_offset";

    /// <inheritdoc />
    public Task<Learner> CreateLearnerAsync(Learner learner, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(learner, learner?.Tenant ?? default, nameof(learner));
        StoreArguments.IdempotencyKey(idempotencyKey);
        return WriteAsync(
            learner.Tenant,
            async (w, ct) =>
            {
                if (await ClaimKeyAsync(w, "learner", idempotencyKey, ct).ConfigureAwait(false) is false)
                {
                    return await ReplayAsync(w, "learner", idempotencyKey!, "learners", MapLearner, ct).ConfigureAwait(false);
                }

                var insert = w.Command($$"""
                    WITH ins AS (
                        INSERT INTO {S}.learners ({{LearnerColumns}}) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)
                        ON CONFLICT DO NOTHING RETURNING *),
                    idem AS (
                        UPDATE {S}.idempotency SET payload = (SELECT to_jsonb(ins) FROM ins)
                        WHERE tenant_id = $1 AND scope = 'learner' AND key = $8 AND EXISTS (SELECT 1 FROM ins))
                    SELECT count(*) FROM ins
                    """);
                await using (insert.ConfigureAwait(false))
                {
                    insert.Parameters.Add(Text(learner.Tenant.Value));
                    insert.Parameters.Add(Text(learner.Id.Value));
                    insert.Parameters.Add(Text(learner.DisplayName));
                    insert.Parameters.Add(Text(learner.Team));
                    insert.Parameters.Add(TextArray(learner.Roles));
                    insert.Parameters.Add(Big(Ticks(learner.CreatedAt)));
                    insert.Parameters.Add(Small(OffsetMinutes(learner.CreatedAt)));
                    insert.Parameters.Add(Text(idempotencyKey));
                    if ((long)(await w.ScalarAsync(insert, ct).ConfigureAwait(false))! == 0)
                    {
                        throw new DuplicateEntityException(nameof(Learner), learner.Id.Value);
                    }
                }

                await w.AppendChangeAsync(ChangeKind.LearnerCreated, learner.Id.Value, 1, learner.CreatedAt, null, null, ct).ConfigureAwait(false);
                return learner with { Version = 1 };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Learner> UpdateLearnerAsync(Learner learner, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(learner, learner?.Tenant ?? default, nameof(learner));
        StoreArguments.ExpectedVersion(expectedVersion);
        return WriteAsync(
            learner.Tenant,
            async (w, ct) =>
            {
                var update = w.Command("""
                    UPDATE {S}.learners SET display_name = $3, team = $4, roles = $5, version = version + 1
                    WHERE tenant_id = $1 AND id = $2 AND version = $6
                    RETURNING version, created_ticks, created_offset
                    """);
                await using var updateScope = update.ConfigureAwait(false);
                update.Parameters.Add(Text(learner.Tenant.Value));
                update.Parameters.Add(Text(learner.Id.Value));
                update.Parameters.Add(Text(learner.DisplayName));
                update.Parameters.Add(Text(learner.Team));
                update.Parameters.Add(TextArray(learner.Roles));
                update.Parameters.Add(Big(expectedVersion));
                var (version, createdAt) = await ReadVersionAndTimeAsync(w, update, ct).ConfigureAwait(false);
                if (version == 0)
                {
                    await ThrowMissingOrConflictAsync(w, "learners", nameof(Learner), learner.Id.Value, "learner.Id", expectedVersion, ct).ConfigureAwait(false);
                }

                await w.AppendChangeAsync(ChangeKind.LearnerUpdated, learner.Id.Value, version, learner.CreatedAt, null, null, ct).ConfigureAwait(false);
                return learner with { Version = version, CreatedAt = createdAt };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Learner?> GetLearnerAsync(TenantId tenant, LearnerId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return GetOneAsync(tenant, $"SELECT {LearnerColumns} FROM {{S}}.learners WHERE tenant_id = $1 AND id = $2", id.Value, MapLearner, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Learner> ListLearnersAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return PagedAsync<Learner>(
            tenant.Value,
            $"SELECT {LearnerColumns} FROM {{S}}.learners WHERE tenant_id = $1 ORDER BY id LIMIT $2",
            $"SELECT {LearnerColumns} FROM {{S}}.learners WHERE tenant_id = $1 AND id > $3 ORDER BY id LIMIT $2",
            (p, last) => BindTenantAndKey(p, tenant, last?.Id.Value),
            MapLearner,
            null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Skill> CreateSkillAsync(Skill skill, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(skill, skill?.Tenant ?? default, nameof(skill));
        StoreArguments.IdempotencyKey(idempotencyKey);
        return WriteAsync(
            skill.Tenant,
            async (w, ct) =>
            {
                if (await ClaimKeyAsync(w, "skill", idempotencyKey, ct).ConfigureAwait(false) is false)
                {
                    return await ReplayAsync(w, "skill", idempotencyKey!, "skills", MapSkill, ct).ConfigureAwait(false);
                }

                var insert = w.Command($$"""
                    WITH ins AS (
                        INSERT INTO {S}.skills ({{SkillColumns}}) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)
                        ON CONFLICT DO NOTHING RETURNING *),
                    idem AS (
                        UPDATE {S}.idempotency SET payload = (SELECT to_jsonb(ins) FROM ins)
                        WHERE tenant_id = $1 AND scope = 'skill' AND key = $8 AND EXISTS (SELECT 1 FROM ins))
                    SELECT count(*) FROM ins
                    """);
                await using (insert.ConfigureAwait(false))
                {
                    AddSkillRow(insert.Parameters, skill);
                    insert.Parameters.Add(Text(idempotencyKey));
                    if ((long)(await w.ScalarAsync(insert, ct).ConfigureAwait(false))! == 0)
                    {
                        throw new DuplicateEntityException(nameof(Skill), skill.Id.Value);
                    }
                }

                await w.AppendChangeAsync(ChangeKind.SkillCreated, skill.Id.Value, 1, skill.CreatedAt, null, null, ct).ConfigureAwait(false);
                return skill with { Version = 1 };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Skill> UpdateSkillAsync(Skill skill, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(skill, skill?.Tenant ?? default, nameof(skill));
        StoreArguments.ExpectedVersion(expectedVersion);
        return WriteAsync(
            skill.Tenant,
            async (w, ct) =>
            {
                var update = w.Command("""
                    UPDATE {S}.skills SET name = $3, aliases = $4, description = $5, version = version + 1
                    WHERE tenant_id = $1 AND id = $2 AND version = $6
                    RETURNING version, created_ticks, created_offset
                    """);
                await using var updateScope = update.ConfigureAwait(false);
                update.Parameters.Add(Text(skill.Tenant.Value));
                update.Parameters.Add(Text(skill.Id.Value));
                update.Parameters.Add(Text(skill.Name));
                update.Parameters.Add(TextArray(skill.Aliases));
                update.Parameters.Add(Text(skill.Description));
                update.Parameters.Add(Big(expectedVersion));
                var (version, createdAt) = await ReadVersionAndTimeAsync(w, update, ct).ConfigureAwait(false);
                if (version == 0)
                {
                    await ThrowMissingOrConflictAsync(w, "skills", nameof(Skill), skill.Id.Value, "skill.Id", expectedVersion, ct).ConfigureAwait(false);
                }

                await w.AppendChangeAsync(ChangeKind.SkillUpdated, skill.Id.Value, version, skill.CreatedAt, null, null, ct).ConfigureAwait(false);
                return skill with { Version = version, CreatedAt = createdAt };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Skill?> GetSkillAsync(TenantId tenant, SkillId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return GetOneAsync(tenant, $"SELECT {SkillColumns} FROM {{S}}.skills WHERE tenant_id = $1 AND id = $2", id.Value, MapSkill, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Skill> ListSkillsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return PagedAsync<Skill>(
            tenant.Value,
            $"SELECT {SkillColumns} FROM {{S}}.skills WHERE tenant_id = $1 ORDER BY id LIMIT $2",
            $"SELECT {SkillColumns} FROM {{S}}.skills WHERE tenant_id = $1 AND id > $3 ORDER BY id LIMIT $2",
            (p, last) => BindTenantAndKey(p, tenant, last?.Id.Value),
            MapSkill,
            null,
            cancellationToken);
    }

    /// <summary>The parameters $1–$7 of a skill row: tenant, id, name, aliases, description, created ticks and offset.</summary>
    private static void AddSkillRow(NpgsqlParameterCollection parameters, Skill skill)
    {
        parameters.Add(Text(skill.Tenant.Value));
        parameters.Add(Text(skill.Id.Value));
        parameters.Add(Text(skill.Name));
        parameters.Add(TextArray(skill.Aliases));
        parameters.Add(Text(skill.Description));
        parameters.Add(Big(Ticks(skill.CreatedAt)));
        parameters.Add(Small(OffsetMinutes(skill.CreatedAt)));
    }

    /// <summary>The parameters $1–$5 of a skill edge row: tenant, from, to, kind, weight.</summary>
    private static void AddEdgeRow(NpgsqlParameterCollection parameters, SkillEdge edge)
    {
        parameters.Add(Text(edge.Tenant.Value));
        parameters.Add(Text(edge.From.Value));
        parameters.Add(Text(edge.To.Value));
        parameters.Add(Small((int)edge.Kind));
        parameters.Add(Float(edge.Weight));
    }

    /// <summary>Rows per round trip of <see cref="AddSkillGraphAsync"/>.</summary>
    private const int RowsPerRoundTrip = 500;

    /// <inheritdoc />
    /// <remarks>
    /// One transaction (one commit and one numbering of the feed for the whole batch); the inserts go
    /// <see cref="RowsPerRoundTrip"/> statements to a round trip, and the changes with the COMMIT.
    /// </remarks>
    public Task<int> AddSkillGraphAsync(TenantId tenant, IReadOnlyList<Skill> skills, IReadOnlyList<SkillEdge> edges, CancellationToken cancellationToken = default)
    {
        StoreArguments.SkillGraph(tenant, skills, edges);
        var insertSkill = Q($"INSERT INTO {{S}}.skills ({SkillColumns}) VALUES ($1, $2, $3, $4, $5, 1, $6, $7) ON CONFLICT DO NOTHING");
        var insertEdge = Q("""
            INSERT INTO {S}.skill_edges (tenant_id, from_id, to_id, kind, weight)
            SELECT $1, $2, $3, $4, $5
            WHERE EXISTS (SELECT 1 FROM {S}.skills WHERE tenant_id = $1 AND id = $2)
              AND EXISTS (SELECT 1 FROM {S}.skills WHERE tenant_id = $1 AND id = $3)
            ON CONFLICT DO NOTHING
            """);
        return WriteAsync(
            tenant,
            async (w, ct) =>
            {
                for (var from = 0; from < skills.Count; from += RowsPerRoundTrip)
                {
                    var count = Math.Min(RowsPerRoundTrip, skills.Count - from);
                    var commands = new List<NpgsqlBatchCommand>(count);
                    for (var i = from; i < from + count; i++)
                    {
                        var skill = skills[i];
                        var insert = new NpgsqlBatchCommand(insertSkill);
                        AddSkillRow(insert.Parameters, skill); // its tenant was checked to be this one
                        commands.Add(insert);
                    }

                    var affected = await w.NonQueryBatchAsync(commands, ct).ConfigureAwait(false);
                    for (var i = 0; i < count; i++)
                    {
                        var skill = skills[from + i];
                        if (affected[i] == 0)
                        {
                            throw new DuplicateEntityException(nameof(Skill), skill.Id.Value);
                        }

                        await w.AppendChangeAsync(ChangeKind.SkillCreated, skill.Id.Value, 1, skill.CreatedAt, null, null, ct).ConfigureAwait(false);
                    }
                }

                var added = 0;
                for (var from = 0; from < edges.Count; from += RowsPerRoundTrip)
                {
                    var count = Math.Min(RowsPerRoundTrip, edges.Count - from);
                    var commands = new List<NpgsqlBatchCommand>(count);
                    for (var i = from; i < from + count; i++)
                    {
                        var edge = edges[i];

                        // Both ends are checked in the insert itself; only when nothing was inserted is it worth asking why.
                        var insert = new NpgsqlBatchCommand(insertEdge);
                        AddEdgeRow(insert.Parameters, edge);
                        commands.Add(insert);
                    }

                    var affected = await w.NonQueryBatchAsync(commands, ct).ConfigureAwait(false);
                    for (var i = 0; i < count; i++)
                    {
                        var edge = edges[from + i];
                        if (affected[i] == 0)
                        {
                            await RequireAsync(w, "skills", nameof(Skill), edge.From.Value, $"edges[{from + i}].From", ct).ConfigureAwait(false);
                            await RequireAsync(w, "skills", nameof(Skill), edge.To.Value, $"edges[{from + i}].To", ct).ConfigureAwait(false);
                            continue; // the edge exists
                        }

                        await w.AppendChangeAsync(ChangeKind.SkillEdgeAdded, StoreArguments.EdgeEntityId(edge.From, edge.To, edge.Kind), 0, default, null, null, ct).ConfigureAwait(false);
                        added++;
                    }
                }

                return added;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> AddSkillEdgeAsync(SkillEdge edge, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(edge, edge?.Tenant ?? default, nameof(edge));
        return WriteAsync(
            edge.Tenant,
            async (w, ct) =>
            {
                await RequireAsync(w, "skills", nameof(Skill), edge.From.Value, "edge.From", ct).ConfigureAwait(false);
                await RequireAsync(w, "skills", nameof(Skill), edge.To.Value, "edge.To", ct).ConfigureAwait(false);
                var insert = w.Command("""
                    INSERT INTO {S}.skill_edges (tenant_id, from_id, to_id, kind, weight) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT DO NOTHING
                    """);
                await using (insert.ConfigureAwait(false))
                {
                    AddEdgeRow(insert.Parameters, edge);
                    if (await w.NonQueryAsync(insert, ct).ConfigureAwait(false) == 0)
                    {
                        return false;
                    }
                }

                await w.AppendChangeAsync(ChangeKind.SkillEdgeAdded, StoreArguments.EdgeEntityId(edge.From, edge.To, edge.Kind), 0, default, null, null, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveSkillEdgeAsync(TenantId tenant, SkillId from, SkillId to, SkillEdgeKind kind, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return WriteAsync(
            tenant,
            async (w, ct) =>
            {
                var delete = w.Command("DELETE FROM {S}.skill_edges WHERE tenant_id = $1 AND from_id = $2 AND to_id = $3 AND kind = $4");
                await using (delete.ConfigureAwait(false))
                {
                    delete.Parameters.Add(Text(tenant.Value));
                    delete.Parameters.Add(Text(from.Value));
                    delete.Parameters.Add(Text(to.Value));
                    delete.Parameters.Add(Small((int)kind));
                    if (await w.NonQueryAsync(delete, ct).ConfigureAwait(false) == 0)
                    {
                        return false;
                    }
                }

                await w.AppendChangeAsync(ChangeKind.SkillEdgeRemoved, StoreArguments.EdgeEntityId(from, to, kind), 0, default, null, null, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SkillEdge> ListSkillEdgesAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return PagedAsync<SkillEdge>(
            tenant.Value,
            "SELECT tenant_id, from_id, to_id, kind, weight FROM {S}.skill_edges WHERE tenant_id = $1 ORDER BY from_id, to_id, kind LIMIT $2",
            "SELECT tenant_id, from_id, to_id, kind, weight FROM {S}.skill_edges WHERE tenant_id = $1 AND (from_id, to_id, kind) > ($3, $4, $5) ORDER BY from_id, to_id, kind LIMIT $2",
            (p, last) =>
            {
                p.Add(Text(tenant.Value));
                if (last is not null)
                {
                    p.Add(Text(last.From.Value));
                    p.Add(Text(last.To.Value));
                    p.Add(Small((int)last.Kind));
                }
            },
            r => new SkillEdge
            {
                Tenant = new TenantId(r.GetString(0)),
                From = new SkillId(r.GetString(1)),
                To = new SkillId(r.GetString(2)),
                Kind = (SkillEdgeKind)r.GetInt16(3),
                Weight = r.GetDouble(4),
            },
            null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> AppendEvidenceAsync(ProficiencyEvidence evidence, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(evidence, evidence?.Tenant ?? default, nameof(evidence));
        StoreArguments.IdempotencyKey(idempotencyKey);
        return WriteAsync(
            evidence.Tenant,
            async (w, ct) =>
            {
                if (await ClaimKeyAsync(w, "evidence", idempotencyKey, ct).ConfigureAwait(false) is false)
                {
                    return false;
                }

                await RequireAsync(w, "learners", nameof(Learner), evidence.Learner.Value, "evidence.Learner", ct).ConfigureAwait(false);
                await RequireAsync(w, "skills", nameof(Skill), evidence.Skill.Value, "evidence.Skill", ct).ConfigureAwait(false);
                var insert = w.Command("""
                    INSERT INTO {S}.evidence (tenant_id, learner_id, skill_id, source, level, given_by, observed_ticks, observed_offset)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """);
                await using (insert.ConfigureAwait(false))
                {
                    insert.Parameters.Add(Text(evidence.Tenant.Value));
                    insert.Parameters.Add(Text(evidence.Learner.Value));
                    insert.Parameters.Add(Text(evidence.Skill.Value));
                    insert.Parameters.Add(Small((int)evidence.Source));
                    insert.Parameters.Add(Float(evidence.Level));
                    insert.Parameters.Add(Text(evidence.GivenBy?.Value));
                    insert.Parameters.Add(Big(Ticks(evidence.ObservedAt)));
                    insert.Parameters.Add(Small(OffsetMinutes(evidence.ObservedAt)));
                    await w.NonQueryAsync(insert, ct).ConfigureAwait(false);
                }

                await w.AppendChangeAsync(ChangeKind.EvidenceAppended, evidence.Skill.Value, 0, evidence.ObservedAt, evidence.Learner, null, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ProficiencyEvidence> ListEvidenceAsync(TenantId tenant, LearnerId? learner = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        const string Columns = "seq, tenant_id, learner_id, skill_id, source, level, given_by, observed_ticks, observed_offset";
        var sql = learner is null
            ? $"SELECT {Columns} FROM {{S}}.evidence WHERE tenant_id = $1 AND seq > $3 ORDER BY seq LIMIT $2"
            : $"SELECT {Columns} FROM {{S}}.evidence WHERE tenant_id = $1 AND seq > $3 AND learner_id = $4 ORDER BY seq LIMIT $2";
        var rows = PagedAsync<Sequenced<ProficiencyEvidence>>(
            tenant.Value,
            sql,
            sql,
            (p, last) =>
            {
                p.Add(Text(tenant.Value));
                p.Add(Big(last?.Seq ?? 0));
                if (learner is not null)
                {
                    p.Add(Text(learner.Value.Value));
                }
            },
            r => new Sequenced<ProficiencyEvidence>(r.GetInt64(0), new ProficiencyEvidence
            {
                Tenant = new TenantId(r.GetString(1)),
                Learner = new LearnerId(r.GetString(2)),
                Skill = new SkillId(r.GetString(3)),
                Source = (EvidenceSource)r.GetInt16(4),
                Level = r.GetDouble(5),
                GivenBy = r.IsDBNull(6) ? null : new LearnerId(r.GetString(6)),
                ObservedAt = Time(r.GetInt64(7), r.GetInt16(8)),
            }),
            null,
            cancellationToken);
        return Unwrap(rows, cancellationToken);
    }

    // ---------------------------------------------------------------- shared pieces

    /// <summary>
    /// Claims an idempotency key in this transaction. Returns null without a key, true when the key is new (the claim
    /// is rolled back with the transaction if the write fails), false when an earlier write with the key committed.
    /// A concurrent write with the same key waits here until the first one commits or rolls back.
    /// </summary>
    private static async Task<bool?> ClaimKeyAsync(WriteScope w, string scope, string? key, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return null;
        }

        var claim = w.Command("INSERT INTO {S}.idempotency (tenant_id, scope, key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
        await using var claimScope = claim.ConfigureAwait(false);
        claim.Parameters.Add(Text(w.Tenant.Value));
        claim.Parameters.Add(Text(scope));
        claim.Parameters.Add(Text(key));
        return await w.NonQueryAsync(claim, cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<T> ReplayAsync<T>(WriteScope w, string scope, string key, string table, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        var replay = w.RawCommand($"SELECT r.* FROM {_schema}.idempotency i CROSS JOIN LATERAL jsonb_populate_record(NULL::{_schema}.{table}, i.payload) r WHERE i.tenant_id = $1 AND i.scope = $2 AND i.key = $3");
        await using var replayScope = replay.ConfigureAwait(false);
        replay.Parameters.Add(Text(w.Tenant.Value));
        replay.Parameters.Add(Text(scope));
        replay.Parameters.Add(Text(key));
        var reader = await w.ReaderAsync(replay, cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new SocialLearningStorageException($"The result of idempotency key '{key}' ({scope}) is missing.");
        }

        return map(reader);
    }

    private async Task RequireAsync(WriteScope w, string table, string entityType, string id, string field, CancellationToken cancellationToken)
    {
        var exists = w.RawCommand($"SELECT EXISTS (SELECT 1 FROM {_schema}.{table} WHERE tenant_id = $1 AND id = $2)");
        await using var existsScope = exists.ConfigureAwait(false);
        exists.Parameters.Add(Text(w.Tenant.Value));
        exists.Parameters.Add(Text(id));
        if (!(bool)(await w.ScalarAsync(exists, cancellationToken).ConfigureAwait(false))!)
        {
            throw new EntityNotFoundException(entityType, id, field);
        }
    }

    private async Task ThrowMissingOrConflictAsync(WriteScope w, string table, string entityType, string id, string field, long expectedVersion, CancellationToken cancellationToken)
    {
        var current = w.RawCommand($"SELECT version FROM {_schema}.{table} WHERE tenant_id = $1 AND id = $2");
        await using var currentScope = current.ConfigureAwait(false);
        current.Parameters.Add(Text(w.Tenant.Value));
        current.Parameters.Add(Text(id));
        var version = await w.ScalarAsync(current, cancellationToken).ConfigureAwait(false);
        if (version is not long actual)
        {
            throw new EntityNotFoundException(entityType, id, field);
        }

        throw new VersionConflictException(entityType, id, expectedVersion, actual);
    }

    private static async Task<(long Version, DateTimeOffset CreatedAt)> ReadVersionAndTimeAsync(WriteScope w, NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var reader = await w.ReaderAsync(command, cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.GetInt64(0), Time(reader.GetInt64(1), reader.GetInt16(2)))
            : (0, default);
    }

    private Task<T?> GetOneAsync<T>(TenantId tenant, string sql, string id, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
        where T : class =>
        ReadAsync<T?>(
            tenant.Value,
            allTenants: false,
            () =>
            {
                var query = new NpgsqlBatchCommand(Q(sql));
                query.Parameters.Add(Text(tenant.Value));
                query.Parameters.Add(Text(id));
                return query;
            },
            async (reader, ct) => await reader.ReadAsync(ct).ConfigureAwait(false) ? map(reader) : null,
            cancellationToken);

    private static void BindTenantAndKey(NpgsqlParameterCollection parameters, TenantId tenant, string? afterId)
    {
        parameters.Add(Text(tenant.Value));
        if (afterId is not null)
        {
            parameters.Add(Text(afterId));
        }
    }

    private static async IAsyncEnumerable<T> Unwrap<T>(IAsyncEnumerable<Sequenced<T>> rows, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return row.Item;
        }
    }

    private static Learner MapLearner(NpgsqlDataReader r) => new()
    {
        Tenant = new TenantId(r.GetString(0)),
        Id = new LearnerId(r.GetString(1)),
        DisplayName = r.GetString(2),
        Team = NullableString(r, 3),
        Roles = r.GetFieldValue<string[]>(4),
        Version = r.GetInt64(5),
        CreatedAt = Time(r.GetInt64(6), r.GetInt16(7)),
    };

    private static Skill MapSkill(NpgsqlDataReader r) => new()
    {
        Tenant = new TenantId(r.GetString(0)),
        Id = new SkillId(r.GetString(1)),
        Name = r.GetString(2),
        Aliases = r.GetFieldValue<string[]>(3),
        Description = NullableString(r, 4),
        Version = r.GetInt64(5),
        CreatedAt = Time(r.GetInt64(6), r.GetInt16(7)),
    };

    /// <summary>A row with its insertion sequence, for keyset paging of append-only logs.</summary>
    internal sealed record Sequenced<T>(long Seq, T Item);
}
