namespace SocialLearning.Evaluation;

/// <summary>
/// A small incremental BM25 index (k1 = 1.2, b = 0.75, Lucene's idf = ln(1 + (N − n + 0.5) / (n + 0.5))) over
/// <see cref="SimpleTokenizer"/> terms, for the evaluation package's own rankers.
/// </summary>
internal sealed class Bm25Index
{
    private readonly Dictionary<string, List<(int Doc, int Tf)>> _postings = new(StringComparer.Ordinal);
    private readonly List<string> _ids = [];
    private readonly Dictionary<string, int> _docs = new(StringComparer.Ordinal);
    private readonly List<int> _lengths = [];
    private long _totalLength;

    public int Count => _ids.Count;

    /// <summary>Adds a new document (ids must be new; see <see cref="Append(string, IEnumerable{string})"/> to extend one).</summary>
    public void Add(string id, IEnumerable<string> terms)
    {
        var doc = _ids.Count;
        _docs.Add(id, doc);
        _ids.Add(id);
        _lengths.Add(0);
        Append(doc, terms);
    }

    /// <summary>
    /// Adds terms to document <paramref name="id"/> (thread expansion: an answer's text joins its question), exactly
    /// as if the document had been added with them; false when there is no such document.
    /// </summary>
    public bool Append(string id, IEnumerable<string> terms)
    {
        if (!_docs.TryGetValue(id, out var doc))
        {
            return false;
        }

        Append(doc, terms);
        return true;
    }

    private void Append(int doc, IEnumerable<string> terms)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var length = 0;
        foreach (var term in terms)
        {
            counts[term] = counts.GetValueOrDefault(term) + 1;
            length++;
        }

        _lengths[doc] += length;
        _totalLength += length;
        foreach (var (term, tf) in counts)
        {
            if (!_postings.TryGetValue(term, out var list))
            {
                _postings[term] = list = [];
            }

            // Postings stay in document order; the document is usually the last one (a new document) or near it.
            var at = list.Count;
            while (at > 0 && list[at - 1].Doc > doc)
            {
                at--;
            }

            if (at > 0 && list[at - 1].Doc == doc)
            {
                list[at - 1] = (doc, list[at - 1].Tf + tf);
            }
            else
            {
                list.Insert(at, (doc, tf));
            }
        }
    }

    public double Idf(string term)
    {
        var n = _postings.TryGetValue(term, out var list) ? list.Count : 0;
        return Math.Log(1 + ((_ids.Count - n + 0.5) / (n + 0.5)));
    }

    /// <summary>Scores every document matching a query term; query term frequency multiplies the term's weight.</summary>
    public Dictionary<string, double> Score(IEnumerable<string> queryTerms, double k1 = 1.2, double b = 0.75)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        if (_ids.Count == 0)
        {
            return scores;
        }

        var avg = (double)_totalLength / _ids.Count;
        var qtf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in queryTerms)
        {
            qtf[term] = qtf.GetValueOrDefault(term) + 1;
        }

        var perDoc = new double[_ids.Count];
        var touched = new List<int>();
        foreach (var (term, count) in qtf)
        {
            if (!_postings.TryGetValue(term, out var list))
            {
                continue;
            }

            var idf = Idf(term);
            foreach (var (doc, tf) in list)
            {
                if (perDoc[doc] == 0)
                {
                    touched.Add(doc);
                }

                var norm = tf + (k1 * (1 - b + (b * _lengths[doc] / avg)));
                perDoc[doc] += count * idf * (tf * (k1 + 1) / norm);
            }
        }

        foreach (var doc in touched)
        {
            scores[_ids[doc]] = perDoc[doc];
        }

        return scores;
    }
}
