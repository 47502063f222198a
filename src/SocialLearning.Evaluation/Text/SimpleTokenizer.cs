namespace SocialLearning.Evaluation;

/// <summary>
/// A small English tokenizer for the harness's own rankers: lower-case letter/digit runs of 2 to 40 characters,
/// common stop words dropped, and a light plural stemmer (Harman's S-stemmer). Lucene and FTS5 baselines use their own analyzers.
/// </summary>
public static class SimpleTokenizer
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "for", "from",
        "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or",
        "our", "so", "such", "than", "that", "the", "their", "then", "there", "these", "they", "this", "those", "to", "was",
        "we", "were", "what", "when", "where", "which", "while", "who", "why", "will", "with", "would", "you", "your", "also",
        "any", "some", "all", "just", "about", "there", "here", "more", "most", "other", "only", "very", "should", "am",
        "im", "ive", "dont", "us", "one", "use", "using", "used", "get", "like", "know", "way", "want", "need", "thanks",
    };

    /// <summary>Splits text into terms.</summary>
    public static List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                var length = i - start;
                if (length is >= 2 and <= 40)
                {
                    var term = Stem(text.Substring(start, length).ToLowerInvariant());
                    if (!StopWords.Contains(term))
                    {
                        terms.Add(term);
                    }
                }

                start = -1;
            }
        }

        return terms;
    }

    /// <summary>Harman's S-stemmer: ies→y, es→e (except aes/ees/oes), s→'' (except us/ss).</summary>
    public static string Stem(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        if (term.Length > 3 && term.EndsWith("ies", StringComparison.Ordinal) && !term.EndsWith("eies", StringComparison.Ordinal) && !term.EndsWith("aies", StringComparison.Ordinal))
        {
            return term[..^3] + "y";
        }

        if (term.Length > 3 && term.EndsWith("es", StringComparison.Ordinal) && !term.EndsWith("aes", StringComparison.Ordinal) && !term.EndsWith("ees", StringComparison.Ordinal) && !term.EndsWith("oes", StringComparison.Ordinal))
        {
            return term[..^1];
        }

        if (term.Length > 2 && term.EndsWith('s') && !term.EndsWith("us", StringComparison.Ordinal) && !term.EndsWith("ss", StringComparison.Ordinal))
        {
            return term[..^1];
        }

        return term;
    }
}
