using SocialLearning.Index;
using SocialLearning.Services;

namespace SocialLearning.Recommendations;

/// <summary>
/// The skills of a recommendation request as a host or a worker names them: an entry that is a skill id in the index
/// is used as it is (no lookup: the common case costs one dictionary probe per entry); any other entry is looked up
/// as a skill's name or alias in the <see cref="SkillCatalog"/>, the way a contribution's skills are.
/// </summary>
internal static class SkillEntries
{
    /// <summary>
    /// <paramref name="entries"/> with names and aliases replaced by the ids of the skills carrying them (the same list
    /// when every entry is an id). An entry nobody carries is kept, so it matches nothing as an unknown id did. A label
    /// two skills carry stands for both, unless <paramref name="ambiguousField"/> is set: then it is an
    /// <see cref="ArgumentException"/> naming <c>{ambiguousField}[i]</c> and both skills, and the result keeps one entry
    /// per position (duplicates too), so a later error about an entry can still name its place in the request.
    /// </summary>
    public static async ValueTask<IReadOnlyList<string>> ResolveAsync(
        SkillCatalog catalog, TenantIndex index, TenantId tenant, IReadOnlyList<string> entries, string? ambiguousField, CancellationToken cancellationToken)
    {
        List<string>? resolved = null;
        SkillLabelIndex? labels = null;
        var keepPositions = ambiguousField is not null;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (index.Skills.Find(entry) >= 0)
            {
                Add(resolved, entry, keepPositions);
                continue;
            }

            labels ??= await catalog.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
            var carriers = labels.Carriers(entry);
            if (carriers.Count == 0 || (carriers.Count == 1 && carriers[0].Value == entry))
            {
                Add(resolved, entry, keepPositions);
                continue;
            }

            if (carriers.Count > 1 && ambiguousField is not null)
            {
                throw new ArgumentException(
                    $"{ambiguousField}[{i}]: '{entry}' is the name or an alias of several skills ({string.Join(", ", carriers.Select(c => c.Value))}); give the skill's id.",
                    $"{ambiguousField}[{i}]");
            }

            resolved ??= [.. entries.Take(i)];
            foreach (var carrier in carriers)
            {
                Add(resolved, carrier.Value, keepPositions);
            }
        }

        return resolved ?? entries;
    }

    private static void Add(List<string>? list, string value, bool keepPositions)
    {
        if (list is not null && (keepPositions || !list.Contains(value)))
        {
            list.Add(value);
        }
    }
}
