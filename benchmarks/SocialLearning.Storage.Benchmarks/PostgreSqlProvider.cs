using Npgsql;
using SocialLearning.Storage.PostgreSql;

namespace SocialLearning.Storage.Benchmarks;

/// <summary>
/// PostgreSQL on the server named by SOCIALLEARNING_POSTGRES (scripts/setup.d/20-postgresql.sh starts one), each
/// store on a fresh schema that is dropped afterwards. Durable commits (the server's defaults). Reopening builds a
/// second store instance with its own connection pool over the same schema, as a second app instance would.
/// </summary>
public sealed class PostgreSqlProvider : StoreProvider
{
    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N")[..16];
    private readonly List<PostgreSqlSocialLearningStore> _stores = [];

    public override string Name => "PostgreSql";

    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("SOCIALLEARNING_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("SOCIALLEARNING_POSTGRES is not set: source scripts/setup.d/20-postgresql.sh first, or narrow SOCIALLEARNING_BENCH_PROVIDERS.");

    public override Task<ISocialLearningStore> CreateAsync() => ReopenAsync(null!);

    public override async Task<ISocialLearningStore> ReopenAsync(ISocialLearningStore store)
    {
        var dataSource = NpgsqlDataSource.Create(ConnectionString + ";Maximum Pool Size=64");
        var reopened = new PostgreSqlSocialLearningStore(dataSource, ownsDataSource: true, new PostgreSqlStorageOptions { Schema = _schema });
        await reopened.InitializeAsync();
        _stores.Add(reopened);
        return reopened;
    }

    /// <summary>The provider's own batch path: one transaction (and one commit) for the whole batch.</summary>
    public override Task AppendBatchAsync(ISocialLearningStore store, IReadOnlyList<Interaction> batch) =>
        ((PostgreSqlSocialLearningStore)store).AppendInteractionsAsync(batch);

    public override async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }
}
