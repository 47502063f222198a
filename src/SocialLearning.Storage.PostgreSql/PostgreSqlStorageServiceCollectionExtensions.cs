using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SocialLearning;
using SocialLearning.Storage.PostgreSql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL store to SocialLearning.</summary>
public static class PostgreSqlStorageServiceCollectionExtensions
{
    /// <summary>
    /// Stores everything in PostgreSQL through an <see cref="NpgsqlDataSource"/> that the store creates from
    /// <paramref name="connectionString"/>, owns (one connection pool per store) and disposes with the service provider.
    /// Replaces any store registered before. The store is a singleton; it is thread-safe and meant to be shared.
    /// The schema is created or upgraded on start (see <see cref="PostgreSqlStorageOptions.MigrateOnStart"/>).
    /// </summary>
    public static ISocialLearningBuilder UsePostgreSqlStorage(this ISocialLearningBuilder builder, string connectionString, Action<PostgreSqlStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"connectionString is not a valid Npgsql connection string: {ex.Message}", nameof(connectionString), ex);
        }

        var options = Configure(configure);
        return Register(builder, _ => NpgsqlDataSource.Create(connectionString), ownsDataSource: true, options);
    }

    /// <summary>
    /// Stores everything in PostgreSQL through <paramref name="dataSource"/>. With <paramref name="ownsDataSource"/> false
    /// (the default) the caller keeps the data source alive for as long as the service provider and disposes it after;
    /// with true the store disposes it when the service provider is disposed. Replaces any store registered before.
    /// </summary>
    public static ISocialLearningBuilder UsePostgreSqlStorage(this ISocialLearningBuilder builder, NpgsqlDataSource dataSource, bool ownsDataSource = false, Action<PostgreSqlStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        var options = Configure(configure);
        return Register(builder, _ => dataSource, ownsDataSource, options);
    }

    private static PostgreSqlStorageOptions Configure(Action<PostgreSqlStorageOptions>? configure)
    {
        var options = new PostgreSqlStorageOptions();
        configure?.Invoke(options);
        options.Validate();
        return options;
    }

    private static ISocialLearningBuilder Register(ISocialLearningBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource, bool ownsDataSource, PostgreSqlStorageOptions options)
    {
        var services = builder.Services;
        services.RemoveAll<ISocialLearningStore>();
        services.RemoveAll<PostgreSqlSocialLearningStore>();
        services.AddSingleton(sp => new PostgreSqlSocialLearningStore(dataSource(sp), ownsDataSource, options, sp.GetService<TimeProvider>()));
        services.AddSingleton<ISocialLearningStore>(sp => sp.GetRequiredService<PostgreSqlSocialLearningStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlStoreInitializer>());
        return builder;
    }
}

/// <summary>Creates or checks the schema when the host starts, so a bad connection or a newer schema fails the start.</summary>
internal sealed class PostgreSqlStoreInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        services.GetService<ISocialLearningStore>() is PostgreSqlSocialLearningStore store
            ? store.InitializeAsync(cancellationToken)
            : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
