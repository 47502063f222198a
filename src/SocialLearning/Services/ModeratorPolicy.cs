using Microsoft.Extensions.Options;

namespace SocialLearning;

/// <summary>
/// Decides who moderates (reads the review queue, approves, hides, features, sees the learning team's reports) and so
/// also whose flags always count and who publishes without review under <see cref="SocialLearningOptions.RequireReview"/>.
/// The default grants it to learners with <see cref="SocialLearningOptions.ModeratorRole"/>; register your own singleton
/// to use the host's authorisation instead (a directory group, a permission table).
/// </summary>
public interface IModeratorPolicy
{
    /// <summary>True when <paramref name="learner"/> may moderate their tenant. Called on every moderation call and flag, so keep it fast.</summary>
    bool IsModerator(Learner learner);

    /// <summary>How a refusal explains itself, for example "needs the role 'moderator'".</summary>
    string Requirement { get; }
}

/// <summary>The default <see cref="IModeratorPolicy"/>: the role <see cref="SocialLearningOptions.ModeratorRole"/>, compared ordinally.</summary>
internal sealed class RoleModeratorPolicy(IOptions<SocialLearningOptions> options) : IModeratorPolicy
{
    private readonly string _role = options.Value.ModeratorRole;

    public string Requirement => $"needs the role '{_role}' (SocialLearningOptions.ModeratorRole)";

    public bool IsModerator(Learner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        foreach (var role in learner.Roles)
        {
            if (string.Equals(role, _role, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
