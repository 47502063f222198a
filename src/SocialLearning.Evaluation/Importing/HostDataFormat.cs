using System.Text.Json;
using System.Text.Json.Serialization;

namespace SocialLearning.Evaluation;

/// <summary>
/// The documented JSON file format for a host's own Q&amp;A-style data (see docs/evaluation.md): one object with
/// <c>name</c>, <c>users</c>, <c>posts</c>, <c>votes</c>, <c>links</c>, <c>tags</c> and optional <c>comments</c>,
/// <c>badges</c> and <c>voteTimeGranularitySeconds</c>. Property names are camelCase, enums lower-case strings,
/// times ISO-8601. Only <c>posts</c> is required.
/// </summary>
public static class HostDataFormat
{
    /// <summary>Reads a host data file.</summary>
    public static EvaluationCorpus Read(Stream stream, string? fallbackName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        HostDataFile file;
        try
        {
            file = JsonSerializer.Deserialize(stream, EvaluationJsonContext.Default.HostDataFile)
                ?? throw new InvalidDataException("The host data file is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The host data file is not valid: {ex.Message}", ex);
        }

        if (file.Posts is null)
        {
            throw new InvalidDataException("The host data file has no 'posts' array; it is the one property an evaluation needs.");
        }

        return new EvaluationCorpus(
            file.Name ?? fallbackName ?? "host-data",
            file.Posts,
            file.Users,
            file.Votes,
            file.Links,
            file.Tags,
            TimeSpan.FromSeconds(file.VoteTimeGranularitySeconds),
            file.Notes,
            file.Comments,
            file.Badges);
    }

    /// <summary>Reads a host data file by path.</summary>
    public static EvaluationCorpus Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Writes a corpus in the host data format (for example a converted StackExchange dump).</summary>
    public static void Write(EvaluationCorpus corpus, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(stream);
        var file = new HostDataFile
        {
            Name = corpus.Name,
            VoteTimeGranularitySeconds = corpus.VoteTimeGranularity.TotalSeconds,
            Notes = [.. corpus.Notes],
            Users = [.. corpus.Users],
            Posts = [.. corpus.Posts],
            Votes = [.. corpus.Votes],
            Links = [.. corpus.Links],
            Tags = [.. corpus.Tags],
            Comments = [.. corpus.Comments],
            Badges = [.. corpus.Badges],
        };
        JsonSerializer.Serialize(stream, file, EvaluationJsonContext.Default.HostDataFile);
    }
}

/// <summary>The root object of a host data file.</summary>
public sealed class HostDataFile
{
    /// <summary>Dataset name for reports.</summary>
    public string? Name { get; set; }

    /// <summary>How coarse vote times are, in seconds (0 when exact). Votes become visible this long after their time.</summary>
    public double VoteTimeGranularitySeconds { get; set; }

    /// <summary>Free-text notes carried into reports.</summary>
    public List<string>? Notes { get; set; }

    /// <summary>People.</summary>
    public List<CorpusUser>? Users { get; set; }

    /// <summary>Questions and answers (required).</summary>
    public List<CorpusPost>? Posts { get; set; }

    /// <summary>Votes, accepts and favourites.</summary>
    public List<CorpusVote>? Votes { get; set; }

    /// <summary>Links between posts (the related-task labels).</summary>
    public List<CorpusLink>? Links { get; set; }

    /// <summary>Tags with descriptions.</summary>
    public List<CorpusTag>? Tags { get; set; }

    /// <summary>Comments.</summary>
    public List<CorpusComment>? Comments { get; set; }

    /// <summary>Badges.</summary>
    public List<CorpusBadge>? Badges { get; set; }
}

/// <summary>Source-generated JSON metadata for the evaluation package's files (host data and reports).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(HostDataFile))]
[JsonSerializable(typeof(EvaluationReport))]
[JsonSerializable(typeof(SkillGraphData))]
public sealed partial class EvaluationJsonContext : JsonSerializerContext;
