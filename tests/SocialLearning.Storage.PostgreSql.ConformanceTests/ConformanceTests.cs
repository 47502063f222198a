using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SocialLearning.Testing.Storage;

namespace SocialLearning.Storage.PostgreSql.ConformanceTests;

/// <summary>
/// Hands each conformance test its own store instance (built through <c>UsePostgreSqlStorage</c>) over one schema
/// and one connection pool shared by the whole test run; the suites use fresh random tenants. The schema is dropped
/// when the test process exits. Fails with a clear message when SOCIALLEARNING_POSTGRES is not set.
/// </summary>
public sealed class PostgreSqlStoreFactory : IStoreFactory
{
    private static readonly Lazy<(NpgsqlDataSource DataSource, string Schema)> Shared = new(() =>
    {
        var dataSource = NpgsqlDataSource.Create(PostgreSqlTestDatabase.ConnectionString);
        var schema = PostgreSqlTestDatabase.NewSchema();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            PostgreSqlTestDatabase.DropSchemaAsync(schema).GetAwaiter().GetResult();
            dataSource.Dispose();
        };
        return (dataSource, schema);
    });

    private ServiceProvider? _provider;

    public Task<ISocialLearningStore> CreateStoreAsync()
    {
        var (dataSource, schema) = Shared.Value;
        var services = new ServiceCollection();
        services.AddSocialLearning().UsePostgreSqlStorage(dataSource, ownsDataSource: false, o => o.Schema = schema);
        _provider = services.BuildServiceProvider();
        return Task.FromResult(_provider.GetRequiredService<ISocialLearningStore>());
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}

public sealed class SuiteGuard : ConformanceSuiteGuard;

public sealed class PostgreSqlLearnerTests : LearnerStoreConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlSkillTests : SkillStoreConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlContributionTests : ContributionStoreConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlInteractionTests : InteractionStoreConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlChangeFeedTests : ChangeFeedConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlTenantIsolationTests : TenantIsolationConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlConcurrencyTests : ConcurrencyConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlInputValidationTests : InputValidationConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlCancellationTests : CancellationConformanceTests<PostgreSqlStoreFactory>;

public sealed class PostgreSqlSkillGraphBatchTests : SocialLearning.Testing.Storage.Optional.SkillGraphBatchWriterConformanceTests<PostgreSqlStoreFactory>;
