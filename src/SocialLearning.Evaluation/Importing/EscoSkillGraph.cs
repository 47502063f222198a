using CsvHelper;

namespace SocialLearning.Evaluation;

/// <summary>
/// Reads the ESCO classification's CSV download (one language, for example <c>en</c>) into a skill graph:
/// <list type="bullet">
/// <item><c>skills_{language}.csv</c> (required): every skill and knowledge concept becomes a skill, named by its
/// preferred label, with its alternative labels as aliases and its description;</item>
/// <item><c>skillGroups_{language}.csv</c> (optional): the groups of the skills pillar become skills too, so the
/// hierarchy has somewhere to point;</item>
/// <item><c>broaderRelationsSkillPillar_{language}.csv</c> (optional): a <see cref="SkillEdgeKind.Broader"/> edge from
/// each concept to its broader concept, where both were read;</item>
/// <item><c>skillSkillRelations_{language}.csv</c> (optional): a <see cref="SkillEdgeKind.Related"/> edge from the
/// original skill to the related one, weight 1 when ESCO calls the relation essential and 0.5 when optional.</item>
/// </list>
/// Skill ids are <c>esco-</c> and the concept URI's path after <c>/esco/</c>, with <c>skill/</c> dropped and any
/// other <c>/</c> replaced by <c>-</c>: <c>http://data.europa.eu/esco/skill/3a2d…</c> → <c>esco-3a2d…</c>,
/// <c>http://data.europa.eu/esco/isced-f/0613</c> → <c>esco-isced-f-0613</c>. Files are RFC 4180 CSV (quoted fields
/// may hold line breaks, which is how ESCO lists alternative labels), UTF-8 with or without a byte-order mark, and
/// columns are found by their header names, so column order does not matter.
/// </summary>
public static class EscoSkillGraph
{
    /// <summary>Weight of a <see cref="SkillEdgeKind.Related"/> edge ESCO marks <c>essential</c>.</summary>
    public const double EssentialWeight = 1.0;

    /// <summary>Weight of a <see cref="SkillEdgeKind.Related"/> edge ESCO marks <c>optional</c> (or anything else).</summary>
    public const double OptionalWeight = 0.5;

    private const string UriPrefix = "/esco/";

    /// <summary>Loads the graph from a folder holding ESCO's CSV files in <paramref name="language"/>.</summary>
    /// <exception cref="FileNotFoundException"><c>skills_{language}.csv</c> is not in the folder.</exception>
    /// <exception cref="InvalidDataException">A file lacks a column the import needs, or is not valid CSV.</exception>
    public static SkillGraphData Load(string directory, string language = "en")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        if (!language.All(c => char.IsAsciiLetter(c) || c == '-'))
        {
            throw new ArgumentException($"language must be an ESCO language code such as 'en' or 'pt' (was '{language}').", nameof(language));
        }

        var skillsFile = Path.Combine(directory, $"skills_{language}.csv");
        if (!File.Exists(skillsFile))
        {
            throw new FileNotFoundException($"The ESCO folder '{directory}' has no 'skills_{language}.csv'.", skillsFile);
        }

        var skills = new Dictionary<string, GraphSkill>(StringComparer.Ordinal);
        ReadConcepts(skillsFile, skills);
        var groupsFile = Path.Combine(directory, $"skillGroups_{language}.csv");
        if (File.Exists(groupsFile))
        {
            ReadConcepts(groupsFile, skills);
        }

        var edges = new List<GraphEdge>();
        var broaderFile = Path.Combine(directory, $"broaderRelationsSkillPillar_{language}.csv");
        if (File.Exists(broaderFile))
        {
            var seen = new HashSet<(string, string)>();
            foreach (var row in Read(broaderFile, "conceptUri", "broaderUri"))
            {
                var (from, to) = (IdOf(row[0]), IdOf(row[1]));
                if (from is not null && to is not null && from != to && skills.ContainsKey(from) && skills.ContainsKey(to) && seen.Add((from, to)))
                {
                    edges.Add(new GraphEdge { From = from, To = to, Kind = SkillEdgeKind.Broader });
                }
            }
        }

        var relationsFile = Path.Combine(directory, $"skillSkillRelations_{language}.csv");
        if (File.Exists(relationsFile))
        {
            // One edge per ordered pair; a pair listed twice keeps its strongest relation.
            var related = new Dictionary<(string, string), double>();
            var order = new List<(string, string)>();
            foreach (var row in Read(relationsFile, "originalSkillUri", "relatedSkillUri", "relationType"))
            {
                var (from, to) = (IdOf(row[0]), IdOf(row[1]));
                if (from is null || to is null || from == to || !skills.ContainsKey(from) || !skills.ContainsKey(to))
                {
                    continue;
                }

                var weight = string.Equals(row[2].Trim(), "essential", StringComparison.OrdinalIgnoreCase) ? EssentialWeight : OptionalWeight;
                if (related.TryGetValue((from, to), out var before))
                {
                    related[(from, to)] = Math.Max(before, weight);
                }
                else
                {
                    related[(from, to)] = weight;
                    order.Add((from, to));
                }
            }

            foreach (var pair in order)
            {
                edges.Add(new GraphEdge { From = pair.Item1, To = pair.Item2, Kind = SkillEdgeKind.Related, Weight = related[pair] });
            }
        }

        return new SkillGraphData { Skills = [.. skills.Values.OrderBy(s => s.Id, StringComparer.Ordinal)], Edges = edges };
    }

    /// <summary>
    /// The skill id for an ESCO concept URI (see the type's summary), or <see langword="null"/> for a value that is not
    /// one (empty, or nothing after the last <c>/</c>).
    /// </summary>
    public static string? IdOf(string? uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            return null;
        }

        var value = uri.Trim();
        var at = value.IndexOf(UriPrefix, StringComparison.Ordinal);
        var path = at >= 0 ? value[(at + UriPrefix.Length)..] : value[(value.LastIndexOf('/') + 1)..];
        if (path.StartsWith("skill/", StringComparison.Ordinal))
        {
            path = path["skill/".Length..];
        }

        path = path.Trim('/').Replace('/', '-');
        if (path.Length == 0)
        {
            return null;
        }

        var id = "esco-" + path;
        return id.Length > 128 || id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? "esco-" + OnetSkillGraph.Slug(path) : id;
    }

    private static void ReadConcepts(string file, Dictionary<string, GraphSkill> skills)
    {
        foreach (var row in Read(file, "conceptUri", "preferredLabel", "altLabels?", "description?"))
        {
            var id = IdOf(row[0]);
            var name = row[1].Trim();
            if (id is null || name.Length == 0)
            {
                continue;
            }

            var aliases = new List<string>();
            foreach (var line in row[2].Split('\n'))
            {
                var alias = line.Trim();
                if (alias.Length > 0 && !string.Equals(alias, name, StringComparison.Ordinal) && !aliases.Contains(alias, StringComparer.Ordinal))
                {
                    aliases.Add(alias);
                }
            }

            var description = row[3].Trim();
            skills.TryAdd(id, new GraphSkill { Id = id, Name = name, Aliases = aliases, Description = description.Length > 0 ? description : null });
        }
    }

    /// <summary>The named columns of every row; a name ending in '?' may be missing (its value is then empty).</summary>
    private static IEnumerable<string[]> Read(string file, params string[] columns)
    {
        var name = Path.GetFileName(file);
        using var csv = CsvReader.FromFile(file);
        var index = new int[columns.Length];
        try
        {
            for (var i = 0; i < columns.Length; i++)
            {
                var optional = columns[i].EndsWith('?');
                var column = optional ? columns[i][..^1] : columns[i];
                if (!csv.TryGetFieldIndex(column, out index[i]))
                {
                    index[i] = -1;
                    if (!optional)
                    {
                        throw new InvalidDataException($"{name} has no '{column}' column (its header is: {string.Join(", ", csv.Headers)}).");
                    }
                }
            }
        }
        catch (CsvFormatException ex)
        {
            throw new InvalidDataException($"{name} is not valid CSV: {ex.Message}", ex);
        }

        while (true)
        {
            var row = new string[index.Length];
            try
            {
                if (!csv.Read())
                {
                    yield break;
                }

                for (var i = 0; i < index.Length; i++)
                {
                    row[i] = index[i] >= 0 && index[i] < csv.FieldCount ? csv.GetString(index[i]) : string.Empty;
                }
            }
            catch (CsvFormatException ex)
            {
                throw new InvalidDataException($"{name}, record {csv.RowNumber}: not valid CSV: {ex.Message}", ex);
            }

            yield return row;
        }
    }
}
