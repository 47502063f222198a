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
/// <remarks>
/// Every <see cref="BlockSize"/> consecutive slots form a block with writer-maintained upper bounds of what the
/// slots in it can score (answers, z-score, forward-decayed affinity, proficiency). The writer only ever raises a
/// bound (after a decrement it stays loose but valid), so a reader may skip a whole block when no bound can beat its
/// current top-k floor (peer pruning, see PeerFinder).
/// </remarks>
internal sealed class PeerSkillStats
{
    public const int BlockShift = 5;
    public const int BlockSize = 1 << BlockShift;

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

    /// <summary>Per block: at least the largest <see cref="Answers"/> of its slots.</summary>
    public GrowList<int> BlockAnswers { get; } = new();

    /// <summary>Per block: at least the largest z-score (answers versus questions) of its slots.</summary>
    public GrowList<double> BlockZ { get; } = new();

    /// <summary>Per block: at least the largest <see cref="Affinity"/> (undecayed, forward form) of its slots, 0 or more.</summary>
    public GrowList<double> BlockAffinity { get; } = new();

    /// <summary>Per block: at least the largest <see cref="Level"/> of its slots, 0 or more.</summary>
    public GrowList<float> BlockLevel { get; } = new();

    /// <summary>Reader-computed per-block maximum ExpertiseRank of the block's people, for one rank array.</summary>
    public RankBlockBounds? RankBounds;

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
        if ((Person.Count & (BlockSize - 1)) == 0)
        {
            // A new block, published before the slot count that needs it.
            BlockAnswers.Add(0);
            BlockZ.Add(0);
            BlockAffinity.Add(0);
            BlockLevel.Add(0);
        }

        slot = Person.Add(person);
        _slots[person] = slot;
        return slot;
    }

    /// <summary>Writer only: raises the slot's block bounds to cover its current values (call after every change to the slot).</summary>
    public void RaiseBounds(int slot)
    {
        var b = slot >> BlockShift;
        var answers = Answers[slot];
        if (answers > BlockAnswers[b])
        {
            BlockAnswers[b] = answers;
        }

        var z = Ranking.Formulas.ZScore(answers, Questions[slot]);
        if (z > BlockZ[b])
        {
            BlockZ[b] = z;
        }

        var affinity = Affinity[slot];
        if (affinity > BlockAffinity[b])
        {
            BlockAffinity[b] = affinity;
        }

        var level = Level[slot];
        if (level > BlockLevel[b])
        {
            BlockLevel[b] = level;
        }
    }
}

/// <summary>Per-block maximum ExpertiseRank of a skill's slots (people never change slot), for <see cref="Rank"/> and the first <see cref="Slots"/> slots.</summary>
internal sealed class RankBlockBounds(float[] rank, float[] max, int slots)
{
    public float[] Rank { get; } = rank;

    public float[] Max { get; } = max;

    public int Slots { get; } = slots;
}
