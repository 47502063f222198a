namespace SocialLearning.Services;

/// <summary>
/// Skills by what people call them: their names and aliases, compared ignoring case and with runs of white space as
/// one space (see <see cref="SkillLabelIndex"/>). Used to resolve what a worker types as a contribution's skills and
/// to search skills.
/// </summary>
internal static class SkillLabels
{
    /// <summary>Trimmed, every run of white space one space; the same instance when it already is.</summary>
    public static string Collapse(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return IsCollapsed(label) ? label : string.Join(' ', label.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
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
