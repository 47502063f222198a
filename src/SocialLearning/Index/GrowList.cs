namespace SocialLearning.Index;

/// <summary>
/// An append-only column with one writer and lock-free readers. The writer publishes a grown array before the
/// count that needs it, so a reader that reads the count first always gets an array at least that long; values
/// written in place (counters) are visible to readers that hold the current array and stale to ones holding an
/// older array, which is the consistency the index promises (a query sees each value as of some moment).
/// </summary>
internal sealed class GrowList<T>
{
    private T[] _items;
    private int _count;

    public GrowList(int capacity = 4) => _items = new T[Math.Max(1, capacity)];

    public int Count => Volatile.Read(ref _count);

    /// <summary>The published items; read once per query and index it.</summary>
    public ReadOnlySpan<T> Span
    {
        get
        {
            var n = Volatile.Read(ref _count);
            return new ReadOnlySpan<T>(Volatile.Read(ref _items), 0, n);
        }
    }

    /// <summary>The backing array (at least <see cref="Count"/> long); for readers that want array access.</summary>
    public T[] Array => Volatile.Read(ref _items);

    /// <summary>Reads the count, then an array at least that long.</summary>
    public int Snapshot(out T[] array)
    {
        var n = Volatile.Read(ref _count);
        array = Volatile.Read(ref _items);
        return n;
    }

    public long CapacityBytes(int elementSize) => (long)_items.Length * elementSize;

    public T this[int index]
    {
        get => Volatile.Read(ref _items)[index];
        set => _items[index] = value;
    }

    /// <summary>Writer only.</summary>
    public int Add(T item)
    {
        var n = _count;
        if (n == _items.Length)
        {
            var grown = new T[checked(Math.Max(4, n * 2))];
            System.Array.Copy(_items, grown, n);
            Volatile.Write(ref _items, grown);
        }

        _items[n] = item;
        Volatile.Write(ref _count, n + 1);
        return n;
    }

    /// <summary>Writer only: shrinks spare capacity after a bulk load.</summary>
    public void TrimExcess()
    {
        var n = _count;
        if (_items.Length > n + (n >> 3) + 4)
        {
            var trimmed = new T[Math.Max(1, n)];
            System.Array.Copy(_items, trimmed, n);
            Volatile.Write(ref _items, trimmed);
        }
    }
}
