using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace SocialLearning.Storage.PostgreSql.ConformanceTests;

/// <summary>Row-level security as the second wall, pooled connections, and schema migration.</summary>
public sealed class SecurityAndSchemaTests : IAsyncLifetime
{
    private readonly string _schema = PostgreSqlTestDatabase.NewSchema();
    private readonly List<ServiceProvider> _instances = [];
    private readonly NpgsqlDataSource _raw = NpgsqlDataSource.Create(PostgreSqlTestDatabase.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await _raw.DisposeAsync();
        await PostgreSqlTestDatabase.DropSchemaAsync(_schema);
    }

    private ISocialLearningStore NewStore(Action<PostgreSqlStorageOptions>? configure = null)
    {
        var instance = PostgreSqlTestDatabase.CreateInstance(_schema, configure);
        _instances.Add(instance);
        return instance.GetRequiredService<ISocialLearningStore>();
    }

    private async Task SeedTwoTenantsAsync(ISocialLearningStore store)
    {
        foreach (var tenant in new[] { "acme", "globex" })
        {
            var t = new TenantId(tenant);
            await store.CreateLearnerAsync(new Learner { Tenant = t, Id = new LearnerId("ann"), DisplayName = "Ann" });
            await store.CreateContributionAsync(new Contribution { Tenant = t, Id = new ContributionId("tip"), Kind = ContributionKind.Tip, Author = new LearnerId("ann"), Title = "T", Body = "B" });
            await store.AppendInteractionAsync(new Interaction { Tenant = t, ContributionId = new ContributionId("tip"), Learner = new LearnerId("ann"), Kind = InteractionKind.Helpful });
        }
    }

    private async Task<long> CountAsync(NpgsqlConnection connection, string table, string? where = null)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{_schema}\".{table} {where}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_query_without_the_tenant_set_sees_no_rows_even_as_the_table_owner()
    {
        await SeedTwoTenantsAsync(NewStore());
        await using var connection = await _raw.OpenConnectionAsync();

        // The app role owns the tables; FORCE ROW LEVEL SECURITY makes the policies apply to the owner too.
        await using (var owner = new NpgsqlCommand($"SELECT bool_and(c.relforcerowsecurity AND pg_get_userbyid(c.relowner) = current_user) FROM pg_class c WHERE c.relnamespace = '\"{_schema}\"'::regnamespace AND c.relkind = 'r' AND c.relname NOT IN ('feed_head', 'schema_version')", connection))
        {
            Assert.True((bool)(await owner.ExecuteScalarAsync())!);
        }

        foreach (var table in new[] { "learners", "contributions", "revisions", "counters", "interactions", "interaction_slots", "changes" })
        {
            Assert.Equal(0, await CountAsync(connection, table));
            Assert.Equal(0, await CountAsync(connection, table, "WHERE tenant_id = 'acme'"));
        }

        // With the tenant set for one transaction: that tenant's rows only, and only for that transaction.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var set = new NpgsqlCommand("SELECT set_config('sociallearning.tenant', 'acme', true)", connection))
            {
                await set.ExecuteNonQueryAsync();
            }

            Assert.Equal(1, await CountAsync(connection, "learners"));
            Assert.Equal(0, await CountAsync(connection, "learners", "WHERE tenant_id = 'globex'"));
            Assert.Equal(3, await CountAsync(connection, "changes"));
            await transaction.CommitAsync();
        }

        Assert.Equal(0, await CountAsync(connection, "learners"));
    }

    [Fact]
    public async Task Writing_a_row_of_another_tenant_is_rejected_by_the_policy()
    {
        await SeedTwoTenantsAsync(NewStore());
        await using var connection = await _raw.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('sociallearning.tenant', 'acme', true)", connection))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var insert = new NpgsqlCommand(
            $"INSERT INTO \"{_schema}\".learners (tenant_id, id, display_name, roles, version, created_ticks, created_offset) VALUES ('globex', 'mallory', 'M', '{{}}', 1, 0, 0)",
            connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task Pooled_connections_carry_no_tenant_after_a_store_operation()
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgreSqlTestDatabase.ConnectionString + ";Maximum Pool Size=1");
        var services = new ServiceCollection();
        services.AddSocialLearning().UsePostgreSqlStorage(dataSource, ownsDataSource: false, o => o.Schema = _schema);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ISocialLearningStore>();
        await SeedTwoTenantsAsync(store);
        Assert.Single(await store.ListLearnersAsync(new TenantId("acme")).ToListAsync());

        // The pool has one connection, so this is the very connection the store just used.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var probe = new NpgsqlCommand($"SELECT coalesce(current_setting('sociallearning.tenant', true), ''), (SELECT count(*) FROM \"{_schema}\".learners)", connection);
        await using var reader = await probe.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(string.Empty, reader.GetString(0));
        Assert.Equal(0, reader.GetInt64(1));
    }

    [Fact]
    public async Task Instances_starting_together_migrate_once_and_a_newer_schema_is_refused()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => (PostgreSqlSocialLearningStore)NewStore()).ToList();
        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync())));

        await using var connection = await _raw.OpenConnectionAsync();
        await using (var versions = new NpgsqlCommand($"SELECT count(*), max(version) FROM \"{_schema}\".schema_version", connection))
        await using (var reader = await versions.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(SchemaMigrator.LatestVersion, reader.GetInt64(0));
            Assert.Equal(SchemaMigrator.LatestVersion, reader.GetInt32(1));
        }

        await using (var bump = new NpgsqlCommand($"INSERT INTO \"{_schema}\".schema_version (version, description) VALUES ({SchemaMigrator.LatestVersion + 1}, 'from the future')", connection))
        {
            await bump.ExecuteNonQueryAsync();
        }

        var newer = NewStore();
        var error = await Assert.ThrowsAsync<SocialLearningStorageException>(() => newer.GetHeadPositionAsync());
        Assert.Contains("newer than this", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_1_schema_with_data_is_upgraded_on_start_and_keeps_it()
    {
        await SeedTwoTenantsAsync(NewStore());

        // Put the schema back to version 1: without the columns of 0002 and without its row.
        await using (var connection = await _raw.OpenConnectionAsync())
        await using (var downgrade = new NpgsqlCommand(
            $"ALTER TABLE \"{_schema}\".contributions DROP COLUMN reviewed_by, DROP COLUMN reviewed_ticks, DROP COLUMN reviewed_offset, DROP COLUMN featured_by, DROP COLUMN featured_until_ticks, DROP COLUMN featured_until_offset; DELETE FROM \"{_schema}\".schema_version WHERE version = 2",
            connection))
        {
            await downgrade.ExecuteNonQueryAsync();
        }

        var upgraded = NewStore();
        var acme = new TenantId("acme");
        var tip = await upgraded.GetContributionAsync(acme, new ContributionId("tip"));
        Assert.NotNull(tip);
        Assert.Equal(("T", (LearnerId?)null, (DateTimeOffset?)null, (DateTimeOffset?)null), (tip.Title, tip.ReviewedBy, tip.ReviewedAt, tip.FeaturedUntil));
        Assert.Equal(1, (await upgraded.GetCountersAsync(acme, tip.Id)).Helpful);

        var reviewedAt = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(2));
        await upgraded.UpdateContributionAsync(tip with { ReviewedBy = new LearnerId("ann"), ReviewedAt = reviewedAt }, tip.Version);
        Assert.Equal(reviewedAt, (await upgraded.GetContributionAsync(acme, tip.Id))!.ReviewedAt);
    }

    [Fact]
    public async Task Tenant_ids_with_quote_and_dollar_characters_are_set_safely()
    {
        var store = NewStore();
        var odd = new TenantId("o'brien$sl$;DROP");
        var plain = new TenantId("plain");
        await store.CreateLearnerAsync(new Learner { Tenant = odd, Id = new LearnerId("ann"), DisplayName = "Ann" });
        await store.CreateLearnerAsync(new Learner { Tenant = plain, Id = new LearnerId("bob"), DisplayName = "Bob" });
        Assert.Equal("ann", Assert.Single(await store.ListLearnersAsync(odd).ToListAsync()).Id.Value);
        Assert.Null(await store.GetLearnerAsync(odd, new LearnerId("bob")));
        Assert.Equal(odd, Assert.Single((await store.ReadChangesAsync(0, 100, odd)).Changes).Tenant);
    }

    [Fact]
    public async Task A_batch_of_interactions_commits_once_with_one_change_each()
    {
        var store = (PostgreSqlSocialLearningStore)NewStore();
        var tenant = new TenantId("batch");
        await store.CreateLearnerAsync(new Learner { Tenant = tenant, Id = new LearnerId("ann"), DisplayName = "Ann" });
        await store.CreateContributionAsync(new Contribution { Tenant = tenant, Id = new ContributionId("tip"), Kind = ContributionKind.Tip, Author = new LearnerId("ann"), Title = "T", Body = "B" });
        var before = await store.GetHeadPositionAsync();
        var batch = new[] { InteractionKind.Helpful, InteractionKind.NotHelpful, InteractionKind.NotHelpful, InteractionKind.Viewed }
            .Select(k => new Interaction { Tenant = tenant, ContributionId = new ContributionId("tip"), Learner = new LearnerId("ann"), Kind = k })
            .ToList();
        var results = await store.AppendInteractionsAsync(batch);
        Assert.Equal([InteractionOutcome.Recorded, InteractionOutcome.Replaced, InteractionOutcome.AlreadyRecorded, InteractionOutcome.Recorded], results.Select(r => r.Outcome));
        var counters = await store.GetCountersAsync(tenant, new ContributionId("tip"));
        Assert.Equal((0, 1, 1), (counters.Helpful, counters.NotHelpful, counters.Views));
        Assert.Equal(before + 3, await store.GetHeadPositionAsync());
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_option()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentException>(() => services.AddSocialLearning().UsePostgreSqlStorage(PostgreSqlTestDatabase.ConnectionString, o => o.Schema = "Robert'); DROP TABLE"));
        Assert.Contains("PostgreSqlStorageOptions.Schema", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => services.AddSocialLearning().UsePostgreSqlStorage("this is not=a;connection string;;=="));
    }
}
