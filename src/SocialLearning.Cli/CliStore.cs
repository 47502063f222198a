using System.ComponentModel;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SocialLearning.Cli;

/// <summary>Which store a command reads: a SQLite file, a PostgreSQL database, or a StackExchange dump.</summary>
internal class StoreSettings : CommandSettings
{
    [CommandOption("--sqlite <FILE>")]
    [Description("A SocialLearning SQLite store file (the sample app's is samples/SocialLearning.Samples.WebApp/app-data/social-learning.db).")]
    public string? Sqlite { get; init; }

    [CommandOption("--postgres <CONNECTION>")]
    [Description("A PostgreSQL connection string, or env:NAME to read it from the environment variable NAME (keeps the password off the command line). Read only: the schema is never migrated.")]
    public string? Postgres { get; init; }

    [CommandOption("--schema <NAME>")]
    [Description("The PostgreSQL schema. Default sociallearning.")]
    public string Schema { get; init; } = "sociallearning";

    [CommandOption("--dataset <DIR>")]
    [Description("A StackExchange dump folder, imported into memory first (tenant: the dump's name unless --tenant is given).")]
    public string? Dataset { get; init; }

    [CommandOption("--tenant <ID>")]
    [Description("The tenant. Required with --sqlite and --postgres.")]
    public string? Tenant { get; init; }

    /// <summary>The store options' own checks, for the commands' <c>Validate</c>.</summary>
    protected ValidationResult ValidateStore() =>
        new[] { Sqlite, Postgres, Dataset }.Count(v => v is not null) != 1 ? ValidationResult.Error("Give exactly one of --sqlite, --postgres or --dataset.")
        : Dataset is null && string.IsNullOrWhiteSpace(Tenant) ? ValidationResult.Error($"--tenant is required with {(Sqlite is not null ? "--sqlite" : "--postgres")}.")
        : ValidationResult.Success();
}

/// <summary>The store a command reads: a SQLite store file, a PostgreSQL database, or a StackExchange dump imported into memory.</summary>
internal static class CliStore
{
    public static async Task<(ServiceProvider Provider, TenantId Tenant, EvaluationCorpus? Corpus)> OpenAsync(StoreSettings settings, CancellationToken cancellationToken)
    {
        var (sqlite, postgres, dataset, tenant) = (settings.Sqlite, settings.Postgres, settings.Dataset, settings.Tenant);
        var services = new ServiceCollection();
        var builder = services.AddSocialLearning();
        EvaluationCorpus? corpus = null;
        TenantId id;
        if (postgres is not null || sqlite is not null)
        {
            // Opening a missing file would create an empty store and report nothing: say so instead.
            if (sqlite is not null && !File.Exists(sqlite))
            {
                throw new FileNotFoundException($"No SQLite store at '{sqlite}'.", sqlite);
            }

            UseStore(builder, sqlite, postgres, settings.Schema);
            id = new TenantId(tenant!);
        }
        else
        {
            corpus = StackExchangeImporter.Load(dataset!);
            builder.UseInMemoryStorage();
            id = new TenantId(tenant ?? corpus.Name);
        }

        var provider = services.BuildServiceProvider();
        if (corpus is not null)
        {
            await CorpusStoreWriter.ImportAsync(corpus, provider.GetRequiredService<ISocialLearningStore>(), id, cancellationToken).ConfigureAwait(false);
        }

        return (provider, id, corpus);
    }

    /// <summary>A SQLite file or a PostgreSQL database (never migrated here: the app owns its schema) as the store.</summary>
    public static void UseStore(ISocialLearningBuilder builder, string? sqlite, string? postgres, string schema)
    {
        if (postgres is not null)
        {
            builder.UsePostgreSqlStorage(ConnectionString(postgres), o =>
            {
                o.Schema = schema;
                o.MigrateOnStart = false;
            });
        }
        else
        {
            builder.UseSqliteStorage($"Data Source={Path.GetFullPath(sqlite!)}");
        }
    }

    /// <summary>The connection string itself, or the value of the environment variable an <c>env:NAME</c> value names.</summary>
    internal static string ConnectionString(string value)
    {
        if (!value.StartsWith("env:", StringComparison.Ordinal))
        {
            return value;
        }

        var name = value[4..];
        return Environment.GetEnvironmentVariable(name) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : throw new ArgumentException($"--postgres env:{name}: the environment variable '{name}' is not set.", "--postgres");
    }

    /// <summary>An ISO 8601 option value (UTC when it names no offset), or null when the option was not given.</summary>
    public static DateTimeOffset? Time(string? value, string option) =>
        value is null ? null
        : DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw new ArgumentException($"{option} must be an ISO 8601 time such as 2026-01-31T00:00:00Z; it was '{value}'.", option);
}

/// <summary>Source-generated JSON for the CLI's own outputs.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, Converters = [typeof(SkillIdJsonConverter), typeof(ContributionIdJsonConverter), typeof(LearnerIdJsonConverter)])]
[JsonSerializable(typeof(LearningInsightsReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

internal sealed class SkillIdJsonConverter : JsonConverter<SkillId>
{
    public override SkillId Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => new(reader.GetString()!);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, SkillId value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class ContributionIdJsonConverter : JsonConverter<ContributionId>
{
    public override ContributionId Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => new(reader.GetString()!);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, ContributionId value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class LearnerIdJsonConverter : JsonConverter<LearnerId>
{
    public override LearnerId Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => new(reader.GetString()!);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, LearnerId value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
