using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace SocialLearning.Storage.PostgreSql.ConformanceTests;

/// <summary>
/// The PostgreSQL server the tests run against: the connection string comes from SOCIALLEARNING_POSTGRES, which
/// scripts/setup.d/20-postgresql.sh exports. A missing variable fails the test with a message saying how to get one;
/// it never skips.
/// </summary>
public static class PostgreSqlTestDatabase
{
    public const string Variable = "SOCIALLEARNING_POSTGRES";

    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{Variable} is not set. The PostgreSQL store tests need a server: run `cleanup_hooks=(); source scripts/setup.d/20-postgresql.sh` " +
                    "(it installs Debian's postgresql if needed, starts a throwaway cluster and exports the variable), or set it to an Npgsql connection string " +
                    "of an ordinary role (not a superuser) that owns an empty database.");
            }

            return value;
        }
    }

    /// <summary>
    /// Appended to the connection string by tests that check ordering or semantics rather than durability: commits
    /// become visible in the same order without waiting for the WAL flush, which makes those tests several times faster
    /// on slow disks. The conformance suite, the fault test and the multi-instance tests run with the server's defaults.
    /// </summary>
    public const string AsynchronousCommit = ";Options=-c synchronous_commit=off";

    /// <summary>A fresh schema name, so each store under test has its own tables and its own change feed.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    /// <summary>Builds an app instance (its own service provider, data source and pool) on <paramref name="schema"/>.</summary>
    public static ServiceProvider CreateInstance(string schema, Action<PostgreSqlStorageOptions>? configure = null, Action<IServiceCollection>? services = null, string connectionStringSuffix = "")
    {
        var collection = new ServiceCollection();
        collection.AddSocialLearning().UsePostgreSqlStorage(ConnectionString + connectionStringSuffix, o =>
        {
            o.Schema = schema;
            configure?.Invoke(o);
        });
        services?.Invoke(collection);
        return collection.BuildServiceProvider();
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Stores on their own fresh schemas (own feed, head at 0), dropped on dispose.</summary>
public sealed class FreshSchemaStoreFactory : IAsyncDisposable
{
    private readonly List<(ServiceProvider Provider, string Schema)> _created = [];

    public ISocialLearningStore Create()
    {
        var schema = PostgreSqlTestDatabase.NewSchema();
        var provider = PostgreSqlTestDatabase.CreateInstance(schema, connectionStringSuffix: PostgreSqlTestDatabase.AsynchronousCommit);
        _created.Add((provider, schema));
        return provider.GetRequiredService<ISocialLearningStore>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (provider, schema) in _created)
        {
            await provider.DisposeAsync();
            await PostgreSqlTestDatabase.DropSchemaAsync(schema);
        }
    }
}
