using SocialLearning.Index;
using SocialLearning.Ranking;

namespace SocialLearning.Recommendations;

/// <summary>
/// Query term selection for long query texts (a whole question, say): a tip query has a fixed clause budget, so
/// instead of the first distinct terms of the text it keeps the <c>budget</c> indexed terms with the highest
/// query-term frequency × idf (the rule of Lucene's MoreLikeThis), ties by first occurrence. Short texts keep all
/// their terms, in text order.
/// </summary>
internal static class QueryTerms
{
    [ThreadStatic]
    private static Dictionary<int, (int Count, int First)>? t_counts;

    [ThreadStatic]
    private static List<(int Id, double Weight, int First)>? t_ranked;

    /// <summary>
    /// Writes into <paramref name="selected"/> the term ids to query, at most <paramref name="budget"/>; returns how many.
    /// </summary>
    public static int Select(Vocabulary terms, ReadOnlySpan<char> text, int budget, long documents, Span<int> selected)
    {
        budget = Math.Min(budget, selected.Length);
        if (budget <= 0)
        {
            return 0;
        }

        var counts = t_counts ??= [];
        counts.Clear();
        var state = new CountState(terms, counts);
        TextAnalyzer.Tokenize(text, ref state, static (term, ref st) => st.Add(term));
        var ranked = t_ranked ??= [];
        ranked.Clear();
        foreach (var (id, (count, first)) in counts)
        {
            var df = terms.List(id).Docs.Count;
            ranked.Add((id, count * Formulas.Idf(Math.Max(1, documents), Math.Min(df, Math.Max(1, documents))), first));
        }

        if (ranked.Count > budget)
        {
            // Highest weight first, ties by first occurrence; then back to text order for the clauses.
            ranked.Sort(static (x, y) => x.Weight != y.Weight ? y.Weight.CompareTo(x.Weight) : x.First.CompareTo(y.First));
            ranked.RemoveRange(budget, ranked.Count - budget);
        }

        ranked.Sort(static (x, y) => x.First.CompareTo(y.First));
        for (var i = 0; i < ranked.Count; i++)
        {
            selected[i] = ranked[i].Id;
        }

        return ranked.Count;
    }

    private struct CountState(Vocabulary terms, Dictionary<int, (int Count, int First)> counts)
    {
        private int _position;

        public void Add(ReadOnlySpan<char> term)
        {
            var id = terms.Find(term);
            if (id >= 0)
            {
                counts[id] = counts.TryGetValue(id, out var c) ? (c.Count + 1, c.First) : (1, _position);
            }

            _position++;
        }
    }
}
