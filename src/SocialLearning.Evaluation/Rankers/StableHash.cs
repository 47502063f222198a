namespace SocialLearning.Evaluation;

/// <summary>FNV-1a 64-bit over UTF-16 code units: the same value in every process (unlike <see cref="string.GetHashCode()"/>).</summary>
public static class StableHash
{
    /// <summary>Hashes a string with a seed.</summary>
    public static ulong Hash(string value, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (var c in value)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return hash;
    }
}
