using System.Globalization;
using System.Xml;

namespace SocialLearning.Evaluation;

/// <summary>
/// Streams the rows of a StackExchange data dump file (<c>Posts.xml</c>, <c>Users.xml</c>, ...) with
/// <see cref="XmlReader"/>: one attribute dictionary per <c>&lt;row&gt;</c>, never the whole document.
/// Files are UTF-8 with or without a byte-order mark.
/// </summary>
public static class StackExchangeDump
{
    /// <summary>The file names a dump folder may hold; only <c>Posts.xml</c> is required.</summary>
    public static IReadOnlyList<string> KnownFiles { get; } = ["Posts.xml", "Users.xml", "Votes.xml", "PostLinks.xml", "Tags.xml", "Comments.xml", "Badges.xml"];

    /// <summary>Finds a dump file in a folder, ignoring case; null when absent.</summary>
    public static string? FindFile(string directory, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var exact = Path.Combine(directory, fileName);
        if (File.Exists(exact))
        {
            return exact;
        }

        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (string.Equals(Path.GetFileName(file), fileName, StringComparison.OrdinalIgnoreCase))
            {
                return file;
            }
        }

        return null;
    }

    /// <summary>Streams the <c>row</c> elements of one dump file as attribute maps.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, string>> ReadRows(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            IgnoreWhitespace = true,
            IgnoreComments = true,
            XmlResolver = null,
            CloseInput = false,
        };
        using var reader = XmlReader.Create(stream, settings);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || !string.Equals(reader.LocalName, "row", StringComparison.Ordinal))
            {
                continue;
            }

            var row = new Dictionary<string, string>(reader.AttributeCount, StringComparer.Ordinal);
            if (reader.MoveToFirstAttribute())
            {
                do
                {
                    row[reader.LocalName] = reader.Value;
                }
                while (reader.MoveToNextAttribute());
                reader.MoveToElement();
            }

            yield return row;
        }
    }

    /// <summary>Streams the rows of a file by path.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, string>> ReadRows(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        foreach (var row in ReadRows(stream))
        {
            yield return row;
        }
    }

    /// <summary>
    /// Parses a post's <c>Tags</c> attribute in either dump format: <c>&lt;a&gt;&lt;b&gt;</c> (older dumps)
    /// or <c>|a|b|</c> (newer dumps). Tags are lower-cased and de-duplicated, order kept.
    /// </summary>
    public static IReadOnlyList<string> ParseTags(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var tags = new List<string>();
        var trimmed = value.Trim();
        if (trimmed.Contains('<', StringComparison.Ordinal))
        {
            var start = -1;
            for (var i = 0; i < trimmed.Length; i++)
            {
                if (trimmed[i] == '<')
                {
                    start = i + 1;
                }
                else if (trimmed[i] == '>' && start >= 0)
                {
                    Add(tags, trimmed[start..i]);
                    start = -1;
                }
            }
        }
        else
        {
            foreach (var part in trimmed.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Add(tags, part);
            }
        }

        return tags;

        static void Add(List<string> tags, string tag)
        {
            var clean = tag.Trim().ToLowerInvariant();
            if (clean.Length > 0 && !tags.Contains(clean, StringComparer.Ordinal))
            {
                tags.Add(clean);
            }
        }
    }

    /// <summary>Parses a dump timestamp (ISO-8601 without a zone, UTC in practice).</summary>
    /// <exception cref="InvalidDataException">The value is not a date.</exception>
    public static DateTimeOffset ParseDate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dt))
        {
            throw new InvalidDataException($"'{value}' is not a date (dumps write them as 2018-03-12T18:05:01.947, in UTC).");
        }

        return new DateTimeOffset(dt, TimeSpan.Zero);
    }
}
