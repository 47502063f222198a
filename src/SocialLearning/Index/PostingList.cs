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

    /// <summary>
    /// Terms only: each posting's document length as a one-byte code (<see cref="LengthCode"/>) whose decoded value
    /// (<see cref="LengthFloor"/>) is never above the length, so a query bounds a posting's BM25 score from the list
    /// alone, without reading the document's length column.
    /// </summary>
    public GrowList<byte>? Norms { get; } = withFrequencies ? new GrowList<byte>(2) : null;

    /// <summary>Decoded lower bounds of the 256 length codes.</summary>
    public static readonly double[] LengthFloor = BuildFloors();

    /// <summary>Lengths below 64 exactly; above, 16 codes per doubling, rounded down.</summary>
    public static byte LengthCode(int length)
    {
        if (length < 64)
        {
            return (byte)Math.Max(0, length);
        }

        var code = 64 + (int)Math.Floor((Math.Log2(length) - 6) * 16);
        while (code > 64 && LengthFloor[Math.Min(code, 255)] > length)
        {
            code--;   // guard against rounding in Log2
        }

        return (byte)Math.Min(255, code);
    }

    private static double[] BuildFloors()
    {
        var floors = new double[256];
        for (var c = 0; c < 256; c++)
        {
            floors[c] = c < 64 ? c : Math.Floor(Math.Pow(2, 6 + ((c - 64) / 16.0)) * (1 - 1e-12));
        }

        return floors;
    }

    /// <summary>Highest term frequency in the list (for the BM25 upper bound).</summary>
    public int MaxFrequency { get; private set; }

    /// <summary>Shortest document in the list (for the BM25 upper bound).</summary>
    public int MinLength { get; private set; } = int.MaxValue;

    /// <summary>Writer only.</summary>
    public void Add(int doc, int frequency, int length)
    {
        var tf = Math.Clamp(frequency, 1, 255);
        Frequencies?.Add((byte)tf);
        Norms?.Add(LengthCode(length));
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

    public long Bytes => Docs.CapacityBytes(4) + (Frequencies?.CapacityBytes(1) ?? 0) + (Norms?.CapacityBytes(1) ?? 0) + 64;
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
