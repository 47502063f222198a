using SocialLearning.Storage.Sqlite;
using SocialLearning.Testing.Storage;

namespace SocialLearning.Storage.Sqlite.ConformanceTests;

/// <summary>A fresh database file per test in a temp directory, deleted (with its -wal and -shm files) after the test.</summary>
public sealed class SqliteStoreFactory : IStoreFactory
{
    private readonly TempDirectory _directory = new();
    private readonly List<SqliteSocialLearningStore> _stores = [];

    public string Path => System.IO.Path.Combine(_directory.Path, "store.db");

    public Task<ISocialLearningStore> CreateStoreAsync()
    {
        var store = new SqliteSocialLearningStore(new SqliteStorageOptions
        {
            ConnectionString = $"Data Source={Path}",
            // The suite checks behaviour, not power-loss durability; NORMAL keeps it fast.
            Synchronous = SqliteSynchronousMode.Normal,
        });
        _stores.Add(store);
        return Task.FromResult<ISocialLearningStore>(store);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A temp directory deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sl-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
