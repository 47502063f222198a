using System.Globalization;
using Microsoft.Extensions.Options;
using SocialLearning.Graph;
using SocialLearning.Index;

namespace SocialLearning.Recommendations;

/// <summary>The skill graph of an index in the forms the planner needs, cached per edge snapshot and skill count.</summary>
internal sealed class SkillGraphView
{
    public required SkillEdgeSnapshot Edges { get; init; }

    public required int Skills { get; init; }

    /// <summary>Prerequisites of each skill (CSR over incoming prerequisite edges).</summary>
    public required Csr Prerequisites { get; init; }

    /// <summary>Skills each skill is a prerequisite of.</summary>
    public required Csr Unlocks { get; init; }

    /// <summary>Every edge in both directions (prerequisite 1, related its weight, broader 0.5), for personalised PageRank.</summary>
    public required Csr Undirected { get; init; }

    public static SkillGraphView Get(TenantIndex index)
    {
        var edges = index.Edges;
        var skills = index.Skills.Count;
        if (Volatile.Read(ref index.Derived.Graph) is SkillGraphView view && ReferenceEquals(view.Edges, edges) && view.Skills == skills)
        {
            return view;
        }

        var preFrom = new List<int>();
        var preTo = new List<int>();
        var uFrom = new List<int>();
        var uTo = new List<int>();
        var uWeight = new List<float>();
        for (var e = 0; e < edges.Count; e++)
        {
            var weight = edges.Kinds[e] switch
            {
                SkillEdgeKind.Prerequisite => 1f,
                SkillEdgeKind.Related => edges.Weights[e],
                _ => 0.5f,
            };
            if (edges.Kinds[e] == SkillEdgeKind.Prerequisite)
            {
                preFrom.Add(edges.From[e]);
                preTo.Add(edges.To[e]);
            }

            uFrom.Add(edges.From[e]);
            uTo.Add(edges.To[e]);
            uWeight.Add(weight);
            uFrom.Add(edges.To[e]);
            uTo.Add(edges.From[e]);
            uWeight.Add(weight);
        }

        view = new SkillGraphView
        {
            Edges = edges,
            Skills = skills,
            Prerequisites = Csr.Build(skills, preTo, preFrom, null),
            Unlocks = Csr.Build(skills, preFrom, preTo, null),
            Undirected = Csr.Build(skills, uFrom, uTo, uWeight),
        };
        Volatile.Write(ref index.Derived.Graph, view);
        return view;
    }
}

/// <summary>"People like you learned next": counts of consecutive skills in learners' evidence timelines.</summary>
internal sealed class TransitionTable
{
    /// <summary>Skill → its successors (in first-seen order) with each transition's count, side by side: a plan
    /// reads every successor of the learner's recent skills (thousands for a popular one), and a lookup of each
    /// count in a dictionary of every pair was a cache miss per successor, most of a plan's own time.</summary>
    public required Dictionary<int, Successors> Next { get; init; }

    /// <summary>The successors of one skill and how often each followed it.</summary>
    public sealed record Successors(int[] Skills, int[] Counts);

    /// <summary>The tenant's transition table, cached as derived state (<see cref="DerivedCache"/>).</summary>
    public static TransitionTable Get(TenantIndex index, RecommendationOptions options, TimeProvider time) =>
        index.Derived.Get(index, Computation.Instance, options.ExpertiseRankRefreshInterval, time);

    public static TransitionTable Compute(TenantIndex index)
    {
        var counts = new Dictionary<long, int>();
        var next = new Dictionary<int, List<int>>();
        var learners = index.Learners.Span;
        foreach (var learner in learners)
        {
            var timeline = learner.Timeline;
            for (var i = 1; i < timeline.Length; i++)
            {
                var key = ((long)timeline[i - 1] << 32) | (uint)timeline[i];
                if (counts.TryGetValue(key, out var n))
                {
                    counts[key] = n + 1;
                }
                else
                {
                    counts[key] = 1;
                    if (!next.TryGetValue(timeline[i - 1], out var list))
                    {
                        next[timeline[i - 1]] = list = [];
                    }

                    list.Add(timeline[i]);
                }
            }
        }

        var successors = new Dictionary<int, Successors>(next.Count);
        foreach (var (from, list) in next)
        {
            var skills = list.ToArray();
            var n = new int[skills.Length];
            for (var i = 0; i < skills.Length; i++)
            {
                n[i] = counts[((long)from << 32) | (uint)skills[i]];
            }

            successors[from] = new Successors(skills, n);
        }

        return new TransitionTable { Next = successors };
    }

    /// <summary>The transition table as derived state (no parameters).</summary>
    public sealed record Computation : DerivedComputation<TransitionTable>
    {
        public static readonly Computation Instance = new();

        public override TransitionTable Compute(TenantIndex index, TransitionTable? previous, TimeProvider time) => TransitionTable.Compute(index);
    }
}

internal sealed class StepContext : LearningStepRankingContext
{
    public required LearningPathRequest CurrentRequest { get; init; }

    public required TenantIndex Index { get; init; }

    /// <summary>The first <see cref="Count"/> entries of the (pooled, possibly longer) arrays are the candidates.</summary>
    public required int Count { get; init; }

    public required int[] Skills { get; init; }

    public required byte[] RequiredArr { get; init; }

    public required float[] PageRankArr { get; init; }

    public required float[] TransitionArr { get; init; }

    public required float[] LevelArr { get; init; }

    public override LearningPathRequest Request => CurrentRequest;

    public override ReadOnlySpan<int> Candidates => Skills.AsSpan(0, Count);

    public override ReadOnlySpan<byte> Required => RequiredArr.AsSpan(0, Count);

    public override ReadOnlySpan<float> PageRank => PageRankArr.AsSpan(0, Count);

    public override ReadOnlySpan<float> Transitions => TransitionArr.AsSpan(0, Count);

    public override ReadOnlySpan<float> CurrentLevel => LevelArr.AsSpan(0, Count);

    public override SkillId GetSkill(int skill) => new(Index.Skills.Label(skill));
}

/// <summary>
/// Plans what to learn next: the unmet prerequisite closure of the targets (or of the best suggestions by
/// personalised PageRank and transitions when there is no target), in topological order with the ranker's
/// scores breaking ties, each step with its best tips and possible mentors.
/// </summary>
internal sealed class LearningPathPlanner(
    RecommendationIndex indexes,
    Ranking.StepRankerRegistry registry,
    TipRecommender tips,
    PeerFinder peers,
    Ranking.TipRankerRegistry tipRankers,
    Ranking.PeerRankerRegistry peerRankers,
    IOptions<RecommendationOptions> options,
    TimeProvider time,
    Services.SkillCatalog catalog) : ILearningPathPlanner
{
    private const int SuggestionPool = 50;

    [ThreadStatic]
    private static PlanScratch? t_scratch;
    private readonly RecommendationOptions _options = options.Value;

    public async ValueTask<LearningPath> PlanAsync(LearningPathRequest request, CancellationToken cancellationToken = default)
    {
        RequestRules.Validate(request);
        var ranker = registry.Get(_options.DefaultStepRanker, "RecommendationOptions.DefaultStepRanker");
        var index = await indexes.GetCurrentAsync(request.Tenant, cancellationToken).ConfigureAwait(false);
        var targets = await SkillEntries.ResolveAsync(catalog, index, request.Tenant, request.TargetSkills, "request.TargetSkills", cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(targets, request.TargetSkills))
        {
            request = request with { TargetSkills = targets };
        }

        return Plan(index, request, ranker, time.GetUtcNow());
    }

    public LearningPath Plan(TenantIndex index, LearningPathRequest request, ILearningStepRanker ranker, DateTimeOffset now)
    {
        var graph = SkillGraphView.Get(index);
        var learnerNumber = index.FindLearner(request.Learner.Value);
        var learner = index.LearnerAt(learnerNumber);
        var mastery = _options.MasteryLevel;
        var includeMastered = request.IncludeMastered;
        bool Open(int s) => includeMastered || learner.LevelOf(s) < mastery;
        var skillCount = graph.Skills;

        // Targets: named skills, plus the role's typical skills.
        var targets = new List<int>();
        for (var i = 0; i < request.TargetSkills.Count; i++)
        {
            var id = index.Skills.Find(request.TargetSkills[i]);
            if (id < 0 || id >= skillCount)
            {
                throw new EntityNotFoundException(nameof(Skill), request.TargetSkills[i], $"request.TargetSkills[{i}]");
            }

            if (!targets.Contains(id))
            {
                targets.Add(id);
            }
        }

        if (request.TargetRole is { } role)
        {
            foreach (var skill in RoleSkills(index, role, learnerNumber))
            {
                if (!targets.Contains(skill))
                {
                    targets.Add(skill);
                }
            }
        }

        // Required: targets not mastered and their unmet prerequisites (transitively).
        var required = new HashSet<int>();
        var prerequisiteOf = new Dictionary<int, int>();
        foreach (var target in targets)
        {
            AddClosure(graph, learner, mastery, target, required, prerequisiteOf, includeMastered);
        }

        // Personalised PageRank from the targets, else from what the learner knows, else skill popularity:
        // forward push (local, work bounded by the seed neighbourhood), not power iteration over the whole graph.
        var seeds = new List<(int Node, double Weight)>();
        if (targets.Count > 0)
        {
            foreach (var t in targets)
            {
                seeds.Add((t, 1));
            }
        }
        else if (learner.LevelSkills.Length > 0)
        {
            for (var i = 0; i < learner.LevelSkills.Length; i++)
            {
                if (learner.LevelSkills[i] < skillCount)
                {
                    seeds.Add((learner.LevelSkills[i], Math.Max(0.05, learner.Levels[i])));
                }
            }
        }
        else
        {
            for (var s = 0; s < skillCount; s++)
            {
                var docs = index.Skills.List(s).Docs.Count;
                if (docs > 0)
                {
                    seeds.Add((s, docs));
                }
            }
        }

        var ppr = PushPageRank.Compute(graph.Undirected, seeds, _options.PageRankRestart, _options.PageRankPushEpsilon);

        // Transitions from the learner's most recent skills.
        var transitions = TransitionTable.Get(index, _options, time);
        // A popular recent skill has thousands of successors: dense per-thread arrays (stamped), not dictionaries.
        var ps = t_scratch ??= new PlanScratch();
        ps.Begin(Math.Max(skillCount, index.Skills.Count));
        ps.SetRanks(ppr.Nodes, ppr.Values);
        var timeline = learner.Timeline;
        for (var i = Math.Max(0, timeline.Length - 3); i < timeline.Length; i++)
        {
            if (transitions.Next.TryGetValue(timeline[i], out var nexts))
            {
                var nextSkills = nexts.Skills;
                var nextCounts = nexts.Counts;
                for (var j = 0; j < nextSkills.Length; j++)
                {
                    ps.AddTransition(nextSkills[j], nextCounts[j]);
                }
            }
        }

        // Candidates: required, the best PageRank skills and the transition successors, none mastered.
        foreach (var s in required)
        {
            ps.AddCandidate(s);
        }

        foreach (var s in TopByRank(index, ppr, ps, skillCount, SuggestionPool, s => !ps.IsCandidate(s) && Open(s)))
        {
            ps.AddCandidate(s);
        }

        ps.SortTouched();
        foreach (var s in ps.Touched)
        {
            if (s < skillCount && Open(s) && !ps.IsCandidate(s))
            {
                ps.AddCandidate(s);
            }
        }

        var count = ps.Count;
        var skills = ps.Skills;
        for (var i = 0; i < count; i++)
        {
            var s = skills[i];
            ps.RequiredArr[i] = required.Contains(s) ? (byte)1 : (byte)0;
            ps.PageRankArr[i] = ps.RankOf(s);
            ps.TransitionArr[i] = ps.TransitionOf(s);
            ps.LevelArr[i] = learner.LevelOf(s);
        }

        var context = new StepContext
        {
            CurrentRequest = request,
            Index = index,
            Count = count,
            Skills = skills,
            RequiredArr = ps.RequiredArr,
            PageRankArr = ps.PageRankArr,
            TransitionArr = ps.TransitionArr,
            LevelArr = ps.LevelArr,
        };
        var scores = ps.Scores;
        ranker.Score(context, scores.AsSpan(0, count));
        var scoreOf = new ScoreLookup(ps, scores);

        // Chosen: every required skill, then the best suggestions with their unmet prerequisites.
        var chosen = new HashSet<int>(required);
        if (targets.Count == 0)
        {
            var suggestions = Enumerable.Range(0, count)
                .OrderByDescending(i => scores[i]).ThenBy(i => index.Skills.Label(skills[i]), StringComparer.Ordinal);
            foreach (var i in suggestions)
            {
                if (chosen.Count >= request.MaxSteps)
                {
                    break;
                }

                AddClosure(graph, learner, mastery, skills[i], chosen, prerequisiteOf, includeMastered);
            }
        }

        var ordered = TopologicalOrder(graph, chosen, s => scoreOf.TryGetValue(s, out var v) ? v.Score : double.NegativeInfinity, index)
            .Take(request.MaxSteps)
            .ToList();

        var steps = new List<LearningStep>(ordered.Count);
        foreach (var skill in ordered)
        {
            var explanation = new List<ExplanationSignal>();
            if (targets.Contains(skill))
            {
                explanation.Add(new ExplanationSignal { Signal = "target", Value = 1, Text = "one of your targets" });
            }
            else if (prerequisiteOf.TryGetValue(skill, out var of))
            {
                explanation.Add(new ExplanationSignal { Signal = "prerequisite", Value = 1, Text = $"needed before {Name(index, of)}" });
            }

            if (scoreOf.TryGetValue(skill, out var scored))
            {
                ranker.Explain(context, scored.Candidate, explanation);
            }

            var tipList = request.TipsPerStep == 0
                ? (IReadOnlyList<TipRecommendation>)[]
                : tips.Engine.Recommend(
                    index,
                    new TipRequest { Tenant = request.Tenant, Learner = request.Learner, Skills = [index.Skills.Label(skill)], RequireSkills = [index.Skills.Label(skill)], K = request.TipsPerStep },
                    tipRankers.Get(_options.DefaultTipRanker, "RecommendationOptions.DefaultTipRanker"),
                    _options.DefaultTipRanker,
                    null,
                    now).Items;
            var mentors = request.MentorsPerStep == 0
                ? (IReadOnlyList<PeerRecommendation>)[]
                : peers.Find(
                    index,
                    new PeerRequest { Tenant = request.Tenant, Asker = request.Learner, Skills = [index.Skills.Label(skill)], K = request.MentorsPerStep },
                    peerRankers.Get(_options.DefaultPeerRanker, "RecommendationOptions.DefaultPeerRanker"),
                    _options.DefaultPeerRanker,
                    null,
                    now,
                    balance: false).Items;
            steps.Add(new LearningStep
            {
                Skill = new SkillId(index.Skills.Label(skill)),
                Name = Name(index, skill),
                CurrentLevel = learner.LevelOf(skill),
                Tips = tipList,
                Mentors = mentors,
                Explanation = explanation,
            });
        }

        var inSteps = new HashSet<int>(ordered);
        var related = TopByRank(index, ppr, ps, skillCount, 5, s => !inSteps.Contains(s) && !targets.Contains(s) && Open(s))
            .Select(s => new SkillId(index.Skills.Label(s)))
            .ToList();
        return new LearningPath { Steps = steps, Related = related };
    }

    /// <summary>The <paramref name="count"/> defined skills with the highest PageRank passing <paramref name="keep"/>, ties by id; one pass, no full sort.</summary>
    private static List<int> TopByRank(TenantIndex index, PushPageRank.Result pageRank, PlanScratch scratch, int skillCount, int count, Func<int, bool> keep)
    {
        // The nodes with their values side by side (no lookups); the kept ones' ranks in a per-thread buffer.
        var top = new List<int>(count + 1);
        var topRank = scratch.RankBuffer(count + 1);
        var nodes = pageRank.Nodes;
        var values = pageRank.Values;
        for (var j = 0; j < nodes.Length; j++)
        {
            var s = nodes[j];
            var rank = (float)values[j];
            if (s >= skillCount || rank <= 0 || (top.Count == count && rank < topRank[count - 1]) || index.SkillNames[s] is null || !keep(s))
            {
                continue;
            }

            var i = top.Count;
            while (i > 0 && Before(index, rank, s, topRank[i - 1], top[i - 1]))
            {
                i--;
            }

            if (i < count)
            {
                topRank[i..top.Count].CopyTo(topRank[(i + 1)..]);
                topRank[i] = rank;
                top.Insert(i, s);
                if (top.Count > count)
                {
                    top.RemoveAt(count);
                }
            }
        }

        return top;
    }

    private static bool Before(TenantIndex index, float rankA, int a, float rankB, int b) =>
        rankA > rankB || (rankA == rankB && string.CompareOrdinal(index.Skills.Label(a), index.Skills.Label(b)) < 0);

    private static string Name(TenantIndex index, int skill) => index.SkillNames[skill] ?? index.Skills.Label(skill);

    /// <summary>Adds <paramref name="skill"/> (unless mastered and not <paramref name="includeMastered"/>) and its unmet prerequisites, transitively.</summary>
    private static void AddClosure(SkillGraphView graph, LearnerState learner, double mastery, int skill, HashSet<int> into, Dictionary<int, int> prerequisiteOf, bool includeMastered)
    {
        if ((!includeMastered && learner.LevelOf(skill) >= mastery) || !into.Add(skill))
        {
            return;
        }

        var stack = new Stack<int>();
        stack.Push(skill);
        while (stack.Count > 0)
        {
            var s = stack.Pop();
            var pre = graph.Prerequisites;
            for (var e = pre.Start[s]; e < pre.Start[s + 1]; e++)
            {
                var p = pre.Target[e];
                if (learner.LevelOf(p) >= mastery || into.Contains(p))
                {
                    continue;
                }

                into.Add(p);
                prerequisiteOf.TryAdd(p, s);
                stack.Push(p);
            }
        }
    }

    /// <summary>Kahn's algorithm over the prerequisite edges inside <paramref name="set"/>; among ready skills the best score first, then id.</summary>
    internal static IEnumerable<int> TopologicalOrder(SkillGraphView graph, HashSet<int> set, Func<int, double> score, TenantIndex index)
    {
        var indegree = new Dictionary<int, int>();
        foreach (var s in set)
        {
            var n = 0;
            for (var e = graph.Prerequisites.Start[s]; e < graph.Prerequisites.Start[s + 1]; e++)
            {
                if (set.Contains(graph.Prerequisites.Target[e]))
                {
                    n++;
                }
            }

            indegree[s] = n;
        }

        var ready = new PriorityQueue<int, (double, string)>(Comparer<(double, string)>.Create((a, b) =>
        {
            var c = b.Item1.CompareTo(a.Item1);
            return c != 0 ? c : string.CompareOrdinal(a.Item2, b.Item2);
        }));
        foreach (var (s, n) in indegree)
        {
            if (n == 0)
            {
                ready.Enqueue(s, (score(s), index.Skills.Label(s)));
            }
        }

        var result = new List<int>(set.Count);
        while (ready.TryDequeue(out var s, out _))
        {
            result.Add(s);
            for (var e = graph.Unlocks.Start[s]; e < graph.Unlocks.Start[s + 1]; e++)
            {
                var next = graph.Unlocks.Target[e];
                if (indegree.TryGetValue(next, out var n))
                {
                    indegree[next] = n - 1;
                    if (n - 1 == 0)
                    {
                        ready.Enqueue(next, (score(next), index.Skills.Label(next)));
                    }
                }
            }
        }

        return result;
    }

    private static IEnumerable<int> RoleSkills(TenantIndex index, string role, int self)
    {
        var totals = new Dictionary<int, double>();
        var learners = index.Learners.Span;
        for (var l = 0; l < learners.Length; l++)
        {
            var state = learners[l];
            if (l == self || !state.Roles.Contains(role))
            {
                continue;
            }

            for (var i = 0; i < state.LevelSkills.Length; i++)
            {
                totals[state.LevelSkills[i]] = totals.GetValueOrDefault(state.LevelSkills[i]) + state.Levels[i];
            }
        }

        return totals.OrderByDescending(t => t.Value).ThenBy(t => index.Skills.Label(t.Key), StringComparer.Ordinal).Take(10).Select(t => t.Key).ToList();
    }
}

/// <summary>Built-in learning-step rankers.</summary>
internal abstract class StepRanker : ILearningStepRanker
{
    public void Score(LearningStepRankingContext context, Span<double> scores)
    {
        for (var i = 0; i < context.Candidates.Length; i++)
        {
            scores[i] = Score(context, i);
        }
    }

    protected abstract double Score(LearningStepRankingContext context, int i);

    public virtual void Explain(LearningStepRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        if (context.PageRank[candidate] > 0)
        {
            explanation.Add(new ExplanationSignal
            {
                Signal = "pagerank",
                Value = context.PageRank[candidate],
                Text = $"close to your skills and targets in the skill graph (PageRank {context.PageRank[candidate].ToString("0.000", CultureInfo.InvariantCulture)})",
            });
        }

        if (context.Transitions[candidate] > 0)
        {
            explanation.Add(new ExplanationSignal
            {
                Signal = "transitions",
                Value = context.Transitions[candidate],
                Text = $"{context.Transitions[candidate].ToString("0", CultureInfo.InvariantCulture)} people with your recent skills learned it next",
            });
        }

        explanation.Add(new ExplanationSignal
        {
            Signal = "level",
            Value = context.CurrentLevel[candidate],
            Text = $"your level now: {context.CurrentLevel[candidate].ToString("0.00", CultureInfo.InvariantCulture)}",
        });
    }
}

/// <summary>Required skills first (targets and their prerequisites), then lower current level.</summary>
internal sealed class FrontierStepRanker : StepRanker
{
    protected override double Score(LearningStepRankingContext context, int i) => (10 * context.Required[i]) + (1 - context.CurrentLevel[i]);
}

internal sealed class PageRankStepRanker : StepRanker
{
    protected override double Score(LearningStepRankingContext context, int i) => context.PageRank[i];
}

internal sealed class TransitionStepRanker : StepRanker
{
    protected override double Score(LearningStepRankingContext context, int i) => context.Transitions[i];
}

/// <summary>10 × required + PageRank / max PageRank + transitions / max transitions + 0.5 × (1 − level).</summary>
internal sealed class BlendStepRanker : ILearningStepRanker
{
    private static readonly FrontierStepRanker Explainer = new();

    public void Score(LearningStepRankingContext context, Span<double> scores)
    {
        var maxRank = Max(context.PageRank);
        var maxTransitions = Max(context.Transitions);
        for (var i = 0; i < context.Candidates.Length; i++)
        {
            scores[i] = (10 * context.Required[i])
                + (maxRank > 0 ? context.PageRank[i] / maxRank : 0)
                + (maxTransitions > 0 ? context.Transitions[i] / maxTransitions : 0)
                + (0.5 * (1 - context.CurrentLevel[i]));
        }
    }

    public void Explain(LearningStepRankingContext context, int candidate, ICollection<ExplanationSignal> explanation) =>
        Explainer.Explain(context, candidate, explanation);

    private static float Max(ReadOnlySpan<float> values)
    {
        var max = 0f;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}

/// <summary>Per-thread dense scratch of one plan: transition scores and candidate numbers by skill, stamped per request.</summary>
internal sealed class PlanScratch
{
    public float[] Transition = [];
    public int[] TransitionStamp = [];
    public float[] Rank = [];
    public int[] RankStamp = [];
    public int[] CandidateOf = [];
    public int[] CandidateStamp = [];
    public readonly List<int> Touched = [];
    public int[] Skills = new int[64];
    public byte[] RequiredArr = new byte[64];
    public float[] PageRankArr = new float[64];
    public float[] TransitionArr = new float[64];
    public float[] LevelArr = new float[64];
    public double[] Scores = new double[64];
    public int Count;
    private int _stamp;
    private float[] _rankBuffer = new float[64];

    // One bit per touched skill, so that SortTouched reads them back in ascending order (O(touched + range / 64))
    // instead of sorting thousands; cleared as they are read, and wholly at Begin if a plan stopped before reading.
    private ulong[] _touchedBits = [];
    private bool _touchedBitsDirty;

    public void Begin(int skills)
    {
        if (Transition.Length < skills)
        {
            var size = Math.Max(skills, Transition.Length * 2);
            Transition = new float[size];
            TransitionStamp = new int[size];
            Rank = new float[size];
            RankStamp = new int[size];
            CandidateOf = new int[size];
            CandidateStamp = new int[size];
            _touchedBits = new ulong[(size + 63) >> 6];
            _touchedBitsDirty = false;
            _stamp = 0;
        }

        if (++_stamp == int.MaxValue)
        {
            Array.Clear(TransitionStamp);
            Array.Clear(RankStamp);
            Array.Clear(CandidateStamp);
            _stamp = 1;
        }

        if (_touchedBitsDirty)
        {
            Array.Clear(_touchedBits);
            _touchedBitsDirty = false;
        }

        Touched.Clear();
        Count = 0;
    }

    public void AddTransition(int skill, int count)
    {
        if (skill >= Transition.Length)
        {
            Grow(skill + 1);
        }

        if (TransitionStamp[skill] != _stamp)
        {
            TransitionStamp[skill] = _stamp;
            Transition[skill] = 0;
            Touched.Add(skill);
            _touchedBits[skill >> 6] |= 1UL << skill;
            _touchedBitsDirty = true;
        }

        Transition[skill] += count;
    }

    /// <summary>Puts <see cref="Touched"/> in ascending order (each skill is in it once), clearing its bits.</summary>
    public void SortTouched()
    {
        var touched = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Touched);
        if (touched.Length == 0)
        {
            return;
        }

        int low = int.MaxValue, high = int.MinValue;
        foreach (var skill in touched)
        {
            low = Math.Min(low, skill);
            high = Math.Max(high, skill);
        }

        var k = 0;
        for (var w = low >> 6; w <= high >> 6; w++)
        {
            var bits = _touchedBits[w];
            _touchedBits[w] = 0;
            while (bits != 0)
            {
                touched[k++] = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
            }
        }

        _touchedBitsDirty = false;
    }

    /// <summary>Stores this plan's PageRank (<paramref name="nodes"/> reached by the push, their values) by skill, for
    /// <see cref="RankOf"/>: a plan looks up thousands of candidates, and a binary search over the push's nodes for
    /// each had been a fifth of a plan's time.</summary>
    public void SetRanks(int[] nodes, double[] values)
    {
        for (var i = 0; i < nodes.Length; i++)
        {
            var skill = nodes[i];
            if (skill >= Rank.Length)
            {
                Grow(skill + 1);
            }

            Rank[skill] = (float)values[i];
            RankStamp[skill] = _stamp;
        }
    }

    /// <summary>A per-thread buffer of at least <paramref name="length"/> ranks (<c>TopByRank</c>'s kept ranks).</summary>
    public Span<float> RankBuffer(int length)
    {
        if (_rankBuffer.Length < length)
        {
            _rankBuffer = new float[Math.Max(length, _rankBuffer.Length * 2)];
        }

        return _rankBuffer.AsSpan(0, length);
    }

    /// <summary>The skill's PageRank in this plan; 0 for a skill the push did not reach.</summary>
    public float RankOf(int skill) => skill >= 0 && skill < Rank.Length && RankStamp[skill] == _stamp ? Rank[skill] : 0f;

    public float TransitionOf(int skill) => skill < Transition.Length && TransitionStamp[skill] == _stamp ? Transition[skill] : 0f;

    public bool IsCandidate(int skill) => skill < CandidateStamp.Length && CandidateStamp[skill] == _stamp;

    public int CandidateIndex(int skill) => IsCandidate(skill) ? CandidateOf[skill] : -1;

    public void AddCandidate(int skill)
    {
        if (skill >= CandidateStamp.Length)
        {
            Grow(skill + 1);
        }

        CandidateStamp[skill] = _stamp;
        CandidateOf[skill] = Count;
        if (Count == Skills.Length)
        {
            var size = Count * 2;
            Array.Resize(ref Skills, size);
            Array.Resize(ref RequiredArr, size);
            Array.Resize(ref PageRankArr, size);
            Array.Resize(ref TransitionArr, size);
            Array.Resize(ref LevelArr, size);
            Array.Resize(ref Scores, size);
        }

        Skills[Count++] = skill;
    }

    private void Grow(int size)
    {
        size = Math.Max(size, Transition.Length * 2);
        Array.Resize(ref Transition, size);
        Array.Resize(ref TransitionStamp, size);
        Array.Resize(ref Rank, size);
        Array.Resize(ref RankStamp, size);
        Array.Resize(ref _touchedBits, (size + 63) >> 6);
        Array.Resize(ref CandidateOf, size);
        Array.Resize(ref CandidateStamp, size);
    }
}

/// <summary>A candidate's step score and number by skill (replaces a dictionary; valid during one plan).</summary>
internal readonly struct ScoreLookup(PlanScratch scratch, double[] scores)
{
    public bool TryGetValue(int skill, out (double Score, int Candidate) value)
    {
        var i = scratch.CandidateIndex(skill);
        if (i < 0)
        {
            value = default;
            return false;
        }

        value = (scores[i], i);
        return true;
    }
}
