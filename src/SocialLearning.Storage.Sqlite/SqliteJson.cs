using System.Text.Json;
using System.Text.Json.Serialization;

namespace SocialLearning.Storage.Sqlite;

/// <summary>Source-generated JSON for the entity records stored in the <c>data</c> columns (trimming/AOT safe).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(TenantIdConverter), typeof(LearnerIdConverter), typeof(SkillIdConverter), typeof(ContributionIdConverter), typeof(ContextKeyConverter)])]
[JsonSerializable(typeof(Learner))]
[JsonSerializable(typeof(Skill))]
[JsonSerializable(typeof(Contribution))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;

internal sealed class TenantIdConverter : JsonConverter<TenantId>
{
    public override TenantId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, TenantId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class LearnerIdConverter : JsonConverter<LearnerId>
{
    public override LearnerId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, LearnerId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class SkillIdConverter : JsonConverter<SkillId>
{
    public override SkillId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, SkillId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class ContributionIdConverter : JsonConverter<ContributionId>
{
    public override ContributionId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, ContributionId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

internal sealed class ContextKeyConverter : JsonConverter<ContextKey>
{
    public override ContextKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ContextKey.Parse(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, ContextKey value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
