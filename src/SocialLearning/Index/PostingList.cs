using System.Collections.Concurrent;

namespace SocialLearning.Index;

/// <summary>
/// Documents that have one key (context key, skill or term), in ascending document order (documents are
/// numbered in arrival order, so appending keeps the order). Terms also keep a term frequency per posting.
/// </summary>
internal sealed class PostingList(bool withFrequencies)
{
    public GrowList<int> Docs { get; } = new(2);

    public GrowList<byte>? Frequencies { get; } = withFrequencies ? new GrowList<byte>(2) : null;

    /// <summary>Highest term frequency in the list (for the BM25 upper bound).</summary>
    public int MaxFrequency { get; private set; }

    /// <summary>Shortest document in the list (for the BM25 upper bound).</summary>
    public int MinLength { get; private set; } = int.MaxValue;

    /// <summary>Writer only.</summary>
    public void Add(int doc, int frequency, int length)
    {
        var tf = Math.Clamp(frequency, 1, 255);
        Frequencies?.Add((byte)tf);
        if (tf > MaxFrequency)
        {
            MaxFrequency = tf;
        }

        if (length < MinLength)
        {
            MinLength = length;
        }

        Docs.Add(doc);
    }

    public long Bytes => Docs.CapacityBytes(4) + (Frequencies?.CapacityBytes(1) ?? 0) + 64;
}

/// <summary>Key → number and number → posting list, with allocation-free lookups by span. One writer.</summary>
internal sealed class Vocabulary(bool withFrequencies)
{
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly GrowList<string> _labels = new();
    private readonly GrowList<PostingList> _lists = new();

    public int Count => _labels.Count;

    public int Find(string key) => _ids.TryGetValue(key, out var id) ? id : -1;

    public int Find(ReadOnlySpan<char> key) =>
        _ids.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var id) ? id : -1;

    /// <summary>Writer only.</summary>
    public int GetOrAdd(string key)
    {
        if (_ids.TryGetValue(key, out var id))
        {
            return id;
        }

        id = _labels.Add(key);
        _lists.Add(new PostingList(withFrequencies));
        _ids[key] = id;
        return id;
    }

    public PostingList List(int id) => _lists[id];

    public string Label(int id) => _labels[id];

    public long Bytes
    {
        get
        {
            long total = 0;
            var lists = _lists.Span;
            foreach (var list in lists)
            {
                total += list.Bytes;
            }

            return total;
        }
    }

    public long DictionaryBytes
    {
        get
        {
            long total = 0;
            foreach (var label in _labels.Span)
            {
                total += 24 + (2L * label.Length) + 48;
            }

            return total;
        }
    }
}
