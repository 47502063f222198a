using SocialLearning.Storage.Sqlite;

namespace SocialLearning.Storage.Benchmarks;

/// <summary>The reference in-memory store: the ceiling any persistent store is compared with.</summary>
public sealed class InMemoryProvider : StoreProvider
{
    public override string Name => "InMemory";

    public override Task<ISocialLearningStore> CreateAsync() => Task.FromResult<ISocialLearningStore>(new InMemorySocialLearningStore());

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>SQLite with a given synchronous mode, on a temp file deleted afterwards.</summary>
public abstract class SqliteProvider(SqliteSynchronousMode mode) : StoreProvider
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sl-bench-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<ISocialLearningStore> _stores = [];

    public override string Name => "Sqlite-" + mode;

    private string FilePath => Path.Combine(_directory, "bench.db");

    public override Task<ISocialLearningStore> CreateAsync()
    {
        Directory.CreateDirectory(_directory);
        return ReopenAsync(null!);
    }

    public override Task<ISocialLearningStore> ReopenAsync(ISocialLearningStore store)
    {
        var reopened = new SqliteSocialLearningStore(new SqliteStorageOptions { ConnectionString = $"Data Source={FilePath}", Synchronous = mode });
        _stores.Add(reopened);
        return Task.FromResult<ISocialLearningStore>(reopened);
    }

    /// <summary>The provider's own batch path: one transaction (and one sync) for the whole batch.</summary>
    public override Task AppendBatchAsync(ISocialLearningStore store, IReadOnlyList<Interaction> batch) =>
        ((SqliteSocialLearningStore)store).AppendInteractionsAsync(batch);

    public override async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await DisposeStoreAsync(store);
        }

        _stores.Clear();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>SQLite, synchronous=FULL (the default: commits survive power loss).</summary>
public sealed class SqliteFullProvider() : SqliteProvider(SqliteSynchronousMode.Full);

/// <summary>SQLite, synchronous=NORMAL (commits survive a process crash; the last ones may not survive power loss).</summary>
public sealed class SqliteNormalProvider() : SqliteProvider(SqliteSynchronousMode.Normal);
