using System.Buffers;

namespace SocialLearning.Services;

/// <summary>
/// A tenant's skill labels (ids, names, aliases) folded into one string, so that finding a typed text is one
/// vectorised ordinal search through it rather than a case-insensitive comparison per label. Each label is collapsed
/// (<see cref="SkillLabels.Collapse"/>) and upper-cased per character with the invariant culture, and ends with a line
/// break, which no collapsed label or query contains, so a match never spans two labels. Built once per catalog
/// snapshot (when a skill changes) and read by any number of threads.
/// </summary>
internal sealed class SkillLabelIndex
{
    private const char Separator = '\n';
    private const byte Name = 0;
    private const byte Alias = 1;
    private const byte Id = 2;

    private readonly string _folded;
    private readonly int[] _start;
    private readonly int[] _skill;
    private readonly byte[] _kind;

    public SkillLabelIndex(IReadOnlyList<Skill> skills)
    {
        Skills = skills;

        // Sized from the raw labels (collapsing only shortens them), so they are written once into one buffer.
        int labels = 0, chars = 0;
        foreach (var skill in skills)
        {
            labels += 2 + skill.Aliases.Count;
            chars += skill.Id.Value.Length + skill.Name.Length + 2;
            foreach (var alias in skill.Aliases)
            {
                chars += alias.Length + 1;
            }
        }

        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, chars));
        var start = new int[labels + 1];
        var owner = new int[labels];
        var kinds = new byte[labels];
        int label = 0, at = 0;
        for (var s = 0; s < skills.Count; s++)
        {
            Write(skills[s].Id.Value, s, Id);
            Write(skills[s].Name, s, Name);
            foreach (var alias in skills[s].Aliases)
            {
                Write(alias, s, Alias);
            }
        }

        start[label] = at;
        _folded = new string(buffer, 0, at);
        ArrayPool<char>.Shared.Return(buffer);
        if (label < labels)
        {
            // Some labels were empty once collapsed.
            Array.Resize(ref start, label + 1);
            Array.Resize(ref owner, label);
            Array.Resize(ref kinds, label);
        }

        _start = start;
        _skill = owner;
        _kind = kinds;

        void Write(string text, int skill, byte kind)
        {
            var collapsed = SkillLabels.Collapse(text);
            if (collapsed.Length == 0)
            {
                return;
            }

            start[label] = at;
            owner[label] = skill;
            kinds[label] = kind;
            label++;
            collapsed.AsSpan().ToUpperInvariant(buffer.AsSpan(at, collapsed.Length));
            at += collapsed.Length;
            buffer[at++] = Separator;
        }
    }

    /// <summary>The snapshot's skills, in the store's order.</summary>
    public IReadOnlyList<Skill> Skills { get; }

    /// <summary>The text a query is compared as: collapsed, then upper-cased per character (invariant).</summary>
    public static string Fold(string text)
    {
        var collapsed = SkillLabels.Collapse(text);
        return string.Create(collapsed.Length, collapsed, static (span, s) => s.AsSpan().ToUpperInvariant(span));
    }

    /// <summary>
    /// The best <paramref name="limit"/> skills for <paramref name="text"/>, by tier (0 an exact id, name or alias;
    /// 1 / 2 a name / an alias that starts with it; 3 / 4 a word of a name / an alias that does; 5 a name or alias that
    /// contains it), then the shorter name, then the id.
    /// </summary>
    public List<Skill> Search(string text, int limit)
    {
        var query = Fold(text);
        if (query.Length == 0)
        {
            return [];
        }

        var best = new List<(int Tier, Skill Skill)>(limit + 1);

        var tiers = ArrayPool<int>.Shared.Rent(Skills.Count);
        var touched = new List<int>();
        try
        {
            Array.Fill(tiers, int.MaxValue, 0, Skills.Count);
            for (var at = _folded.IndexOf(query, StringComparison.Ordinal); at >= 0; at = _folded.IndexOf(query, at + 1, StringComparison.Ordinal))
            {
                var label = LabelAt(at);
                var offset = at - _start[label];
                var exact = offset == 0 && _start[label] + query.Length + 1 == _start[label + 1];
                var alias = _kind[label] == Alias ? 1 : 0;
                var tier = _kind[label] == Id ? (exact ? 0 : int.MaxValue)
                    : exact ? 0
                    : offset == 0 ? 1 + alias
                    : _folded[at - 1] == ' ' ? 3 + alias
                    : 5;
                var skill = _skill[label];
                if (tier < tiers[skill])
                {
                    if (tiers[skill] == int.MaxValue)
                    {
                        touched.Add(skill);
                    }

                    tiers[skill] = tier;
                }
            }

            foreach (var skill in touched)
            {
                var candidate = (tiers[skill], Skills[skill]);
                if (best.Count == limit && Compare(candidate, best[^1]) >= 0)
                {
                    continue;
                }

                var place = best.Count;
                while (place > 0 && Compare(candidate, best[place - 1]) < 0)
                {
                    place--;
                }

                best.Insert(place, candidate);
                if (best.Count > limit)
                {
                    best.RemoveAt(limit);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(tiers);
        }

        return [.. best.Select(b => b.Skill)];
    }

    /// <summary>The skills whose name or an alias is <paramref name="text"/> (case and spacing aside), in the store's order.</summary>
    public List<SkillId> Carriers(string text)
    {
        var query = Fold(text);
        var found = new List<SkillId>();
        if (query.Length == 0)
        {
            return found;
        }

        for (var at = _folded.IndexOf(query, StringComparison.Ordinal); at >= 0; at = _folded.IndexOf(query, at + 1, StringComparison.Ordinal))
        {
            var label = LabelAt(at);
            if (_kind[label] != Id && at == _start[label] && at + query.Length + 1 == _start[label + 1])
            {
                var id = Skills[_skill[label]].Id;
                if (!found.Contains(id))
                {
                    found.Add(id);
                }
            }
        }

        found.Sort(static (a, b) => string.CompareOrdinal(a.Value, b.Value));
        return found;
    }

    /// <summary>The label holding position <paramref name="at"/>: the last whose start is at or before it.</summary>
    private int LabelAt(int at)
    {
        var i = Array.BinarySearch(_start, 0, _start.Length - 1, at);
        return i >= 0 ? i : ~i - 1;
    }

    private static int Compare((int Tier, Skill Skill) a, (int Tier, Skill Skill) b) =>
        a.Tier != b.Tier ? a.Tier.CompareTo(b.Tier)
        : a.Skill.Name.Length != b.Skill.Name.Length ? a.Skill.Name.Length.CompareTo(b.Skill.Name.Length)
        : string.CompareOrdinal(a.Skill.Id.Value, b.Skill.Id.Value);
}
