using System.Reflection;
using Npgsql;

namespace SocialLearning.Storage.PostgreSql;

/// <summary>
/// Creates and upgrades the schema from the embedded scripts in <c>Schema/</c>. Runs under a session-level advisory lock
/// keyed by the schema name, so instances that start together apply each script once; refuses a newer schema.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int LatestVersion = 2;

    private static readonly (int Version, string Name)[] Scripts = [(1, "0001_initial"), (2, "0002_moderation")];

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, PostgreSqlStorageOptions options, CancellationToken cancellationToken)
    {
        var schema = Quote(options.Schema);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await CheckRoleAsync(connection, options, cancellationToken).ConfigureAwait(false);

        var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0))", connection);
        await using (lockCommand.ConfigureAwait(false))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = "SocialLearning.Storage.PostgreSql/migrate/" + options.Schema });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var current = await CurrentVersionAsync(connection, options.Schema, cancellationToken).ConfigureAwait(false);
            if (current > LatestVersion)
            {
                throw new SocialLearningStorageException(
                    $"The PostgreSQL schema '{options.Schema}' is at version {current}, newer than this SocialLearning.Storage.PostgreSql supports (version {LatestVersion}). " +
                    "Another instance was upgraded: upgrade this one too, or point it at another schema.");
            }

            if (current == LatestVersion)
            {
                return;
            }

            if (!options.MigrateOnStart)
            {
                throw new SocialLearningStorageException(
                    $"The PostgreSQL schema '{options.Schema}' is at version {current} and this package needs version {LatestVersion}, but PostgreSqlStorageOptions.MigrateOnStart is false. " +
                    "Run the migration once with MigrateOnStart = true.");
            }

            foreach (var (version, name) in Scripts)
            {
                if (version <= current)
                {
                    continue;
                }

                var script = ReadScript(name)
                    .Replace("{S}", schema, StringComparison.Ordinal)
                    .Replace("{C}", options.Schema + "_changes", StringComparison.Ordinal);
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var transactionScope = transaction.ConfigureAwait(false);
                if (current == 0)
                {
                    await ExecuteAsync(connection, $"""
                        CREATE SCHEMA IF NOT EXISTS {schema};
                        CREATE TABLE IF NOT EXISTS {schema}.schema_version (
                            version integer PRIMARY KEY,
                            description text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now());
                        """, cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, script, cancellationToken).ConfigureAwait(false);
                var record = new NpgsqlCommand($"INSERT INTO {schema}.schema_version (version, description) VALUES ($1, $2)", connection);
                await using (record.ConfigureAwait(false))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = version });
                    record.Parameters.Add(new NpgsqlParameter { Value = name });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                current = version;
            }
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", connection);
                await using var unlockScope = unlock.ConfigureAwait(false);
                unlock.Parameters.Add(new NpgsqlParameter { Value = "SocialLearning.Storage.PostgreSql/migrate/" + options.Schema });
                await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Quotes a validated schema name as an identifier.</summary>
    public static string Quote(string schema) => "\"" + schema + "\"";

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        await using (exists.ConfigureAwait(false))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = Quote(schema) + ".schema_version" });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return 0;
            }
        }

        var max = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {Quote(schema)}.schema_version", connection);
        await using var maxScope = max.ConfigureAwait(false);
        return (int)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task CheckRoleAsync(NpgsqlConnection connection, PostgreSqlStorageOptions options, CancellationToken cancellationToken)
    {
        if (options.AllowRowLevelSecurityBypass)
        {
            return;
        }

        var command = new NpgsqlCommand("SELECT current_user::text, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user", connection);
        await using var commandScope = command.ConfigureAwait(false);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetBoolean(1))
        {
            throw new SocialLearningStorageException(
                $"The PostgreSQL role '{reader.GetString(0)}' is a superuser or has BYPASSRLS, so the tenant row-level security of the SocialLearning tables would not apply to it. " +
                "Connect as an ordinary role (see docs/storage-postgresql.md), or set PostgreSqlStorageOptions.AllowRowLevelSecurityBypass = true to accept that.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string ReadScript(string name)
    {
        var resource = $"SocialLearning.Storage.PostgreSql.Schema.{name}.sql";
        using var stream = typeof(SchemaMigrator).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded schema script '{resource}' is missing from {typeof(SchemaMigrator).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
