using System.Text.RegularExpressions;

namespace SocialLearning.Storage.PostgreSql;

/// <summary>Options of the PostgreSQL store. Validated when the store is created; messages name the option.</summary>
public sealed partial class PostgreSqlStorageOptions
{
    /// <summary>
    /// The schema that holds the tables (default <c>sociallearning</c>): lower-case letters, digits and '_',
    /// starting with a letter or '_', at most 40 characters. Created on start when missing.
    /// Several deployments can share one database in different schemas; each has its own change feed.
    /// </summary>
    public string Schema { get; set; } = "sociallearning";

    /// <summary>
    /// Create or upgrade the schema on start (default true). Migrations run under an advisory lock, so instances
    /// starting together do not race. When false, the store only checks the schema version and fails when it differs.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Allow connecting as a role that bypasses row-level security (a superuser or a role with BYPASSRLS).
    /// Default false: the store refuses such a role on start, because the tenant wall would silently be off.
    /// </summary>
    public bool AllowRowLevelSecurityBypass { get; set; }

    /// <summary>
    /// How often a waiting follower checks the feed head when no notification arrives (default 1 second). Notifications
    /// (LISTEN/NOTIFY) normally wake followers within milliseconds; this is the fallback when they are lost or the
    /// listening connection is down.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many times an operation is retried after a transient failure (connection loss, server restart, serialization
    /// failure 40001, deadlock 40P01) before the error is raised (default 8). Writes are retried only where it is safe:
    /// a write whose commit outcome was lost is retried only after the store has checked that it did not commit.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>The first retry delay; each further retry doubles it, with jitter, up to <see cref="MaxRetryDelay"/> (default 25 ms).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The longest delay between two retries (default 2 seconds).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    internal void Validate()
    {
        if (string.IsNullOrEmpty(Schema) || !SchemaPattern().IsMatch(Schema))
        {
            throw new ArgumentException(
                $"PostgreSqlStorageOptions.Schema '{Schema}' is not valid: use 1 to 40 lower-case letters, digits or '_', starting with a letter or '_'.",
                nameof(Schema));
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "PostgreSqlStorageOptions.PollInterval must be more than zero and at most 10 minutes.");
        }

        if (MaxRetryAttempts is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryAttempts), MaxRetryAttempts, "PostgreSqlStorageOptions.MaxRetryAttempts must be between 0 and 100.");
        }

        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryBaseDelay), RetryBaseDelay, "PostgreSqlStorageOptions.RetryBaseDelay must be 0 or more and at most MaxRetryDelay.");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}
