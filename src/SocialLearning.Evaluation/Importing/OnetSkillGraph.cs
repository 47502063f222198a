using System.Text;

namespace SocialLearning.Evaluation;

/// <summary>A skill in an imported skill graph.</summary>
public sealed record GraphSkill
{
    /// <summary>Skill id (no white space), for example <c>onet-2.A.1.a</c> or <c>tech-microsoft-excel</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Other names of the skill (ESCO's alternative labels); empty when the taxonomy has none.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

/// <summary>An edge in an imported skill graph.</summary>
public sealed record GraphEdge
{
    /// <summary>Source skill id.</summary>
    public required string From { get; init; }

    /// <summary>Target skill id.</summary>
    public required string To { get; init; }

    /// <summary>Broader (To is broader than From) or Related (weighted).</summary>
    public required SkillEdgeKind Kind { get; init; }

    /// <summary>Weight in (0, 1].</summary>
    public double Weight { get; init; } = 1.0;
}

/// <summary>A skill graph read from a taxonomy.</summary>
public sealed record SkillGraphData
{
    /// <summary>Skills.</summary>
    public required IReadOnlyList<GraphSkill> Skills { get; init; }

    /// <summary>Edges.</summary>
    public required IReadOnlyList<GraphEdge> Edges { get; init; }

    /// <summary>
    /// Writes the graph into a tenant through <see cref="ISkillService.ImportAsync"/>: missing skills and edges are added,
    /// changed ones updated, and running it again writes nothing. Taxonomies are not written to the SDK's limits, so
    /// <see cref="ToDefinitions"/> fits them first.
    /// </summary>
    public Task<SkillImportResult> ImportAsync(ISkillService skills, TenantId tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(skills);
        var (definitions, edges) = ToDefinitions();
        return skills.ImportAsync(tenant, definitions, edges, cancellationToken);
    }

    /// <summary>
    /// The graph as <see cref="ISkillService.ImportAsync"/> takes it, fitted to the SDK's limits: a name is cut to 200
    /// characters and a description to 4,000 (an empty one dropped); of the aliases, the first 50 distinct ones of 1 to
    /// 200 characters are kept. A skill without a usable id or name is left out, and so are self-edges and edges to a
    /// skill not in the graph; an edge listed more than once keeps its highest weight, capped at 1 (an edge of weight 0
    /// or less is left out).
    /// </summary>
    public (IReadOnlyList<SkillDefinition> Skills, IReadOnlyList<SkillEdgeDefinition> Edges) ToDefinitions()
    {
        var skills = new List<SkillDefinition>(Skills.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var skill in Skills)
        {
            var name = skill.Name?.Trim();
            if (!SkillId.TryCreate(skill.Id, out var id) || string.IsNullOrEmpty(name) || !ids.Add(skill.Id))
            {
                continue;
            }

            var description = skill.Description?.Trim() is { Length: > 0 } d ? (d.Length > 4_000 ? d[..4_000] : d) : null;
            List<string> aliases = [.. skill.Aliases.Where(a => !string.IsNullOrWhiteSpace(a) && a.Length <= 200).Distinct(StringComparer.Ordinal).Take(50)];
            skills.Add(new SkillDefinition { Id = id, Name = name.Length > 200 ? name[..200].TrimEnd() : name, Aliases = aliases, Description = description });
        }

        var edges = new Dictionary<(string, string, SkillEdgeKind), double>();
        foreach (var edge in Edges)
        {
            if (edge.From != edge.To && ids.Contains(edge.From) && ids.Contains(edge.To) && edge.Weight > 0)
            {
                var key = (edge.From, edge.To, edge.Kind);
                edges[key] = Math.Max(edges.GetValueOrDefault(key), Math.Min(edge.Weight, 1.0));
            }
        }

        return (skills, [.. edges.Select(e => new SkillEdgeDefinition { From = new SkillId(e.Key.Item1), To = new SkillId(e.Key.Item2), Kind = e.Key.Item3, Weight = e.Value })]);
    }
}

/// <summary>
/// Reads the O*NET text release (tab-separated, header row) into a skill graph:
/// <c>Content Model Reference.txt</c> elements become skills (<c>onet-{Element ID}</c>) with a <see cref="SkillEdgeKind.Broader"/>
/// edge to their parent (the dotted id without its last part); <c>Technology Skills.txt</c> examples become skills
/// (<c>tech-{slug}</c>) with a Broader edge to their UNSPSC commodity (<c>unspsc-{code}</c>), and
/// <see cref="SkillEdgeKind.Related"/> edges between examples that appear together in at least
/// <c>minOccupations</c> occupations, weighted by cosine similarity of their occupation sets.
/// </summary>
public static class OnetSkillGraph
{
    /// <summary>Loads the graph from an O*NET folder.</summary>
    public static SkillGraphData Load(string directory, int minOccupations = 3)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(minOccupations, 1);
        var contentModel = Path.Combine(directory, "Content Model Reference.txt");
        if (!File.Exists(contentModel))
        {
            throw new FileNotFoundException($"The O*NET folder '{directory}' has no 'Content Model Reference.txt'.", contentModel);
        }

        var skills = new Dictionary<string, GraphSkill>(StringComparer.Ordinal);
        var edges = new List<GraphEdge>();
        foreach (var row in ReadTsv(contentModel))
        {
            if (row.Length < 2)
            {
                continue;
            }

            var id = "onet-" + row[0];
            skills[id] = new GraphSkill { Id = id, Name = row[1], Description = row.Length > 2 && row[2].Length > 0 ? row[2] : null };
            var dot = row[0].LastIndexOf('.');
            if (dot > 0)
            {
                edges.Add(new GraphEdge { From = id, To = "onet-" + row[0][..dot], Kind = SkillEdgeKind.Broader });
            }
        }

        edges.RemoveAll(e => !skills.ContainsKey(e.To));
        var technology = Path.Combine(directory, "Technology Skills.txt");
        if (File.Exists(technology))
        {
            var occupationsByExample = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var examplesByOccupation = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var row in ReadTsv(technology))
            {
                if (row.Length < 4)
                {
                    continue;
                }

                var id = "tech-" + Slug(row[1]);
                var commodity = "unspsc-" + row[2];
                skills.TryAdd(commodity, new GraphSkill { Id = commodity, Name = row[3] });
                if (skills.TryAdd(id, new GraphSkill { Id = id, Name = row[1] }))
                {
                    edges.Add(new GraphEdge { From = id, To = commodity, Kind = SkillEdgeKind.Broader });
                }

                Add(occupationsByExample, id, row[0]);
                Add(examplesByOccupation, row[0], id);
            }

            var pairs = new Dictionary<(string, string), int>();
            foreach (var examples in examplesByOccupation.Values)
            {
                var list = examples.Order(StringComparer.Ordinal).ToArray();
                for (var i = 0; i < list.Length; i++)
                {
                    for (var j = i + 1; j < list.Length; j++)
                    {
                        pairs[(list[i], list[j])] = pairs.GetValueOrDefault((list[i], list[j])) + 1;
                    }
                }
            }

            foreach (var ((a, b), together) in pairs.OrderBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal))
            {
                if (together >= minOccupations)
                {
                    var weight = together / Math.Sqrt((double)occupationsByExample[a].Count * occupationsByExample[b].Count);
                    edges.Add(new GraphEdge { From = a, To = b, Kind = SkillEdgeKind.Related, Weight = Math.Clamp(weight, 0.001, 1.0) });
                }
            }
        }

        return new SkillGraphData { Skills = [.. skills.Values.OrderBy(s => s.Id, StringComparer.Ordinal)], Edges = edges };
    }

    /// <summary>A lower-case id fragment: letters and digits kept, runs of anything else become one '-'.</summary>
    public static string Slug(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length);
        foreach (var c in value.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var slug = sb.ToString().TrimEnd('-');
        return slug.Length > 100 ? slug[..100] : slug.Length == 0 ? "x" : slug;
    }

    private static void Add(Dictionary<string, HashSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.Add(value);
    }

    private static IEnumerable<string[]> ReadTsv(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        _ = reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line.Split('\t');
            }
        }
    }
}
