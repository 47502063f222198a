using System.Reflection;

namespace SocialLearning.Storage.Benchmarks;

/// <summary>
/// One store implementation under benchmark. To add a provider (PostgreSQL, ...), add one file with a sealed
/// subclass that has a public parameterless constructor: every benchmark picks it up through
/// <see cref="StoreProviders.Names"/> ([ParamsSource]) and runs against it in the same run as the others.
/// </summary>
public abstract class StoreProvider : IAsyncDisposable
{
    /// <summary>Short name shown in the results, for example <c>Sqlite-Full</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Creates a fresh, empty store (a new file, schema or database).</summary>
    public abstract Task<ISocialLearningStore> CreateAsync();

    /// <summary>
    /// A new store instance over the same data, as after an application restart (new connections, cold caches).
    /// Stores that keep nothing outside the process return <paramref name="store"/> itself.
    /// </summary>
    public virtual Task<ISocialLearningStore> ReopenAsync(ISocialLearningStore store) => Task.FromResult(store);

    /// <summary>
    /// Appends a batch of interactions in as few round trips / transactions as the provider can. The default
    /// issues every append at once and awaits them together, which is how concurrent request handlers would
    /// write; providers with a native batch path override it.
    /// </summary>
    public virtual async Task AppendBatchAsync(ISocialLearningStore store, IReadOnlyList<Interaction> batch)
    {
        var tasks = new Task[batch.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = store.AppendInteractionAsync(batch[i]);
        }

        await Task.WhenAll(tasks);
    }

    /// <summary>Closes the provider's stores and deletes what <see cref="CreateAsync"/> made.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>Disposes a store if it is disposable.</summary>
    protected static async ValueTask DisposeStoreAsync(ISocialLearningStore store)
    {
        if (store is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (store is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}

/// <summary>The registry of providers: every concrete <see cref="StoreProvider"/> in this assembly.</summary>
public static class StoreProviders
{
    private static readonly Dictionary<string, Type> Types = typeof(StoreProvider).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(StoreProvider).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .ToDictionary(t => ((StoreProvider)Activator.CreateInstance(t)!).Name, t => t, StringComparer.Ordinal);

    /// <summary>Provider names, for [ParamsSource]. SOCIALLEARNING_BENCH_PROVIDERS (comma-separated) narrows them.</summary>
    public static IEnumerable<string> Names
    {
        get
        {
            var only = Environment.GetEnvironmentVariable("SOCIALLEARNING_BENCH_PROVIDERS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return Types.Keys.Where(n => only is null || only.Contains(n, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal);
        }
    }

    /// <summary>Creates the provider named <paramref name="name"/>.</summary>
    public static StoreProvider Create(string name) =>
        Types.TryGetValue(name, out var type)
            ? (StoreProvider)Activator.CreateInstance(type)!
            : throw new ArgumentException($"Unknown store provider '{name}'. Known: {string.Join(", ", Types.Keys)}.", nameof(name));
}
