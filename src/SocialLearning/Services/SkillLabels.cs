namespace SocialLearning.Services;

/// <summary>
/// Skills by what people call them: their names and aliases, compared without case and with runs of white space as one
/// space. Used to resolve what a worker types as a contribution's skills and to search skills.
/// </summary>
internal static class SkillLabels
{
    /// <summary>Trimmed, lower-cased (invariant culture), every run of white space one space.</summary>
    public static string Normalize(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return string.Join(' ', label.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();
    }

    /// <summary>The entry as a skill id, or null when it cannot be one (white space, too long).</summary>
    public static SkillId? AsId(string entry)
    {
        try
        {
            return new SkillId(entry);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Why <paramref name="entry"/> is not a valid skill id (the id rules' message).</summary>
    public static string WhyNotAnId(string entry)
    {
        try
        {
            _ = new SkillId(entry);
            return "it is a valid id";
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>Every normalised name and alias of the tenant's skills, with the skills that carry it (in store order).</summary>
    public static async Task<Dictionary<string, List<SkillId>>> ReadAsync(ISocialLearningStore store, TenantId tenant, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, List<SkillId>>(StringComparer.Ordinal);
        await foreach (var skill in store.ListSkillsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            Add(labels, skill.Name, skill.Id);
            foreach (var alias in skill.Aliases)
            {
                Add(labels, alias, skill.Id);
            }
        }

        return labels;
    }

    private static void Add(Dictionary<string, List<SkillId>> labels, string label, SkillId id)
    {
        var key = Normalize(label);
        if (key.Length == 0)
        {
            return;
        }

        if (!labels.TryGetValue(key, out var ids))
        {
            labels[key] = ids = new List<SkillId>(1);
        }

        if (!ids.Contains(id))
        {
            ids.Add(id);
        }
    }
}
