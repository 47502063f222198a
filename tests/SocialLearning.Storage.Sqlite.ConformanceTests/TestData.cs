using Microsoft.Data.Sqlite;
using SocialLearning.Storage.Sqlite;

namespace SocialLearning.Storage.Sqlite.ConformanceTests;

internal static class TestData
{
    public static readonly TenantId Tenant = new("acme");
    public static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));

    public static SqliteSocialLearningStore Open(string path, Action<SqliteStorageOptions>? configure = null)
    {
        var options = new SqliteStorageOptions { ConnectionString = $"Data Source={path}", Synchronous = SqliteSynchronousMode.Normal };
        configure?.Invoke(options);
        return new SqliteSocialLearningStore(options);
    }

    public static Learner Learner(string id, TenantId? tenant = null) =>
        new() { Tenant = tenant ?? Tenant, Id = new LearnerId(id), DisplayName = "L " + id, CreatedAt = T0 };

    public static Contribution Contribution(string id, string author, TenantId? tenant = null) => new()
    {
        Tenant = tenant ?? Tenant,
        Id = new ContributionId(id),
        Kind = ContributionKind.Tip,
        Author = new LearnerId(author),
        Title = "Tip " + id,
        Body = "Body of " + id,
        Skills = [new SkillId("excel")],
        ContextKeys = [ContextKey.Parse("route:/invoices/new")],
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    public static Interaction Vote(string contribution, string learner, InteractionKind kind, TenantId? tenant = null, string? note = null) => new()
    {
        Tenant = tenant ?? Tenant,
        ContributionId = new ContributionId(contribution),
        Learner = new LearnerId(learner),
        Kind = kind,
        OccurredAt = T0,
        Note = note,
    };

    /// <summary>A raw connection, for checks the store's API does not offer (PRAGMAs, integrity).</summary>
    public static SqliteConnection Raw(string path, SqliteOpenMode mode = SqliteOpenMode.ReadWrite)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
