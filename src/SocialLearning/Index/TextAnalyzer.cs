using System.Collections.Frozen;

namespace SocialLearning.Index;

/// <summary>
/// Splits text into lower-case words of letters and digits (2 to 40 characters), dropping English stop words.
/// The same rule is used for indexing and queries; queries tokenize into a caller buffer without allocating.
/// </summary>
internal static class TextAnalyzer
{
    public const int MaxTermLength = 40;

    private static readonly FrozenSet<string> StopWords = new[]
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with", "i", "you", "we", "my", "our", "your", "how", "what", "do", "does", "can",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StopLookup =
        StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Calls <paramref name="onTerm"/> with each term (a span valid only during the call).</summary>
    public static void Tokenize<TState>(ReadOnlySpan<char> text, ref TState state, TermAction<TState> onTerm)
    {
        Span<char> buffer = stackalloc char[MaxTermLength];
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            var length = i - start;
            if (length < 2 || length > MaxTermLength)
            {
                continue;
            }

            var term = buffer[..length];
            text.Slice(start, length).ToLowerInvariant(term);
            if (StopLookup.Contains(term))
            {
                continue;
            }

            onTerm(term, ref state);
        }
    }

    public delegate void TermAction<TState>(ReadOnlySpan<char> term, ref TState state);

    /// <summary>Term → frequency for indexing (allocates; writer side).</summary>
    public static Dictionary<string, int> Frequencies(string title, string body, out int length)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var state = new CountState(counts);
        Tokenize(title, ref state, static (term, ref s) => s.Add(term));
        Tokenize(body, ref state, static (term, ref s) => s.Add(term));
        length = state.Length;
        return counts;
    }

    private struct CountState(Dictionary<string, int> counts)
    {
        public int Length;

        public void Add(ReadOnlySpan<char> term)
        {
            Length++;
            var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(term, out var n))
            {
                lookup[term] = n + 1;
            }
            else
            {
                counts[term.ToString()] = 1;
            }
        }
    }
}
