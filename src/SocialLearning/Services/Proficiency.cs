namespace SocialLearning;

/// <summary>
/// Turns evidence into effective proficiency. Precedence: Manager &gt; PeerEndorsement &gt; Self &gt; Activity; the
/// highest-precedence source with evidence decides. Within a source the latest evidence counts, except peer
/// endorsements, where the latest of each endorser is averaged. The level then decays with age:
/// <c>level × 2^(−age / halfLife)</c>.
/// </summary>
public static class Proficiency
{
    /// <summary>Computes effective proficiencies, highest first (ties by skill id).</summary>
    public static IReadOnlyList<SkillProficiency> Compute(IEnumerable<ProficiencyEvidence> evidence, DateTimeOffset now, TimeSpan halfLife)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var result = new List<SkillProficiency>();
        foreach (var bySkill in evidence.GroupBy(e => e.Skill))
        {
            var all = bySkill.ToList();
            var source = all.Max(e => e.Source);
            var deciding = all.Where(e => e.Source == source).ToList();
            double level;
            DateTimeOffset observed;
            if (source == EvidenceSource.PeerEndorsement)
            {
                var latestPerEndorser = deciding
                    .GroupBy(e => e.GivenBy)
                    .Select(g => g.OrderBy(e => e.ObservedAt).Last())
                    .ToList();
                observed = latestPerEndorser.Max(e => e.ObservedAt);
                level = latestPerEndorser.Average(e => Decay(e.Level, now - e.ObservedAt, halfLife));
            }
            else
            {
                var latest = deciding.OrderBy(e => e.ObservedAt).Last();
                observed = latest.ObservedAt;
                level = Decay(latest.Level, now - latest.ObservedAt, halfLife);
            }

            result.Add(new SkillProficiency { Skill = bySkill.Key, Level = level, Source = source, EvidenceCount = all.Count, ObservedAt = observed });
        }

        result.Sort((a, b) => b.Level != a.Level ? b.Level.CompareTo(a.Level) : string.CompareOrdinal(a.Skill.Value, b.Skill.Value));
        return result;
    }

    private static double Decay(double level, TimeSpan age, TimeSpan halfLife) =>
        age <= TimeSpan.Zero ? level : level * Math.Pow(2, -age.TotalSeconds / halfLife.TotalSeconds);
}
