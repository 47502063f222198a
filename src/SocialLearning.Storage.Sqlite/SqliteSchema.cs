using System.Globalization;
using System.Reflection;

namespace SocialLearning.Storage.Sqlite;

/// <summary>
/// The schema as embedded SQL scripts <c>Schema/NNNN_name.sql</c>, versioned by <c>PRAGMA user_version</c>.
/// Migration runs on start inside one <c>BEGIN IMMEDIATE</c> transaction, so it is idempotent and safe when
/// several processes start at once. A file with a newer version, or a database that is not ours, is refused untouched.
/// </summary>
internal static class SqliteSchema
{
    private const string ResourcePrefix = "SocialLearning.Storage.Sqlite.Schema.";

    private static readonly (int Version, string Name, string Sql)[] Scripts = LoadScripts();

    /// <summary>The schema version this build writes.</summary>
    public static int LatestVersion => Scripts[^1].Version;

    /// <summary>Reads the version and refuses files this build must not touch. Writes nothing.</summary>
    public static int Check(SqliteSession session, string path)
    {
        var version = (int)session.ScalarInt64("PRAGMA user_version");
        if (version > LatestVersion)
        {
            throw new SocialLearningStorageException(
                $"Cannot open the SQLite store '{path}': it was written by a newer version of SocialLearning.Storage.Sqlite (schema version {version}; this version understands up to {LatestVersion}). The file was left untouched; upgrade the package to open it.");
        }

        if (version == 0)
        {
            var objects = session.ScalarInt64("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'");
            if (objects > 0 && session.ScalarInt64("PRAGMA user_version") != 0)
            {
                // Another store's migration (tables and version commit together) landed between the two reads above:
                // read the file again as it is now, rather than taking it for another application's database.
                return Check(session, path);
            }

            if (objects > 0)
            {
                throw new SocialLearningStorageException(
                    $"Cannot open the SQLite store '{path}': the file is a SQLite database of another application ({objects} tables or indexes and no SocialLearning schema version). The file was left untouched; use a separate file for the store.");
            }
        }
        else
        {
            var applicationId = session.ScalarInt64("PRAGMA application_id");
            if (applicationId != SqliteDatabase.ApplicationId)
            {
                throw new SocialLearningStorageException(
                    $"Cannot open the SQLite store '{path}': the file belongs to another application (application_id {applicationId.ToString(CultureInfo.InvariantCulture)}, user_version {version}). The file was left untouched.");
            }
        }

        return version;
    }

    /// <summary>Applies every script newer than the file's version in one write transaction.</summary>
    public static void Migrate(SqliteSession session, string path, int observedVersion)
    {
        if (observedVersion == LatestVersion)
        {
            return;
        }

        session.Execute("BEGIN IMMEDIATE");
        try
        {
            // Another process may have migrated between the check and the lock: read again under the lock.
            var version = Check(session, path);
            foreach (var script in Scripts)
            {
                if (script.Version > version)
                {
                    using var command = session.Connection.CreateCommand();
#pragma warning disable CA2100 // Embedded resource of this assembly.
                    command.CommandText = script.Sql;
#pragma warning restore CA2100
                    command.ExecuteNonQuery();
                }
            }

            session.Execute($"PRAGMA application_id = {SqliteDatabase.ApplicationId.ToString(CultureInfo.InvariantCulture)}");
            session.Execute($"PRAGMA user_version = {LatestVersion.ToString(CultureInfo.InvariantCulture)}");
            session.Execute("COMMIT");
        }
        catch
        {
            session.Execute("ROLLBACK");
            throw;
        }
    }

    private static (int, string, string)[] LoadScripts()
    {
        var assembly = typeof(SqliteSchema).Assembly;
        var scripts = new List<(int, string, string)>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = name[ResourcePrefix.Length..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, file, reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Item1 != i + 1)
            {
                throw new InvalidOperationException($"Schema scripts must be numbered 1, 2, 3, ... without gaps; found {scripts[i].Item2}.");
            }
        }

        return [.. scripts];
    }
}
