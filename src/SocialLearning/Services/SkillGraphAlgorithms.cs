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
}
