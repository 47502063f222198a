using Microsoft.Extensions.Options;

namespace SocialLearning;

/// <summary>Options for the SocialLearning services. Validated on start; each message names the option.</summary>
public sealed class SocialLearningOptions
{
    /// <summary>Longest contribution title in characters. Default 200.</summary>
    public int MaxTitleLength { get; set; } = 200;

    /// <summary>Longest contribution body (markdown) in characters. Default 20,000.</summary>
    public int MaxBodyLength { get; set; } = 20_000;

    /// <summary>Most skills on one contribution. Default 20.</summary>
    public int MaxSkillsPerContribution { get; set; } = 20;

    /// <summary>Most context keys on one contribution. Default 20.</summary>
    public int MaxContextKeysPerContribution { get; set; } = 20;

    /// <summary>Longest note on an interaction (for example a flag reason). Default 1,000.</summary>
    public int MaxNoteLength { get; set; } = 1_000;

    /// <summary>
    /// When true, sharing a contribution with a skill id the tenant does not have creates the skill
    /// (named as its id). When false (the default) the share is rejected naming the unknown skill.
    /// </summary>
    public bool AutoCreateSkills { get; set; }

    /// <summary>When true (the default) any learner of the tenant may improve a contribution; every edit keeps a revision.</summary>
    public bool AllowPeerEdits { get; set; } = true;

    /// <summary>
    /// Flags from this many distinct trusted learners (see <see cref="TrustedFlaggerMinimumAge"/>), counted since a moderator last decided on the contribution, hide a
    /// published contribution until a moderator acts (see <see cref="IModerationService"/>). Default 3; 0 turns it off.
    /// </summary>
    public int AutoHideFlagThreshold { get; set; } = 3;

    /// <summary>
    /// How long a learner must have been known (since <see cref="Learner.CreatedAt"/>) for their flags to count toward
    /// <see cref="AutoHideFlagThreshold"/>, so that accounts made for the purpose cannot hide a contribution. Their
    /// flags are still recorded and shown in the review queue. Moderators always count. Default 1 day (the same as the
    /// ASP.NET Core integration's new-learner period); zero trusts everyone.
    /// </summary>
    public TimeSpan TrustedFlaggerMinimumAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// A learner whose flags moderators have overturned this many times (a contribution they flagged that a moderator
    /// approved after the flag, and that is still published) is no longer trusted: their flags stop counting toward
    /// <see cref="AutoHideFlagThreshold"/> and show as untrusted in the review queue, with the count. Moderators always
    /// count. Default 3; 0 turns it off.
    /// </summary>
    public int UntrustedAfterOverturnedFlags { get; set; } = 3;

    /// <summary>
    /// The learner role (in <see cref="Learner.Roles"/>, compared ordinally) that may read the review queue, approve and
    /// hide contributions through <see cref="IModerationService"/>. Default <c>moderator</c>.
    /// </summary>
    public string ModeratorRole { get; set; } = "moderator";

    /// <summary>How far ahead <see cref="IModerationService.FeatureAsync"/> may feature a contribution. Default 365 days.</summary>
    public TimeSpan MaxFeaturePeriod { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// When true, a contribution that a learner without <see cref="ModeratorRole"/> shares or publishes goes to
    /// <see cref="ContributionStatus.PendingReview"/> instead, and a moderator publishes it. Default false: authors
    /// publish directly, and review is for what they send to review themselves.
    /// </summary>
    public bool RequireReview { get; set; }

    /// <summary>
    /// Proficiency inferred from what a learner shares: publishing an answer, tip, how-to or resource link records
    /// <see cref="EvidenceSource.Activity"/> evidence at this level in its skills (an answer in its question's skills when
    /// it has none of its own). 0 turns it off. Default 0.5, the level the evaluation harness gives an answer.
    /// </summary>
    public double ActivityShareLevel { get; set; } = 0.5;

    /// <summary>
    /// The <see cref="EvidenceSource.Activity"/> level an accepted answer or an endorsed contribution records for its
    /// author in its skills. 0 turns it off. Default 0.8, the level the evaluation harness gives an accepted answer.
    /// Activity evidence is appended only when it raises the learner's current (decayed) activity level in the skill,
    /// so sharing more never lowers it and repeated events do not pile up.
    /// </summary>
    public double ActivityRecognitionLevel { get; set; } = 0.8;

    /// <summary>Half-life of proficiency evidence: a level observed this long ago counts half. Default 365 days.</summary>
    public TimeSpan ProficiencyHalfLife { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// How many skills, over all tenants, the skill catalog behind skill search and skill names keeps in memory; past
    /// it, the tenants read least recently are dropped and read from the store again when next needed. A tenant
    /// bigger than this on its own is still kept while it is the one in use. Default 200,000 (about fourteen tenants
    /// with ESCO's 14,000 skills, 7–15 MB each).
    /// </summary>
    public int SkillCatalogCapacity { get; set; } = 200_000;
}

internal sealed class SocialLearningOptionsValidator : IValidateOptions<SocialLearningOptions>
{
    public ValidateOptionsResult Validate(string? name, SocialLearningOptions options)
    {
        var failures = new List<string>();
        Positive(options.MaxTitleLength, nameof(options.MaxTitleLength), 10_000, failures);
        Positive(options.MaxBodyLength, nameof(options.MaxBodyLength), 1_000_000, failures);
        Positive(options.MaxSkillsPerContribution, nameof(options.MaxSkillsPerContribution), 1_000, failures);
        Positive(options.MaxContextKeysPerContribution, nameof(options.MaxContextKeysPerContribution), 1_000, failures);
        Positive(options.MaxNoteLength, nameof(options.MaxNoteLength), 100_000, failures);
        Positive(options.SkillCatalogCapacity, nameof(options.SkillCatalogCapacity), 100_000_000, failures);
        if (options.AutoHideFlagThreshold < 0)
        {
            failures.Add($"SocialLearningOptions.{nameof(options.AutoHideFlagThreshold)} must be 0 (off) or more; it was {options.AutoHideFlagThreshold}.");
        }

        foreach (var (level, option) in new[] { (options.ActivityShareLevel, nameof(options.ActivityShareLevel)), (options.ActivityRecognitionLevel, nameof(options.ActivityRecognitionLevel)) })
        {
            if (!(level >= 0 && level <= 1))
            {
                failures.Add($"SocialLearningOptions.{option} must be between 0 (off) and 1; it was {level}.");
            }
        }

        if (options.UntrustedAfterOverturnedFlags < 0)
        {
            failures.Add($"SocialLearningOptions.{nameof(options.UntrustedAfterOverturnedFlags)} must not be negative (0 turns it off); it was {options.UntrustedAfterOverturnedFlags}.");
        }

        if (options.TrustedFlaggerMinimumAge < TimeSpan.Zero)
        {
            failures.Add($"SocialLearningOptions.{nameof(options.TrustedFlaggerMinimumAge)} must not be negative; it was {options.TrustedFlaggerMinimumAge}.");
        }

        if (options.MaxFeaturePeriod <= TimeSpan.Zero)
        {
            failures.Add($"SocialLearningOptions.{nameof(options.MaxFeaturePeriod)} must be positive; it was {options.MaxFeaturePeriod}.");
        }

        if (string.IsNullOrWhiteSpace(options.ModeratorRole))
        {
            failures.Add($"SocialLearningOptions.{nameof(options.ModeratorRole)} must name a role; it was empty.");
        }

        if (options.ProficiencyHalfLife <= TimeSpan.Zero)
        {
            failures.Add($"SocialLearningOptions.{nameof(options.ProficiencyHalfLife)} must be positive; it was {options.ProficiencyHalfLife}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(int value, string option, int max, List<string> failures)
    {
        if (value <= 0 || value > max)
        {
            failures.Add($"SocialLearningOptions.{option} must be between 1 and {max}; it was {value}.");
        }
    }
}
