using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Benchmarks;

/// <summary>
/// The SocialLearning services over the in-memory store or SQLite in a new temporary file (the skill benchmarks'
/// <c>Store</c> parameter); disposing closes the store and deletes the file.
/// </summary>
internal sealed class BenchmarkStore : IDisposable
{
    private readonly string? _directory;

    public BenchmarkStore(string store, string prefix)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        var builder = services.AddSocialLearning();
        if (store == "Sqlite")
        {
            _directory = Directory.CreateTempSubdirectory(prefix).FullName;
            builder.UseSqliteStorage("Data Source=" + Path.Combine(_directory, "skills.db"));
        }
        else
        {
            builder.UseInMemoryStorage();
        }

        Provider = services.BuildServiceProvider();
        Store = Provider.GetRequiredService<ISocialLearningStore>();

        // Open the file and migrate it here, not in the first measured call.
        Store.GetHeadPositionAsync().GetAwaiter().GetResult();
    }

    public ServiceProvider Provider { get; }

    public ISocialLearningStore Store { get; }

    public void Dispose()
    {
        Provider.Dispose();
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
