namespace SocialLearning.Services;

/// <summary>
/// Skills by what people call them: their names and aliases, compared ignoring case (ordinal) and with runs of white
/// space as one space. Used to resolve what a worker types as a contribution's skills and to search skills. Labels are
/// compared where they lie: a label that is already trimmed with single spaces (nearly all) costs no allocation.
/// </summary>
internal static class SkillLabels
{
    /// <summary>Trimmed, every run of white space one space; the same instance when it already is.</summary>
    public static string Collapse(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return IsCollapsed(label) ? label : string.Join(' ', label.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="collapsedB"/> are the same label (case and spacing aside).</summary>
    public static bool Same(string a, string collapsedB) => string.Equals(Collapse(a), collapsedB, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// How well <paramref name="label"/> matches <paramref name="collapsedQuery"/>: 0 the same label, 1 it starts with
    /// the query, 2 a later word of it does, 3 it contains the query; <see cref="int.MaxValue"/> no match.
    /// </summary>
    public static int Tier(string label, string collapsedQuery)
    {
        var text = Collapse(label);
        var at = text.IndexOf(collapsedQuery, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return int.MaxValue;
        }

        if (at == 0)
        {
            return text.Length == collapsedQuery.Length ? 0 : 1;
        }

        for (; at > 0; at = text.IndexOf(collapsedQuery, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            if (text[at - 1] == ' ')
            {
                return 2;
            }
        }

        return 3;
    }

    /// <summary>The entry as a skill id, or null when it cannot be one (white space, too long).</summary>
    public static SkillId? AsId(string entry) => SkillId.TryCreate(entry, out var id) ? id : null;

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

    /// <summary>For each of <paramref name="collapsedLabels"/>, the skills whose name or an alias it is, in one pass.</summary>
    public static List<SkillId>[] FindExact(IReadOnlyList<Skill> skills, IReadOnlyList<string> collapsedLabels)
    {
        var found = new List<SkillId>[collapsedLabels.Count];
        for (var i = 0; i < found.Length; i++)
        {
            found[i] = [];
        }

        foreach (var skill in skills)
        {
            for (var i = 0; i < collapsedLabels.Count; i++)
            {
                if (Carries(skill, collapsedLabels[i]) && !found[i].Contains(skill.Id))
                {
                    found[i].Add(skill.Id);
                }
            }
        }

        return found;
    }

    private static bool Carries(Skill skill, string collapsedLabel)
    {
        if (Same(skill.Name, collapsedLabel))
        {
            return true;
        }

        foreach (var alias in skill.Aliases)
        {
            if (Same(alias, collapsedLabel))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCollapsed(ReadOnlySpan<char> label)
    {
        if (label.Length == 0)
        {
            return true;
        }

        if (char.IsWhiteSpace(label[0]) || char.IsWhiteSpace(label[^1]))
        {
            return false;
        }

        for (var i = 1; i < label.Length; i++)
        {
            if (char.IsWhiteSpace(label[i]) && (label[i] != ' ' || label[i - 1] == ' '))
            {
                return false;
            }
        }

        return true;
    }
}
