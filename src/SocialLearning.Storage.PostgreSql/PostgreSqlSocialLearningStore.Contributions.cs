using Npgsql;

namespace SocialLearning.Storage.PostgreSql;

/// <content>Contributions, revisions, interactions, counters and the change feed.</content>
internal sealed partial class PostgreSqlSocialLearningStore
{
    private const string ContributionColumns =
        "tenant_id, id, kind, author_id, title, body, skills, context_keys, audience_teams, audience_roles, status, parent_id, url, version, " +
        "created_ticks, created_offset, updated_ticks, updated_offset, updated_by, reviewed_by, reviewed_ticks, reviewed_offset, " +
        "featured_by, featured_until_ticks, featured_until_offset";

    private const string RevisionColumns = "tenant_id, contribution_id, version, title, body, edited_by, edited_ticks, edited_offset";

    private const string CounterColumns = "views, helpful, not_helpful, saves, dismissals, shares, accepts, endorsements, flags";

    private const string ChangeColumns = "position, tenant_id, kind, entity_id, version, learner_id, interaction_kind, occurred_ticks, occurred_offset";

    /// <inheritdoc />
    public Task<Contribution> CreateContributionAsync(Contribution contribution, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(contribution, contribution?.Tenant ?? default, nameof(contribution));
        StoreArguments.IdempotencyKey(idempotencyKey);
        return WriteAsync(
            contribution.Tenant,
            async (w, ct) =>
            {
                if (await ClaimKeyAsync(w, "contribution", idempotencyKey, ct).ConfigureAwait(false) is false)
                {
                    return await ReplayAsync(w, "contribution", idempotencyKey!, "contributions", MapContribution, ct).ConfigureAwait(false);
                }

                var stored = contribution with { Version = 1 };
                var insert = w.Command($$"""
                    INSERT INTO {S}.contributions ({{ContributionColumns}})
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
                    ON CONFLICT DO NOTHING
                    """);
                await using (insert.ConfigureAwait(false))
                {
                    BindContribution(insert.Parameters, stored);
                    if (await w.NonQueryAsync(insert, ct).ConfigureAwait(false) == 0)
                    {
                        throw new DuplicateEntityException(nameof(Contribution), contribution.Id.Value);
                    }
                }

                await RequireAsync(w, "learners", nameof(Learner), contribution.Author.Value, "contribution.Author", ct).ConfigureAwait(false);
                await InsertRevisionAsync(w, stored, ct).ConfigureAwait(false);
                var rest = w.Command("""
                    WITH c AS (INSERT INTO {S}.counters (tenant_id, contribution_id) VALUES ($1, $2))
                    UPDATE {S}.idempotency SET payload = (SELECT to_jsonb(x) FROM {S}.contributions x WHERE x.tenant_id = $1 AND x.id = $2)
                    WHERE tenant_id = $1 AND scope = 'contribution' AND key = $3
                    """);
                await using (rest.ConfigureAwait(false))
                {
                    rest.Parameters.Add(Text(contribution.Tenant.Value));
                    rest.Parameters.Add(Text(contribution.Id.Value));
                    rest.Parameters.Add(Text(idempotencyKey));
                    await w.NonQueryAsync(rest, ct).ConfigureAwait(false);
                }

                await w.AppendChangeAsync(ChangeKind.ContributionCreated, contribution.Id.Value, 1, contribution.CreatedAt, contribution.Author, null, ct).ConfigureAwait(false);
                return stored;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Contribution> UpdateContributionAsync(Contribution contribution, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.Entity(contribution, contribution?.Tenant ?? default, nameof(contribution));
        StoreArguments.ExpectedVersion(expectedVersion);
        return WriteAsync(
            contribution.Tenant,
            async (w, ct) =>
            {
                var update = w.Command("""
                    UPDATE {S}.contributions SET kind = $3, title = $5, body = $6, skills = $7, context_keys = $8, audience_teams = $9,
                        audience_roles = $10, status = $11, parent_id = $12, url = $13, updated_ticks = $16, updated_offset = $17,
                        updated_by = $18, reviewed_by = $19, reviewed_ticks = $20, reviewed_offset = $21,
                        featured_by = $22, featured_until_ticks = $23, featured_until_offset = $24, version = version + 1
                    WHERE tenant_id = $1 AND id = $2 AND version = $25
                    RETURNING version, created_ticks, created_offset, author_id
                    """);
                await using var updateScope = update.ConfigureAwait(false);
                BindContribution(update.Parameters, contribution);
                update.Parameters.Add(Big(expectedVersion));
                long version = 0;
                DateTimeOffset createdAt = default;
                LearnerId author = default;
                var reader = await w.ReaderAsync(update, ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        version = reader.GetInt64(0);
                        createdAt = Time(reader.GetInt64(1), reader.GetInt16(2));
                        author = new LearnerId(reader.GetString(3));
                    }
                }

                if (version == 0)
                {
                    await ThrowMissingOrConflictAsync(w, "contributions", nameof(Contribution), contribution.Id.Value, "contribution.Id", expectedVersion, ct).ConfigureAwait(false);
                }

                var stored = contribution with { Version = version, CreatedAt = createdAt, Author = author };
                await InsertRevisionAsync(w, stored, ct).ConfigureAwait(false);
                await w.AppendChangeAsync(ChangeKind.ContributionUpdated, contribution.Id.Value, version, stored.UpdatedAt, stored.UpdatedBy, null, ct).ConfigureAwait(false);
                return stored;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Contribution?> GetContributionAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return GetOneAsync(tenant, $"SELECT {ContributionColumns} FROM {{S}}.contributions WHERE tenant_id = $1 AND id = $2", id.Value, MapContribution, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Contribution> ListContributionsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return PagedAsync<Contribution>(
            tenant.Value,
            $"SELECT {ContributionColumns} FROM {{S}}.contributions WHERE tenant_id = $1 ORDER BY id LIMIT $2",
            $"SELECT {ContributionColumns} FROM {{S}}.contributions WHERE tenant_id = $1 AND id > $3 ORDER BY id LIMIT $2",
            (p, last) => BindTenantAndKey(p, tenant, last?.Id.Value),
            MapContribution,
            null,
            cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ContributionRevision> ListRevisionsAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return PagedAsync<ContributionRevision>(
            tenant.Value,
            $"SELECT {RevisionColumns} FROM {{S}}.revisions WHERE tenant_id = $1 AND contribution_id = $3 AND version > $4 ORDER BY version LIMIT $2",
            $"SELECT {RevisionColumns} FROM {{S}}.revisions WHERE tenant_id = $1 AND contribution_id = $3 AND version > $4 ORDER BY version LIMIT $2",
            (p, last) =>
            {
                p.Add(Text(tenant.Value));
                p.Add(Text(id.Value));
                p.Add(Big(last?.Version ?? 0));
            },
            r => new ContributionRevision
            {
                Tenant = new TenantId(r.GetString(0)),
                ContributionId = new ContributionId(r.GetString(1)),
                Version = r.GetInt64(2),
                Title = r.GetString(3),
                Body = r.GetString(4),
                EditedBy = new LearnerId(r.GetString(5)),
                EditedAt = Time(r.GetInt64(6), r.GetInt16(7)),
            },
            () => throw new EntityNotFoundException(nameof(Contribution), id.Value ?? "(default)", "id"),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<InteractionResult> AppendInteractionAsync(Interaction interaction, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Interaction(interaction);
        StoreArguments.IdempotencyKey(idempotencyKey);
        return WriteAsync(interaction.Tenant, (w, ct) => AppendInteractionCoreAsync(w, interaction, idempotencyKey, ct), cancellationToken);
    }

    /// <summary>
    /// Appends interactions of one tenant in a single transaction (one commit for the batch), with the same rules as
    /// <see cref="AppendInteractionAsync"/>. For bulk imports and the storage benchmarks' batch path.
    /// </summary>
    internal Task<IReadOnlyList<InteractionResult>> AppendInteractionsAsync(IReadOnlyList<Interaction> interactions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        if (interactions.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<InteractionResult>>([]);
        }

        foreach (var interaction in interactions)
        {
            StoreArguments.Interaction(interaction);
            if (interaction.Tenant != interactions[0].Tenant)
            {
                throw new ArgumentException("A batch of interactions must belong to one tenant.", nameof(interactions));
            }
        }

        return WriteAsync<IReadOnlyList<InteractionResult>>(
            interactions[0].Tenant,
            async (w, ct) =>
            {
                var results = new InteractionResult[interactions.Count];
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = await AppendInteractionCoreAsync(w, interactions[i], null, ct).ConfigureAwait(false);
                }

                return results;
            },
            cancellationToken);
    }

    private async Task<InteractionResult> AppendInteractionCoreAsync(WriteScope w, Interaction interaction, string? idempotencyKey, CancellationToken ct)
    {
        // Lock the item's counters row first: interactions with one item are serialized, so the slot check and
        // the counter deltas below are exact; the slot's unique key still guards against any other writer.
        ContributionCounters? counters = null;
        var learnerExists = false;
        var lockCounters = w.Command($$"""
                    SELECT {{CounterColumns}}, EXISTS (SELECT 1 FROM {S}.learners WHERE tenant_id = $1 AND id = $3)
                    FROM {S}.counters WHERE tenant_id = $1 AND contribution_id = $2 FOR UPDATE
                    """);
        await using (lockCounters.ConfigureAwait(false))
        {
            lockCounters.Parameters.Add(Text(interaction.Tenant.Value));
            lockCounters.Parameters.Add(Text(interaction.ContributionId.Value));
            lockCounters.Parameters.Add(Text(interaction.Learner.Value));
            var reader = await w.ReaderAsync(lockCounters, ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            if (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                counters = MapCounters(reader);
                learnerExists = reader.GetBoolean(9);
            }
        }

        if (counters is null)
        {
            throw new EntityNotFoundException(nameof(Contribution), interaction.ContributionId.Value, "interaction.ContributionId");
        }

        if (!learnerExists)
        {
            throw new EntityNotFoundException(nameof(Learner), interaction.Learner.Value, "interaction.Learner");
        }

        if (await ClaimKeyAsync(w, "interaction", idempotencyKey, ct).ConfigureAwait(false) is false)
        {
            return new InteractionResult { Outcome = InteractionOutcome.AlreadyRecorded, Counters = counters };
        }

        var outcome = InteractionOutcome.Recorded;
        InteractionKind? previous = null;
        var slot = InteractionRules.UniqueSlot(interaction.Kind);
        if (slot is not null)
        {
            var upsert = w.Command("""
                        WITH old AS (
                            SELECT kind FROM {S}.interaction_slots
                            WHERE tenant_id = $1 AND contribution_id = $2 AND learner_id = $3 AND slot = $4 FOR UPDATE),
                        up AS (
                            INSERT INTO {S}.interaction_slots (tenant_id, contribution_id, learner_id, slot, kind) VALUES ($1, $2, $3, $4, $5)
                            ON CONFLICT (tenant_id, contribution_id, learner_id, slot) DO UPDATE SET kind = EXCLUDED.kind
                            WHERE {S}.interaction_slots.kind <> EXCLUDED.kind
                            RETURNING 1)
                        SELECT (SELECT kind FROM old), (SELECT count(*) FROM up)
                        """);
            await using var upsertScope = upsert.ConfigureAwait(false);
            upsert.Parameters.Add(Text(interaction.Tenant.Value));
            upsert.Parameters.Add(Text(interaction.ContributionId.Value));
            upsert.Parameters.Add(Text(interaction.Learner.Value));
            upsert.Parameters.Add(Text(slot));
            upsert.Parameters.Add(Small((int)interaction.Kind));
            var reader = await w.ReaderAsync(upsert, ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            previous = reader.IsDBNull(0) ? null : (InteractionKind)reader.GetInt16(0);
            if (previous == interaction.Kind)
            {
                // Same fact again: nothing is written and the idempotency claim rolls back with the transaction.
                return new InteractionResult { Outcome = InteractionOutcome.AlreadyRecorded, Counters = counters };
            }

            if (previous is not null)
            {
                counters = counters.Add(previous.Value, -1);
                outcome = InteractionOutcome.Replaced;
            }
        }

        counters = counters.Add(interaction.Kind, 1);
        var decrement = previous is null ? string.Empty : $", {CounterColumn(previous.Value)} = {CounterColumn(previous.Value)} - 1";
        var write = w.RawCommand($"""
                    WITH i AS (
                        INSERT INTO {_schema}.interactions (tenant_id, contribution_id, learner_id, kind, occurred_ticks, occurred_offset, note)
                        VALUES ($1, $2, $3, $4, $5, $6, $7))
                    UPDATE {_schema}.counters SET {CounterColumn(interaction.Kind)} = {CounterColumn(interaction.Kind)} + 1{decrement}
                    WHERE tenant_id = $1 AND contribution_id = $2
                    """);
        await using (write.ConfigureAwait(false))
        {
            write.Parameters.Add(Text(interaction.Tenant.Value));
            write.Parameters.Add(Text(interaction.ContributionId.Value));
            write.Parameters.Add(Text(interaction.Learner.Value));
            write.Parameters.Add(Small((int)interaction.Kind));
            write.Parameters.Add(Big(Ticks(interaction.OccurredAt)));
            write.Parameters.Add(Small(OffsetMinutes(interaction.OccurredAt)));
            write.Parameters.Add(Text(interaction.Note));
            await w.NonQueryAsync(write, ct).ConfigureAwait(false);
        }

        await w.AppendChangeAsync(ChangeKind.InteractionRecorded, interaction.ContributionId.Value, 0, interaction.OccurredAt, interaction.Learner, interaction.Kind, ct).ConfigureAwait(false);
        return new InteractionResult { Outcome = outcome, Counters = counters };
    }

    /// <inheritdoc />
    public Task<ContributionCounters> GetCountersAsync(TenantId tenant, ContributionId id, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        return ReadAsync(
            tenant.Value,
            allTenants: false,
            () =>
            {
                var query = new NpgsqlBatchCommand(Q($"SELECT {CounterColumns} FROM {{S}}.counters WHERE tenant_id = $1 AND contribution_id = $2"));
                query.Parameters.Add(Text(tenant.Value));
                query.Parameters.Add(Text(id.Value));
                return query;
            },
            async (reader, ct) => await reader.ReadAsync(ct).ConfigureAwait(false)
                ? MapCounters(reader)
                : throw new EntityNotFoundException(nameof(Contribution), id.Value ?? "(default)", "id"),
            cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Interaction> ListInteractionsAsync(TenantId tenant, ContributionId? contribution = null, LearnerId? learner = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Tenant(tenant);
        const string Select = "SELECT seq, tenant_id, contribution_id, learner_id, kind, occurred_ticks, occurred_offset, note FROM {S}.interactions WHERE tenant_id = $1 AND seq > $3";
        var sql = (contribution, learner) switch
        {
            (null, null) => Select + " ORDER BY seq LIMIT $2",
            (not null, null) => Select + " AND contribution_id = $4 ORDER BY seq LIMIT $2",
            (null, not null) => Select + " AND learner_id = $4 ORDER BY seq LIMIT $2",
            _ => Select + " AND contribution_id = $4 AND learner_id = $5 ORDER BY seq LIMIT $2",
        };
        var rows = PagedAsync<Sequenced<Interaction>>(
            tenant.Value,
            sql,
            sql,
            (p, last) =>
            {
                p.Add(Text(tenant.Value));
                p.Add(Big(last?.Seq ?? 0));
                if (contribution is not null)
                {
                    p.Add(Text(contribution.Value.Value));
                }

                if (learner is not null)
                {
                    p.Add(Text(learner.Value.Value));
                }
            },
            r => new Sequenced<Interaction>(r.GetInt64(0), new Interaction
            {
                Tenant = new TenantId(r.GetString(1)),
                ContributionId = new ContributionId(r.GetString(2)),
                Learner = new LearnerId(r.GetString(3)),
                Kind = (InteractionKind)r.GetInt16(4),
                OccurredAt = Time(r.GetInt64(5), r.GetInt16(6)),
                Note = NullableString(r, 7),
            }),
            null,
            cancellationToken);
        return Unwrap(rows, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ChangeBatch> ReadChangesAsync(long afterPosition, int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.ChangeRange(afterPosition, maxCount);
        if (tenant is { IsDefault: true })
        {
            throw new ArgumentException("tenant must be null (every tenant) or a set tenant id.", nameof(tenant));
        }

        // One statement, so the head and the rows come from one snapshot. Positions are commit-ordered (see
        // WriteScope.AppendChangeAsync), so the rows above afterPosition that this snapshot sees have no holes below them.
        var sql = tenant is null
            ? $"SELECT h.position, c.* FROM {{S}}.feed_head h LEFT JOIN LATERAL (SELECT {ChangeColumns} FROM {{S}}.changes WHERE position > $1 ORDER BY position LIMIT $2) c ON true"
            : $"SELECT h.position, c.* FROM {{S}}.feed_head h LEFT JOIN LATERAL (SELECT {ChangeColumns} FROM {{S}}.changes WHERE tenant_id = $3 AND position > $1 ORDER BY position LIMIT $2) c ON true";
        return ReadChangesCoreAsync(afterPosition, maxCount, tenant, sql, cancellationToken);
    }

    private async Task<ChangeBatch> ReadChangesCoreAsync(long afterPosition, int maxCount, TenantId? tenant, string sql, CancellationToken cancellationToken)
    {
        // Number committed changes that are still waiting for a position (cheap when there are none), so a write is in
        // the feed as soon as it has returned, whichever instance made it.
        await AssignPositionsAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(
            tenant?.Value,
            allTenants: tenant is null,
            () =>
            {
                var query = new NpgsqlBatchCommand(Q(sql));
                query.Parameters.Add(Big(afterPosition));
                query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
                if (tenant is not null)
                {
                    query.Parameters.Add(Text(tenant.Value.Value));
                }

                return query;
            },
            async (reader, ct) =>
            {
                var changes = new List<Change>(Math.Min(maxCount, 256));
                long head = 0;
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        head = reader.GetInt64(0);
                        if (reader.IsDBNull(1))
                        {
                            continue;
                        }

                        changes.Add(new Change
                        {
                            Position = reader.GetInt64(1),
                            Tenant = new TenantId(reader.GetString(2)),
                            Kind = (ChangeKind)reader.GetInt16(3),
                            EntityId = reader.GetString(4),
                            Version = reader.GetInt64(5),
                            Learner = reader.IsDBNull(6) ? null : new LearnerId(reader.GetString(6)),
                            InteractionKind = reader.IsDBNull(7) ? null : (InteractionKind)reader.GetInt16(7),
                            OccurredAt = Time(reader.GetInt64(8), reader.GetInt16(9)),
                        });
                    }
                }

                // Like the reference store: a full page ends at its last change; a short page has scanned to the head.
                var last = changes.Count == maxCount ? changes[^1].Position : Math.Max(afterPosition, head);
                return new ChangeBatch { Changes = changes, LastPosition = last };
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default) => AssignPositionsAsync(cancellationToken);

    private static void BindContribution(NpgsqlParameterCollection p, Contribution c)
    {
        p.Add(Text(c.Tenant.Value));
        p.Add(Text(c.Id.Value));
        p.Add(Small((int)c.Kind));
        p.Add(Text(c.Author.Value));
        p.Add(Text(c.Title));
        p.Add(Text(c.Body));
        p.Add(TextArray(c.Skills.Select(s => s.Value)));
        p.Add(TextArray(c.ContextKeys.Select(k => k.Value)));
        p.Add(TextArray(c.Audience.Teams));
        p.Add(TextArray(c.Audience.Roles));
        p.Add(Small((int)c.Status));
        p.Add(Text(c.ParentId?.Value));
        p.Add(Text(c.Url?.OriginalString));
        p.Add(Big(Ticks(c.CreatedAt)));
        p.Add(Small(OffsetMinutes(c.CreatedAt)));
        p.Add(Big(Ticks(c.UpdatedAt)));
        p.Add(Small(OffsetMinutes(c.UpdatedAt)));
        p.Add(Text(c.UpdatedBy?.Value));
        p.Add(Text(c.ReviewedBy?.Value));
        p.Add(BigOrNull(c.ReviewedAt is { } reviewedAt ? Ticks(reviewedAt) : null));
        p.Add(SmallOrNull(c.ReviewedAt is { } reviewedAtOffset ? OffsetMinutes(reviewedAtOffset) : null));
        p.Add(Text(c.FeaturedBy?.Value));
        p.Add(BigOrNull(c.FeaturedUntil is { } featuredUntil ? Ticks(featuredUntil) : null));
        p.Add(SmallOrNull(c.FeaturedUntil is { } featuredUntilOffset ? OffsetMinutes(featuredUntilOffset) : null));
    }

    private static async Task InsertRevisionAsync(WriteScope w, Contribution c, CancellationToken cancellationToken)
    {
        var editedAt = c.Version == 1 ? c.CreatedAt : c.UpdatedAt;
        var insert = w.Command($"INSERT INTO {{S}}.revisions ({RevisionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        await using var insertScope = insert.ConfigureAwait(false);
        insert.Parameters.Add(Text(c.Tenant.Value));
        insert.Parameters.Add(Text(c.Id.Value));
        insert.Parameters.Add(Big(c.Version));
        insert.Parameters.Add(Text(c.Title));
        insert.Parameters.Add(Text(c.Body));
        insert.Parameters.Add(Text((c.UpdatedBy ?? c.Author).Value));
        insert.Parameters.Add(Big(Ticks(editedAt)));
        insert.Parameters.Add(Small(OffsetMinutes(editedAt)));
        await w.NonQueryAsync(insert, cancellationToken).ConfigureAwait(false);
    }

    private static string CounterColumn(InteractionKind kind) => kind switch
    {
        InteractionKind.Viewed => "views",
        InteractionKind.Helpful => "helpful",
        InteractionKind.NotHelpful => "not_helpful",
        InteractionKind.Saved => "saves",
        InteractionKind.Dismissed => "dismissals",
        InteractionKind.Shared => "shares",
        InteractionKind.Accepted => "accepts",
        InteractionKind.Endorsed => "endorsements",
        InteractionKind.Flagged => "flags",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown interaction kind."),
    };

    private static ContributionCounters MapCounters(NpgsqlDataReader r) => new()
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

    private static Contribution MapContribution(NpgsqlDataReader r)
    {
        var teams = r.GetFieldValue<string[]>(8);
        var roles = r.GetFieldValue<string[]>(9);
        return new Contribution
        {
            Tenant = new TenantId(r.GetString(0)),
            Id = new ContributionId(r.GetString(1)),
            Kind = (ContributionKind)r.GetInt16(2),
            Author = new LearnerId(r.GetString(3)),
            Title = r.GetString(4),
            Body = r.GetString(5),
            Skills = Array.ConvertAll(r.GetFieldValue<string[]>(6), s => new SkillId(s)),
            ContextKeys = Array.ConvertAll(r.GetFieldValue<string[]>(7), k => ContextKey.Parse(k)),
            Audience = teams.Length == 0 && roles.Length == 0 ? Audience.Everyone : new Audience { Teams = teams, Roles = roles },
            Status = (ContributionStatus)r.GetInt16(10),
            ParentId = r.IsDBNull(11) ? null : new ContributionId(r.GetString(11)),
            Url = r.IsDBNull(12) ? null : new Uri(r.GetString(12), UriKind.RelativeOrAbsolute),
            Version = r.GetInt64(13),
            CreatedAt = Time(r.GetInt64(14), r.GetInt16(15)),
            UpdatedAt = Time(r.GetInt64(16), r.GetInt16(17)),
            UpdatedBy = r.IsDBNull(18) ? null : new LearnerId(r.GetString(18)),
            ReviewedBy = r.IsDBNull(19) ? null : new LearnerId(r.GetString(19)),
            ReviewedAt = r.IsDBNull(20) ? null : Time(r.GetInt64(20), r.GetInt16(21)),
            FeaturedBy = r.IsDBNull(22) ? null : new LearnerId(r.GetString(22)),
            FeaturedUntil = r.IsDBNull(23) ? null : Time(r.GetInt64(23), r.GetInt16(24)),
        };
    }
}
