namespace SocialLearning;

/// <summary>Graph algorithms over skill edges.</summary>
public static class SkillGraphAlgorithms
{
    /// <summary>
    /// A path of prerequisite edges from <paramref name="start"/> to <paramref name="goal"/> (both included), or null.
    /// Breadth-first, so the path is a shortest one.
    /// </summary>
    public static IReadOnlyList<SkillId>? FindPath(IEnumerable<SkillEdge> prerequisiteEdges, SkillId start, SkillId goal)
    {
        ArgumentNullException.ThrowIfNull(prerequisiteEdges);
        var next = new Dictionary<SkillId, List<SkillId>>();
        foreach (var e in prerequisiteEdges)
        {
            if (e.Kind != SkillEdgeKind.Prerequisite)
            {
                continue;
            }

            if (!next.TryGetValue(e.From, out var list))
            {
                next[e.From] = list = [];
            }

            list.Add(e.To);
        }

        var parent = new Dictionary<SkillId, SkillId> { [start] = start };
        var queue = new Queue<SkillId>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            if (node == goal)
            {
                var path = new List<SkillId> { goal };
                while (path[^1] != start)
                {
                    path.Add(parent[path[^1]]);
                }

                path.Reverse();
                return path;
            }

            if (!next.TryGetValue(node, out var targets))
            {
                continue;
            }

            foreach (var t in targets)
            {
                if (parent.TryAdd(t, node))
                {
                    queue.Enqueue(t);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A cycle among <paramref name="edges"/> (from → to), as the skills on it in edge order with the first repeated at
    /// the end, or null when there is none. Depth-first without recursion, so a long chain cannot overflow the stack.
    /// </summary>
    internal static List<SkillId>? FindCycle(IEnumerable<(SkillId From, SkillId To)> edges)
    {
        var next = new Dictionary<SkillId, List<SkillId>>();
        foreach (var (from, to) in edges)
        {
            if (!next.TryGetValue(from, out var list))
            {
                next[from] = list = [];
            }

            list.Add(to);
        }

        // 1 = on the current path, 2 = finished (no cycle through it).
        var state = new Dictionary<SkillId, byte>(next.Count);
        var path = new List<SkillId>();
        var cursor = new List<int>();
        foreach (var root in next.Keys)
        {
            if (state.ContainsKey(root))
            {
                continue;
            }

            state[root] = 1;
            path.Add(root);
            cursor.Add(0);
            while (path.Count > 0)
            {
                var node = path[^1];
                var targets = next.GetValueOrDefault(node);
                var i = cursor[^1];
                if (targets is null || i == targets.Count)
                {
                    state[node] = 2;
                    path.RemoveAt(path.Count - 1);
                    cursor.RemoveAt(cursor.Count - 1);
                    continue;
                }

                cursor[^1] = i + 1;
                var target = targets[i];
                switch (state.GetValueOrDefault(target))
                {
                    case 0:
                        state[target] = 1;
                        path.Add(target);
                        cursor.Add(0);
                        break;
                    case 1:
                        var cycle = path.GetRange(path.IndexOf(target), path.Count - path.IndexOf(target));
                        cycle.Add(target);
                        return cycle;
                }
            }
        }

        return null;
    }
}
