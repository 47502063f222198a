namespace SocialLearning.Services;

internal static class Guard
{
    public static void Tenant(TenantId tenant, string field = "tenant")
    {
        if (tenant.IsDefault)
        {
            throw new ArgumentException($"{field} must be set.", field);
        }
    }

    public static void Set(LearnerId id, string field)
    {
        if (id.IsDefault)
        {
            throw new ArgumentException($"{field} must be set.", field);
        }
    }

    public static void Set(ContributionId id, string field)
    {
        if (id.IsDefault)
        {
            throw new ArgumentException($"{field} must be set.", field);
        }
    }

    public static void Set(SkillId id, string field)
    {
        if (id.IsDefault)
        {
            throw new ArgumentException($"{field} must be set.", field);
        }
    }

    public static string Text(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field} must not be empty.", field);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{field} must be at most {maxLength} characters (was {value.Length}).", field);
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{field} must not contain NUL characters.", field);
        }

        return value;
    }

    public static IReadOnlyList<string> Labels(IReadOnlyList<string>? values, string field, int maxCount = 50)
    {
        if (values is null)
        {
            return [];
        }

        if (values.Count > maxCount)
        {
            throw new ArgumentException($"{field} may hold at most {maxCount} entries (had {values.Count}).", field);
        }

        var result = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            result.Add(Text(values[i], $"{field}[{i}]", 200));
        }

        return result;
    }

    public static Audience Audience(Audience? audience, string field)
    {
        if (audience is null)
        {
            return SocialLearning.Audience.Everyone;
        }

        return new Audience
        {
            Teams = Labels(audience.Teams, $"{field}.Teams"),
            Roles = Labels(audience.Roles, $"{field}.Roles"),
        };
    }

    public static IReadOnlyList<ContextKey> ContextKeys(IReadOnlyList<string>? keys, string field, int maxCount)
    {
        if (keys is null || keys.Count == 0)
        {
            return [];
        }

        if (keys.Count > maxCount)
        {
            throw new ArgumentException($"{field} may hold at most {maxCount} keys (had {keys.Count}).", field);
        }

        var result = new List<ContextKey>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = ContextKey.Parse(keys[i], $"{field}[{i}]");
            if (!result.Contains(key))
            {
                result.Add(key);
            }
        }

        return result;
    }

    /// <summary>
    /// A contribution's skill entries, checked for count and shape: each is a skill id or a skill's name or alias (see
    /// <see cref="SkillLabels"/>), resolved against the store later. Trimmed; duplicates are kept here, so an error
    /// later names the entry's place in the request, and dropped once resolved (two labels may name one skill).
    /// </summary>
    public static List<string> SkillEntries(IReadOnlyList<string>? skills, string field, int maxCount)
    {
        if (skills is null || skills.Count == 0)
        {
            return [];
        }

        if (skills.Count > maxCount)
        {
            throw new ArgumentException($"{field} may hold at most {maxCount} skills (had {skills.Count}).", field);
        }

        var result = new List<string>(skills.Count);
        for (var i = 0; i < skills.Count; i++)
        {
            result.Add(Text(skills[i], $"{field}[{i}]", 200).Trim());
        }

        return result;
    }
}
