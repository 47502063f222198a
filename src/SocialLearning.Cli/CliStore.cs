using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Evaluation;

namespace SocialLearning.Cli;

/// <summary>The store a command reads: a SQLite store file, or a StackExchange dump imported into memory.</summary>
internal static class CliStore
{
    public static async Task<(ServiceProvider Provider, TenantId Tenant, EvaluationCorpus? Corpus)> OpenAsync(string? sqlite, string? dataset, string? tenant, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        var builder = services.AddSocialLearning();
        EvaluationCorpus? corpus = null;
        TenantId id;
        if (sqlite is not null)
        {
            // Opening a missing file would create an empty store and report nothing: say so instead.
            if (!File.Exists(sqlite))
            {
                throw new FileNotFoundException($"No SQLite store at '{sqlite}'.", sqlite);
            }

            builder.UseSqliteStorage($"Data Source={Path.GetFullPath(sqlite)}");
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
