using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialLearning;
using SocialLearning.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite store.</summary>
public static class SqliteStorageBuilderExtensions
{
    /// <summary>
    /// Stores everything in the SQLite file named by <paramref name="connectionString"/> (for example
    /// <c>Data Source=app-data/learning.db</c>), created on first use; replaces any store registered before.
    /// The store is a singleton that the container disposes.
    /// </summary>
    public static ISocialLearningBuilder UseSqliteStorage(this ISocialLearningBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionString);
        return builder.UseSqliteStorage(o => o.ConnectionString = connectionString);
    }

    /// <summary>Stores everything in a SQLite file configured by <paramref name="configure"/>; replaces any store registered before.</summary>
    public static ISocialLearningBuilder UseSqliteStorage(this ISocialLearningBuilder builder, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteStorageOptions();
        configure(options);
        return builder.UseSqliteStorage(options);
    }

    /// <summary>Stores everything in a SQLite file configured by <paramref name="options"/>; replaces any store registered before.</summary>
    public static ISocialLearningBuilder UseSqliteStorage(this ISocialLearningBuilder builder, SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var copy = options.Clone();
        builder.Services.RemoveAll<ISocialLearningStore>();
        builder.Services.AddSingleton<ISocialLearningStore>(_ => new SqliteSocialLearningStore(copy));
        return builder;
    }
}
