namespace SocialLearning.Index;

/// <summary>Immutable per-learner state; the writer replaces the whole object, readers never see it half-built.</summary>
internal sealed class LearnerState
{
    public static readonly LearnerState Unknown = new();

    public bool Exists { get; init; }

    public string DisplayName { get; init; } = string.Empty;

    public string? Team { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Item numbers the learner dismissed, ascending.</summary>
    public int[] Dismissed { get; init; } = [];

    /// <summary>Item numbers the learner viewed, ascending.</summary>
    public int[] Seen { get; init; } = [];

    /// <summary>Skill numbers with effective level, ascending by skill.</summary>
    public int[] LevelSkills { get; init; } = [];

    public float[] Levels { get; init; } = [];

    /// <summary>Skill numbers in the order the learner first showed evidence of them.</summary>
    public int[] Timeline { get; init; } = [];

    public IReadOnlyList<ProficiencyEvidence> Evidence { get; init; } = [];

    public float LevelOf(int skill)
    {
        var i = Array.BinarySearch(LevelSkills, skill);
        return i >= 0 ? Levels[i] : 0f;
    }

    public static int[] With(int[] sorted, int value)
    {
        var i = Array.BinarySearch(sorted, value);
        if (i >= 0)
        {
            return sorted;
        }

        i = ~i;
        var result = new int[sorted.Length + 1];
        Array.Copy(sorted, result, i);
        result[i] = value;
        Array.Copy(sorted, i, result, i + 1, sorted.Length - i);
        return result;
    }
}

/// <summary>Per-skill evidence of people (expert finding), struct of arrays; one slot per person with evidence.</summary>
internal sealed class PeerSkillStats
{
    private readonly Dictionary<int, int> _slots = [];

    public GrowList<int> Person { get; } = new();

    public GrowList<int> Answers { get; } = new();

    public GrowList<int> Accepted { get; } = new();

    public GrowList<int> Questions { get; } = new();

    public GrowList<int> Shared { get; } = new();

    public GrowList<int> Helpful { get; } = new();

    public GrowList<int> Endorsements { get; } = new();

    /// <summary>Forward-decayed affinity: Σ weight × 2^((created − epoch) / halfLife).</summary>
    public GrowList<double> Affinity { get; } = new();

    public GrowList<float> Level { get; } = new();

    /// <summary>Writer only.</summary>
    public int Slot(int person)
    {
        if (_slots.TryGetValue(person, out var slot))
        {
            return slot;
        }

        Answers.Add(0);
        Accepted.Add(0);
        Questions.Add(0);
        Shared.Add(0);
        Helpful.Add(0);
        Endorsements.Add(0);
        Affinity.Add(0);
        Level.Add(0);
        slot = Person.Add(person);
        _slots[person] = slot;
        return slot;
    }
}
