using System.Runtime.CompilerServices;
using System.Globalization;
using Microsoft.Extensions.Options;
using SocialLearning.Index;
using SocialLearning.Ranking;

namespace SocialLearning.Recommendations;

/// <summary>A person's BM25 so far in the pruned gather's text pass (stamp and score in one entry).</summary>
internal struct TextEntry
{
    public int Stamp;
    public float Score;
}

/// <summary>A marked person's rows with evidence in the requested skills, summed as the full gather sums them (pruned gather).</summary>
internal struct MarkedRow
{
    public int Answers;
    public int Accepted;
    public int Questions;
    public int Shared;
    public int Helpful;
    public int Endorsements;
    public float Affinity;
    public float Level;
    public long Key;
    public int Person;
    public float Text;
    public bool Any;
}

internal struct SlotEntry
{
    public int Stamp;
    public int Index;
}

/// <summary>Per-thread candidates of one peer query, struct of arrays.</summary>
internal sealed class PeerContext : PeerRankingContext
{
    public int Count;
    public int[] People = new int[256];
    public int[] AnswersArr = new int[256];
    public int[] AcceptedArr = new int[256];
    public int[] QuestionsArr = new int[256];
    public int[] SharedArr = new int[256];
    public int[] HelpfulArr = new int[256];
    public int[] EndorsementsArr = new int[256];
    public float[] AffinityArr = new float[256];
    public float[] LevelArr = new float[256];
    public float[] RankArr = new float[256];
    public float[] TextArr = new float[256];
    public double[] Scores = new double[256];

    /// <summary>Person number → (stamp, candidate index) in one entry: one cache miss per lookup.</summary>
    public SlotEntry[] Slot = [];
    public int CurrentStamp;

    // Pruned gathering (fusion): people in two or more requested skills or in the text (one bit each; Once = seen in
    // some skill), the text scores accumulated per person before the skills are walked, and the component heaps.
    public ulong[] Marked = [];
    public TextEntry[] Text = [];
    public int[] TextOrder = new int[256];
    public int TextCount;
    public ulong[] Once = [];

    /// <summary>Pruned gather: each candidate's place in the full gather's order (see <see cref="PeerFinder"/>).</summary>
    public long[] Keys = new long[256];

    /// <summary>Pruned gather: the requested skills' columns, and each marked person's summed rows (by marked rank).</summary>
    public PeerFinder.SkillColumns[] Columns = [];
    public MarkedRow[] MarkRows = [];
    private int[] _order = new int[256];
    private int[] _scratchInt = new int[256];
    private float[] _scratchFloat = new float[256];
    private long[] _scratchLong = new long[256];

    // Marked people numbered by their rank in the bitmap (popcount prefix): their candidate index is looked up in a
    // compact, cache-resident array instead of a per-person one.
    public int[] MarkPrefix = [];
    public int MarkTotal;

    /// <summary>People whose values the pruned gather computed but did not keep (they are still "scored").</summary>
    public int Rejected;
    public double[] Heaps = [];
    public long[] HeapKeys = [];
    public int[] HeapCounts = [];
    public int[] SkillIds = new int[8];
    public int[] SkillCounts = new int[8];

    public TenantIndex Index = null!;
    public PeerRequest CurrentRequest = null!;
    public DateTimeOffset CurrentNow;
    public string[] SkillLabels = [];
    public string[] TermLabels = [];

    public override PeerRequest Request => CurrentRequest;

    public override DateTimeOffset Now => CurrentNow;

    public override ReadOnlySpan<int> Candidates => People.AsSpan(0, Count);

    public override ReadOnlySpan<int> Answers => AnswersArr.AsSpan(0, Count);

    public override ReadOnlySpan<int> AcceptedAnswers => AcceptedArr.AsSpan(0, Count);

    public override ReadOnlySpan<int> Questions => QuestionsArr.AsSpan(0, Count);

    public override ReadOnlySpan<int> Shared => SharedArr.AsSpan(0, Count);

    public override ReadOnlySpan<int> HelpfulVotes => HelpfulArr.AsSpan(0, Count);

    public override ReadOnlySpan<int> Endorsements => EndorsementsArr.AsSpan(0, Count);

    public override ReadOnlySpan<float> Affinity => AffinityArr.AsSpan(0, Count);

    public override ReadOnlySpan<float> Proficiency => LevelArr.AsSpan(0, Count);

    public override ReadOnlySpan<float> ExpertiseRank => RankArr.AsSpan(0, Count);

    public override ReadOnlySpan<float> TextScores => TextArr.AsSpan(0, Count);

    public override LearnerId GetLearner(int person) => new(Index.LearnerIds[person]);

    public void Begin(int people)
    {
        Count = 0;
        if (Slot.Length < people)
        {
            var size = Math.Max(people, Slot.Length * 2);
            Slot = new SlotEntry[size];
            Text = new TextEntry[size];
            Marked = new ulong[(size + 63) >> 6];
            MarkPrefix = new int[Marked.Length + 1];
            CurrentStamp = 0;
        }

        CurrentStamp++;
        if (CurrentStamp == int.MaxValue)
        {
            Array.Clear(Slot);
            Array.Clear(Text);
            CurrentStamp = 1;
        }

        TextCount = 0;
        MarkTotal = 0;
        Rejected = 0;
    }

    /// <summary>Adds a text score to a person before the skills are gathered, remembering first-seen order.</summary>
    public void AddText(int person, float score)
    {
        ref var entry = ref Text[person];
        if (entry.Stamp != CurrentStamp)
        {
            entry.Stamp = CurrentStamp;
            entry.Score = 0;
            if (TextCount == TextOrder.Length)
            {
                Array.Resize(ref TextOrder, TextCount * 2);
            }

            TextOrder[TextCount++] = person;
            Marked[person >> 6] |= 1UL << person;
        }

        entry.Score += score;
    }

    /// <summary>Numbers the marked people (after marking is complete) by their rank among the set bits.</summary>
    public void RankMarked()
    {
        var total = 0;
        for (var w = 0; w < Marked.Length; w++)
        {
            MarkPrefix[w] = total;
            total += System.Numerics.BitOperations.PopCount(Marked[w]);
        }

        MarkPrefix[Marked.Length] = total;
        MarkTotal = total;
    }

    public int MarkRank(int person) =>
        MarkPrefix[person >> 6] + System.Numerics.BitOperations.PopCount(Marked[person >> 6] & ((1UL << person) - 1));

    /// <summary>Pruned gather: a new candidate (each person is appended once), with its order key.</summary>
    public int Append(int person, long key)
    {
        var i = Count;
        if (i == People.Length)
        {
            Grow();
        }

        People[i] = person;
        Keys[i] = key;
        AnswersArr[i] = AcceptedArr[i] = QuestionsArr[i] = SharedArr[i] = HelpfulArr[i] = EndorsementsArr[i] = 0;
        AffinityArr[i] = LevelArr[i] = RankArr[i] = TextArr[i] = 0;
        Count = i + 1;
        return i;
    }

    /// <summary>Sets every candidate's ExpertiseRank (0 for people newer than the ranks).</summary>
    public void FillRanks(float[] rank)
    {
        for (var i = 0; i < Count; i++)
        {
            var p = People[i];
            RankArr[i] = p < rank.Length ? rank[p] : 0;
        }
    }

    /// <summary>Adds one skill row's evidence to candidate <paramref name="i"/> (sums; the highest level; affinity decayed to now).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Accumulate(int i, int answers, int accepted, int questions, int shared, int helpful, int endorsements, double affinity, float level, double decay)
    {
        AnswersArr[i] += answers;
        AcceptedArr[i] += accepted;
        QuestionsArr[i] += questions;
        SharedArr[i] += shared;
        HelpfulArr[i] += helpful;
        EndorsementsArr[i] += endorsements;
        AffinityArr[i] += (float)Math.Max(0, affinity * decay);
        LevelArr[i] = Math.Max(LevelArr[i], level);
    }

    /// <summary>The candidate index of a person, adding them with zero evidence when new.</summary>
    /// <summary>The candidate index of <paramref name="person"/> in this query, or −1 if they were not gathered. Only
    /// after the full gather (<see cref="Of"/>); the pruned one appends without slots and may reorder.</summary>
    public int IndexOf(int person) =>
        (uint)person < (uint)Slot.Length && Slot[person].Stamp == CurrentStamp ? Slot[person].Index : -1;

    public int Of(int person)
    {
        ref var entry = ref Slot[person];
        if (entry.Stamp == CurrentStamp)
        {
            return entry.Index;
        }

        var i = Count;
        if (i == People.Length)
        {
            Grow();
        }

        People[i] = person;
        AnswersArr[i] = AcceptedArr[i] = QuestionsArr[i] = SharedArr[i] = HelpfulArr[i] = EndorsementsArr[i] = 0;
        AffinityArr[i] = LevelArr[i] = RankArr[i] = TextArr[i] = 0;
        entry.Stamp = CurrentStamp;
        entry.Index = i;
        Count = i + 1;
        return i;
    }

    private void Grow()
    {
        var size = People.Length * 2;
        Array.Resize(ref People, size);
        Array.Resize(ref AnswersArr, size);
        Array.Resize(ref AcceptedArr, size);
        Array.Resize(ref QuestionsArr, size);
        Array.Resize(ref SharedArr, size);
        Array.Resize(ref HelpfulArr, size);
        Array.Resize(ref EndorsementsArr, size);
        Array.Resize(ref AffinityArr, size);
        Array.Resize(ref LevelArr, size);
        Array.Resize(ref RankArr, size);
        Array.Resize(ref TextArr, size);
        Array.Resize(ref Scores, size);
        Array.Resize(ref Keys, size);
    }

    /// <summary>Pruned gather: puts the candidates in order-key order (the full gather's order), when they are not already.</summary>
    public void SortByKey()
    {
        var n = Count;
        var sorted = true;
        for (var i = 1; i < n && sorted; i++)
        {
            sorted = Keys[i - 1] < Keys[i];
        }

        if (sorted)
        {
            return;
        }

        if (_order.Length < n)
        {
            var size = Math.Max(n, _order.Length * 2);
            _order = new int[size];
            _scratchInt = new int[size];
            _scratchFloat = new float[size];
            _scratchLong = new long[size];
        }

        var order = _order.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Keys.AsSpan(0, n).CopyTo(_scratchLong);
        _scratchLong.AsSpan(0, n).Sort(order);
        _scratchLong.AsSpan(0, n).CopyTo(Keys);
        Permute(People, order);
        Permute(AnswersArr, order);
        Permute(AcceptedArr, order);
        Permute(QuestionsArr, order);
        Permute(SharedArr, order);
        Permute(HelpfulArr, order);
        Permute(EndorsementsArr, order);
        Permute(AffinityArr, order);
        Permute(LevelArr, order);
        Permute(TextArr, order);
    }

    private void Permute(int[] values, ReadOnlySpan<int> order)
    {
        for (var i = 0; i < order.Length; i++)
        {
            _scratchInt[i] = values[order[i]];
        }

        _scratchInt.AsSpan(0, order.Length).CopyTo(values);
    }

    private void Permute(float[] values, ReadOnlySpan<int> order)
    {
        for (var i = 0; i < order.Length; i++)
        {
            _scratchFloat[i] = values[order[i]];
        }

        _scratchFloat.AsSpan(0, order.Length).CopyTo(values);
    }
}

/// <summary>
/// Expert finding: candidates are people with evidence in a requested skill or contributions matching the text
/// (never the asker); a peer ranker scores them; load balancing divides each score by 1 + penalty × recent
/// suggestions so the same expert is not asked every time.
/// </summary>
internal sealed class PeerFinder : IPeerFinder
{
    [ThreadStatic]
    private static PeerContext? t_context;

    private readonly RecommendationIndex _indexes;
    private readonly PeerRankerRegistry _registry;
    private readonly RecommendationOptions _options;
    private readonly TimeProvider _time;
    private readonly ExperimentAssignment? _experiment;
    private readonly ExpertiseRanks.Computation _expertiseRank;
    private readonly Services.SkillCatalog _catalog;

    public PeerFinder(RecommendationIndex indexes, PeerRankerRegistry registry, IOptions<RecommendationOptions> options, TimeProvider time, Services.SkillCatalog catalog)
    {
        _catalog = catalog;
        _indexes = indexes;
        _registry = registry;
        _options = options.Value;
        _time = time;
        _experiment = _options.PeerExperiment is { Variants.Count: > 0 } e ? new ExperimentAssignment(e) : null;
        _expertiseRank = new ExpertiseRanks.Computation(_options.PageRankRestart, _options.PageRankIterations);
    }

    public async ValueTask<RecommendationResult<PeerRecommendation>> FindAsync(PeerRequest request, CancellationToken cancellationToken = default)
    {
        RequestRules.Validate(request);
        string name;
        string? variant = null;
        if (request.Ranker is { } named)
        {
            name = named;
        }
        else if (_experiment is not null)
        {
            name = variant = _experiment.Assign(request.Tenant, request.Asker);
        }
        else
        {
            name = _options.DefaultPeerRanker;
        }

        var ranker = _registry.Get(name, request.Ranker is null ? "RecommendationOptions.DefaultPeerRanker" : "request.Ranker");
        var index = await _indexes.GetCurrentAsync(request.Tenant, cancellationToken).ConfigureAwait(false);
        var skills = await SkillEntries.ResolveAsync(_catalog, index, request.Tenant, request.Skills, null, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(skills, request.Skills))
        {
            request = request with { Skills = skills };
        }

        return Find(index, request, ranker, name, variant, _time.GetUtcNow(), balance: true);
    }

    public RecommendationResult<PeerRecommendation> Find(TenantIndex index, PeerRequest request, IPeerRanker ranker, string name, string? variant, DateTimeOffset now, bool balance)
    {
        var ctx = t_context ??= new PeerContext();
        if (ranker is not FusionPeerRanker fusion || request.K > fusion.Depth || !GatherPruned(ctx, index, request, now, fusion.Depth, fusion.Text(request)))
        {
            Gather(ctx, index, request, now);
        }

        ranker.Score(ctx, ctx.Scores.AsSpan(0, ctx.Count));
        var penalty = balance ? _options.PeerLoadPenalty : 0;
        var cache = index.Derived;
        var nowSeconds = (now - TipFeatureColumns.Epoch).TotalSeconds;
        var halfLife = _options.PeerLoadHalfLife.TotalSeconds;
        var load = cache.Load;
        var loadAt = cache.LoadAt;

        // Top k by balanced score, ties by candidate order (people in skill-slot order).
        var k = Math.Min(request.K, ctx.Count);
        Span<int> top = stackalloc int[100];
        Span<double> topScore = stackalloc double[100];
        var found = 0;
        for (var i = 0; i < ctx.Count; i++)
        {
            var score = ctx.Scores[i];
            if (double.IsNaN(score))
            {
                continue;
            }

            if (penalty > 0)
            {
                var p = ctx.People[i];
                if (p < load.Length && load[p] > 0)
                {
                    var current = load[p] * Math.Pow(2, -(nowSeconds - loadAt[p]) / halfLife);
                    var factor = 1 + (penalty * current);
                    score = score >= 0 ? score / factor : score * factor;
                }
            }

            if (found < k)
            {
                var j = found++;
                while (j > 0 && Better(score, i, topScore[j - 1], top[j - 1]))
                {
                    top[j] = top[j - 1];
                    topScore[j] = topScore[j - 1];
                    j--;
                }

                top[j] = i;
                topScore[j] = score;
            }
            else if (k > 0 && Better(score, i, topScore[k - 1], top[k - 1]))
            {
                var j = k - 1;
                while (j > 0 && Better(score, i, topScore[j - 1], top[j - 1]))
                {
                    top[j] = top[j - 1];
                    topScore[j] = topScore[j - 1];
                    j--;
                }

                top[j] = i;
                topScore[j] = score;
            }
        }

        var items = new PeerRecommendation[found];
        for (var r = 0; r < found; r++)
        {
            var i = top[r];
            var person = ctx.People[i];
            var explanation = new List<ExplanationSignal>(4);
            ranker.Explain(ctx, i, explanation);
            if (topScore[r] != ctx.Scores[i])
            {
                explanation.Add(new ExplanationSignal
                {
                    Signal = "load-balanced",
                    Value = ctx.Scores[i] == 0 ? 0 : topScore[r] / ctx.Scores[i],
                    Text = "suggested to others recently, so ranked a little lower to share the load",
                });
            }

            var state = index.LearnerAt(person);
            items[r] = new PeerRecommendation
            {
                Learner = new LearnerId(index.LearnerIds[person]),
                DisplayName = state.Exists ? state.DisplayName : index.LearnerIds[person],
                Score = topScore[r],
                Explanation = explanation,
            };
        }

        if (penalty > 0 && found > 0)
        {
            AddLoad(index, ctx, top[..found], nowSeconds, halfLife);
        }

        return new RecommendationResult<PeerRecommendation> { Items = items, Ranker = name, Variant = variant, CandidatesScored = ctx.Count + ctx.Rejected };
    }

    private static bool Better(double s1, int i1, double s2, int i2) => s1 > s2 || (s1 == s2 && i1 < i2);

    private static void AddLoad(TenantIndex index, PeerContext ctx, ReadOnlySpan<int> picked, double nowSeconds, double halfLife)
    {
        var cache = index.Derived;
        lock (cache.LoadGate)
        {
            var people = index.LearnerIds.Count;
            if (cache.Load.Length < people)
            {
                var load = new double[Math.Max(people, cache.Load.Length * 2)];
                var at = new double[load.Length];
                Array.Copy(cache.Load, load, cache.Load.Length);
                Array.Copy(cache.LoadAt, at, cache.LoadAt.Length);
                cache.LoadAt = at;
                cache.Load = load;
            }

            foreach (var i in picked)
            {
                var p = ctx.People[i];
                var decayed = cache.Load[p] * Math.Pow(2, -(nowSeconds - cache.LoadAt[p]) / halfLife);
                cache.Load[p] = decayed + 1;
                cache.LoadAt[p] = nowSeconds;
            }
        }
    }

    /// <summary>
    /// The smallest largest-skill list (slots) worth pruning; below it every candidate is gathered. On the benchmark
    /// corpus 500–3,000 gave the same p99 and 6,000 left the slowest small-skill queries with text unpruned. Internal so
    /// tests can force pruning on small corpora (0) or turn it off (<see cref="int.MaxValue"/>).
    /// </summary>
    internal int PruneMinimum { get; set; } = 2000;

    /// <summary>
    /// Gathers for the fusion ranker only the candidates that can be in some component's top <paramref name="depth"/>
    /// (exact, see docs/recommenders.md "Peer pruning"). Every candidate has an order key, its place in the full
    /// gather's candidate order: (skill number, slot) of its first row with evidence, or (skill count, text order) for
    /// the text's authors with none. Each fusion component keeps a bounded heap of the best (value, key) pairs, ties
    /// going to the earlier key as in fusion, so a person is rejected, in any processing order, when depth kept
    /// candidates beat them in every component. People in two or more requested skills or in the text are "marked"
    /// and decided first from their final values (their rows found by one scan of the skills), which raises the floors
    /// early; then everyone else, who has their final values in their one slot, is walked skill by skill, and a block
    /// of 32 slots is skipped without reading it when each writer-maintained block bound is beaten by the floors. The
    /// kept candidates are finally sorted by key, so fusion's ranks and tie-breaks, and the results, are unchanged.
    /// </summary>
    /// <returns>false (nothing decided) when pruning does not apply: no skill list of <see cref="PruneMinimum"/> slots, or a repeated skill.</returns>
    private bool GatherPruned(PeerContext ctx, TenantIndex index, PeerRequest request, DateTimeOffset now, int depth, bool useText)
    {
        var requested = request.Skills;
        if (ctx.SkillIds.Length < requested.Count)
        {
            ctx.SkillIds = new int[requested.Count];
        }

        var ids = ctx.SkillIds;
        var m = 0;
        var largest = 0;
        for (var k = 0; k < requested.Count; k++)
        {
            var id = index.Skills.Find(requested[k]);
            if (id < 0 || id >= index.PeerStats.Count || index.PeerStats[id] is not { } stats)
            {
                continue;
            }

            for (var j = 0; j < m; j++)
            {
                if (ids[j] == id)
                {
                    return false;
                }
            }

            largest = Math.Max(largest, stats.Person.Count);
            ids[m++] = id;
        }

        if (m == 0 || largest < PruneMinimum)
        {
            return false;
        }

        ctx.Index = index;
        ctx.CurrentRequest = request;
        ctx.CurrentNow = now;
        var people = index.LearnerIds.Count;
        ctx.Begin(people);
        var asker = index.FindLearner(request.Asker.Value);
        var decay = Math.Pow(2, -((now - TipFeatureColumns.Epoch).TotalSeconds / index.AffinityHalfLifeSeconds));
        var rank = ExpertiseRanks.Get(index, _expertiseRank, _options, _time);
        var marked = ctx.Marked;
        Array.Clear(marked);
        if (ctx.Columns.Length < m)
        {
            ctx.Columns = new SkillColumns[m];
        }

        var columns = ctx.Columns;
        for (var j = 0; j < m; j++)
        {
            columns[j] = new SkillColumns(index.PeerStats[ids[j]]!);
        }

        // Marked: the text's authors (the text is scored first), and people in two or more requested skills.
        if (!string.IsNullOrEmpty(request.Text))
        {
            var state = new TextState(ctx, index, asker, _options.Bm25K1, _options.Bm25B, prepass: true);
            TextAnalyzer.Tokenize(request.Text, ref state, static (term, ref st) => st.Add(term));
        }

        var anyMarked = ctx.TextCount > 0;
        if (m > 1)
        {
            var once = ctx.Once.Length >= marked.Length ? ctx.Once : ctx.Once = new ulong[marked.Length];
            Array.Clear(once);
            for (var j = 0; j < m; j++)
            {
                var person = columns[j].Person;
                for (var s = 0; s < columns[j].Count; s++)
                {
                    var p = person[s];
                    if ((uint)p < (uint)people)
                    {
                        var bit = 1UL << p;
                        var w = p >> 6;
                        marked[w] |= once[w] & bit;
                        once[w] |= bit;
                    }
                }
            }

            for (var w = 0; w < marked.Length && !anyMarked; w++)
            {
                anyMarked = marked[w] != 0;
            }
        }

        var prune = new PruneState(ctx, depth, useText);
        if (anyMarked)
        {
            ctx.RankMarked();
            DecideMarked(ref prune, columns.AsSpan(0, m), asker, people, decay, rank);
        }

        for (var j = 0; j < m; j++)
        {
            PrunedSkill(ref prune, index.PeerStats[ids[j]]!, columns[j], j, asker, people, decay, rank, anyMarked);
        }

        ctx.SortByKey();
        ctx.FillRanks(rank);

        return true;
    }

    /// <summary>A candidate's place in the full gather's order: skill number (or the skill count for text-only), then slot (or text order).</summary>
    private static long OrderKey(int skill, int slot) => ((long)skill << 32) | (uint)slot;

    /// <summary>
    /// Decides every marked person from their final values: their rows in all requested skills, accumulated per person
    /// in one scan in skill then slot order (as the full gather accumulates them), and their text score. Those with no
    /// row with evidence are the full gather's text-pass candidates: only text and ExpertiseRank, after every skill row.
    /// </summary>
    private static void DecideMarked(ref PruneState st, ReadOnlySpan<SkillColumns> columns, int asker, int people, double decay, float[] rank)
    {
        var ctx = st.Ctx;
        var marked = ctx.Marked;
        var total = ctx.MarkTotal;
        if (ctx.MarkRows.Length < total)
        {
            ctx.MarkRows = new MarkedRow[Math.Max(total, ctx.MarkRows.Length * 2)];
        }

        var rows = ctx.MarkRows.AsSpan(0, total);
        rows.Clear();
        for (var t = 0; t < ctx.TextCount; t++)
        {
            var p = ctx.TextOrder[t];
            rows[ctx.MarkRank(p)].Text = ctx.Text[p].Score;   // so deciding reads rows in order only
        }

        for (var j = 0; j < columns.Length; j++)
        {
            ref readonly var c = ref columns[j];
            var person = c.Person;
            for (var s = 0; s < c.Count; s++)
            {
                var p = person[s];
                if ((uint)p >= (uint)people || p == asker || (marked[p >> 6] & (1UL << p)) == 0)
                {
                    continue;
                }

                if (!c.HasEvidence(s))
                {
                    continue;
                }

                ref var row = ref rows[ctx.MarkRank(p)];
                if (!row.Any)
                {
                    row.Any = true;
                    row.Key = OrderKey(j, s);
                    row.Person = p;
                }

                row.Answers += c.Answers[s];
                row.Accepted += c.Accepted[s];
                row.Questions += c.Questions[s];
                row.Shared += c.Shared[s];
                row.Helpful += c.Helpful[s];
                row.Endorsements += c.Endorsements[s];
                row.Affinity += (float)Math.Max(0, c.Affinity[s] * decay);
                row.Level = Math.Max(row.Level, c.Level[s]);
            }
        }

        for (var r = 0; r < total; r++)
        {
            ref readonly var row = ref rows[r];
            if (!row.Any)
            {
                continue;   // only in the text, or no row with evidence
            }

            var p = row.Person;
            var text = row.Text;
            double v1 = p < rank.Length ? rank[p] : 0f;
            if (st.Keep(row.Affinity + (AffinityPeerRanker.ProficiencyWeight * row.Level), v1, Formulas.ZScore(row.Answers, row.Questions), row.Answers, text, row.Key))
            {
                var i = ctx.Append(p, row.Key);
                ctx.AnswersArr[i] = row.Answers;
                ctx.AcceptedArr[i] = row.Accepted;
                ctx.QuestionsArr[i] = row.Questions;
                ctx.SharedArr[i] = row.Shared;
                ctx.HelpfulArr[i] = row.Helpful;
                ctx.EndorsementsArr[i] = row.Endorsements;
                ctx.AffinityArr[i] = row.Affinity;
                ctx.LevelArr[i] = row.Level;
                ctx.TextArr[i] = text;
            }

            st.UpdateFull();
        }

        var zeroZ = Formulas.ZScore(0, 0);
        for (var t = 0; t < ctx.TextCount; t++)
        {
            var p = ctx.TextOrder[t];
            if (rows[ctx.MarkRank(p)].Any)
            {
                continue;
            }

            var score = ctx.Text[p].Score;
            double v1 = p < rank.Length ? rank[p] : 0f;
            var key = OrderKey(columns.Length, t);
            if (st.Keep(0, v1, zeroZ, 0, score, key))
            {
                ctx.TextArr[ctx.Append(p, key)] = score;
            }

            st.UpdateFull();
        }
    }

    /// <summary>
    /// The component heaps of one pruned gather (affinity, ExpertiseRank, z-score, answers, BM25 with text): per
    /// component the best depth (value, order key) pairs so far, the root being the worst (lowest value, then latest key).
    /// </summary>
    private ref struct PruneState
    {
        public readonly PeerContext Ctx;
        public readonly int Depth;
        public readonly bool UseText;
        public readonly Span<double> Heaps;
        public readonly Span<long> HeapKeys;
        public readonly Span<int> Counts;
        public readonly Span<double> Floors;
        public readonly Span<long> FloorKeys;

        public bool Full;

        public PruneState(PeerContext ctx, int depth, bool useText)
        {
            Ctx = ctx;
            Depth = depth;
            UseText = useText;
            if (ctx.Heaps.Length < (5 * depth) + 10)
            {
                ctx.Heaps = new double[(5 * depth) + 10];
                ctx.HeapKeys = new long[(5 * depth) + 10];
                ctx.HeapCounts = new int[5];
            }

            Heaps = ctx.Heaps.AsSpan(0, 5 * depth);
            HeapKeys = ctx.HeapKeys.AsSpan(0, 5 * depth);
            Floors = ctx.Heaps.AsSpan(5 * depth, 5);
            FloorKeys = ctx.HeapKeys.AsSpan(5 * depth, 5);
            Counts = ctx.HeapCounts;
            Counts.Clear();
            Floors.Fill(double.NegativeInfinity);
            FloorKeys.Fill(long.MinValue);
            Full = false;
        }

        /// <summary>Whether every component's heap holds depth values (then floors can reject).</summary>
        public void UpdateFull()
        {
            if (!Full)
            {
                Full = Counts[0] == Depth && Counts[1] == Depth && Counts[2] == Depth && Counts[3] == Depth && (!UseText || Counts[4] == Depth);
            }
        }

        /// <summary>
        /// Whether component <paramref name="h"/>'s depth kept candidates all beat (value, key): a higher value, or
        /// the same value and an earlier key. Also true for every (v ≤ value, k ≥ key), so it tests block bounds.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly bool Beaten(double value, long key, int h) => value < Floors[h] || (value == Floors[h] && key > FloorKeys[h]);

        /// <summary>
        /// Whether the values but ExpertiseRank (known to be beaten) are beaten too: then the person is counted as
        /// rejected without reading their rank.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Rejects(double v0, double v2, double v3, double v4, long key)
        {
            if (Full && Beaten(v0, key, 0) && Beaten(v2, key, 2) && Beaten(v3, key, 3) && (!UseText || Beaten(v4, key, 4)))
            {
                Ctx.Rejected++;
                return true;
            }

            return false;
        }

        /// <summary>
        /// A person's final values (affinity, ExpertiseRank, z-score, answers, BM25): false, counted as rejected, when
        /// depth kept candidates beat them in every component; else they are offered to the heaps, and true when some
        /// heap kept them.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Keep(double v0, double v1, double v2, double v3, double v4, long key)
        {
            if (Full && Beaten(v0, key, 0) && Beaten(v1, key, 1) && Beaten(v2, key, 2) && Beaten(v3, key, 3)
                && (!UseText || Beaten(v4, key, 4)))
            {
                Ctx.Rejected++;
                return false;
            }

            var enter = Offer(0, v0, key);
            enter |= Offer(1, v1, key);
            enter |= Offer(2, v2, key);
            enter |= Offer(3, v3, key);
            if (UseText)
            {
                enter |= Offer(4, v4, key);
            }

            if (!enter)
            {
                Ctx.Rejected++;
            }

            return enter;
        }

        private static bool Worse(double v1, long k1, double v2, long k2) => v1 < v2 || (v1 == v2 && k1 > k2);

        /// <summary>Offers (value, key) to component <paramref name="h"/>'s heap; true when it was kept.</summary>
        private bool Offer(int h, double value, long key)
        {
            var heap = Heaps.Slice(h * Depth, Depth);
            var keys = HeapKeys.Slice(h * Depth, Depth);
            var count = Counts[h];
            if (count < Depth)
            {
                // Sift up: the root is the worst.
                var i = count;
                while (i > 0)
                {
                    var parent = (i - 1) >> 1;
                    if (!Worse(value, key, heap[parent], keys[parent]))
                    {
                        break;
                    }

                    heap[i] = heap[parent];
                    keys[i] = keys[parent];
                    i = parent;
                }

                heap[i] = value;
                keys[i] = key;
                Counts[h] = ++count;
                if (count == Depth)
                {
                    Floors[h] = heap[0];
                    FloorKeys[h] = keys[0];
                }

                return true;
            }

            if (Beaten(value, key, h))
            {
                return false;
            }

            // Replace the root and sift down.
            var at = 0;
            while (true)
            {
                var left = (2 * at) + 1;
                if (left >= Depth)
                {
                    break;
                }

                var child = left + 1 < Depth && Worse(heap[left + 1], keys[left + 1], heap[left], keys[left]) ? left + 1 : left;
                if (!Worse(heap[child], keys[child], value, key))
                {
                    break;
                }

                heap[at] = heap[child];
                keys[at] = keys[child];
                at = child;
            }

            heap[at] = value;
            keys[at] = key;
            Floors[h] = heap[0];
            FloorKeys[h] = keys[0];
            return true;
        }
    }

    /// <summary>
    /// The pruned walk over one skill's unmarked people (see <see cref="GatherPruned"/>): each has their final values in
    /// this slot. A block is skipped without reading it when its bounds are beaten.
    /// </summary>
    private static void PrunedSkill(
        ref PruneState st, PeerSkillStats stats, in SkillColumns c, int skill, int asker, int people, double decay, float[] rank, bool anyMarked)
    {
        var ctx = st.Ctx;
        var useText = st.UseText;
        var n = c.Count;
        stats.BlockAnswers.Snapshot(out var blockAnswers);
        stats.BlockZ.Snapshot(out var blockZ);
        stats.BlockAffinity.Snapshot(out var blockAffinity);
        stats.BlockLevel.Snapshot(out var blockLevel);
        var blockRank = RankBlocks(stats, rank, c.Person, n);
        var marked = ctx.Marked;
        for (var start = 0; start < n; start += PeerSkillStats.BlockSize)
        {
            var end = Math.Min(n, start + PeerSkillStats.BlockSize);
            var b = start >> PeerSkillStats.BlockShift;
            var first = OrderKey(skill, start);
            var rankBound = blockRank[b];

            // Heaps only get better, so a block whose rank bound is beaten now has every person's ExpertiseRank beaten
            // for the rest of the block: the rank (a random read) is then read only for people some other value keeps.
            var rankBeaten = st.Full && st.Beaten(rankBound, first, 1);
            if (rankBeaten)
            {
                var affinityBound = (float)Math.Max(0, blockAffinity[b] * decay) + (AffinityPeerRanker.ProficiencyWeight * Math.Max(0f, blockLevel[b]));
                if (st.Beaten(affinityBound, first, 0) && st.Beaten(blockZ[b], first, 2) && st.Beaten(blockAnswers[b], first, 3)
                    && (!useText || st.Beaten(0, first, 4)))
                {
                    continue;   // marked people were decided already
                }
            }

            for (var s = start; s < end; s++)
            {
                var p = c.Person[s];
                if (p == asker || (uint)p >= (uint)people || (anyMarked && (marked[p >> 6] & (1UL << p)) != 0))
                {
                    continue;
                }

                if (!c.HasEvidence(s))
                {
                    continue;
                }

                var answers = c.Answers[s];
                var level = c.Level[s];

                // Exactly the values fusion's components compute from the context for a person seen only here;
                // once the heaps are full most people beat no floor, which costs four compares.
                var key = OrderKey(skill, s);
                var v0 = (float)Math.Max(0, c.Affinity[s] * decay) + (AffinityPeerRanker.ProficiencyWeight * Math.Max(0f, level));
                var v2 = Formulas.ZScore(answers, c.Questions[s]);
                if (rankBeaten && st.Rejects(v0, v2, answers, 0, key))
                {
                    continue;
                }

                double v1 = p < rank.Length ? rank[p] : 0f;
                if (st.Keep(v0, v1, v2, answers, 0, key))
                {
                    var i = ctx.Append(p, key);
                    ctx.Accumulate(i, answers, c.Accepted[s], c.Questions[s], c.Shared[s], c.Helpful[s], c.Endorsements[s], c.Affinity[s], level, decay);
                }
            }

            st.UpdateFull();
        }
    }

    /// <summary>Per-block maximum ExpertiseRank of a skill's people, cached on the skill for one rank array (extended when slots were added).</summary>
    private static float[] RankBlocks(PeerSkillStats stats, float[] rank, int[] person, int n)
    {
        var cached = Volatile.Read(ref stats.RankBounds);
        var same = cached is not null && ReferenceEquals(cached.Rank, rank);
        if (same && cached!.Slots >= n)
        {
            return cached.Max;
        }

        var max = new float[(n + PeerSkillStats.BlockSize - 1) >> PeerSkillStats.BlockShift];
        var from = 0;
        if (same)
        {
            var blocks = cached!.Slots >> PeerSkillStats.BlockShift;
            Array.Copy(cached.Max, max, blocks);
            from = blocks << PeerSkillStats.BlockShift;
        }

        for (var s = from; s < n; s++)
        {
            var p = person[s];
            var v = (uint)p < (uint)rank.Length ? rank[p] : 0f;
            if (v > max[s >> PeerSkillStats.BlockShift])
            {
                max[s >> PeerSkillStats.BlockShift] = v;
            }
        }

        Volatile.Write(ref stats.RankBounds, new RankBlockBounds(rank, max, n));
        return max;
    }

    /// <summary>One skill's evidence columns, read once (person count first, as the writer publishes it last).</summary>
    internal readonly struct SkillColumns
    {
        public readonly int Count;
        public readonly int[] Person;
        public readonly int[] Answers;
        public readonly int[] Accepted;
        public readonly int[] Questions;
        public readonly int[] Shared;
        public readonly int[] Helpful;
        public readonly int[] Endorsements;
        public readonly double[] Affinity;
        public readonly float[] Level;

        public SkillColumns(PeerSkillStats stats)
        {
            Count = stats.Person.Snapshot(out Person);
            stats.Answers.Snapshot(out Answers);
            stats.Accepted.Snapshot(out Accepted);
            stats.Questions.Snapshot(out Questions);
            stats.Shared.Snapshot(out Shared);
            stats.Helpful.Snapshot(out Helpful);
            stats.Endorsements.Snapshot(out Endorsements);
            stats.Affinity.Snapshot(out Affinity);
            stats.Level.Snapshot(out Level);
        }

        /// <summary>
        /// Whether slot <paramref name="s"/> counts as expertise: asking is interest, not expertise, so a row needs
        /// answers, shared items or stated proficiency (every gather skips the others).
        /// </summary>
        public bool HasEvidence(int s) => Answers[s] != 0 || Shared[s] != 0 || Level[s] > 0;
    }

    private void Gather(PeerContext ctx, TenantIndex index, PeerRequest request, DateTimeOffset now)
    {
        ctx.Index = index;
        ctx.CurrentRequest = request;
        ctx.CurrentNow = now;
        var people = index.LearnerIds.Count;
        ctx.Begin(people);
        var asker = index.FindLearner(request.Asker.Value);
        var decay = Math.Pow(2, -((now - TipFeatureColumns.Epoch).TotalSeconds / index.AffinityHalfLifeSeconds));
        var rank = ExpertiseRanks.Get(index, _expertiseRank, _options, _time);
        foreach (var skill in request.Skills)
        {
            var id = index.Skills.Find(skill);
            if (id < 0 || id >= index.PeerStats.Count || index.PeerStats[id] is not { } stats)
            {
                continue;
            }

            var c = new SkillColumns(stats);
            for (var s = 0; s < c.Count; s++)
            {
                var p = c.Person[s];
                if (p == asker || p >= people || !c.HasEvidence(s))
                {
                    continue;
                }

                ctx.Accumulate(ctx.Of(p), c.Answers[s], c.Accepted[s], c.Questions[s], c.Shared[s], c.Helpful[s], c.Endorsements[s], c.Affinity[s], c.Level[s], decay);
            }
        }

        if (!string.IsNullOrEmpty(request.Text))
        {
            var state = new TextState(ctx, index, asker, _options.Bm25K1, _options.Bm25B);
            TextAnalyzer.Tokenize(request.Text, ref state, static (term, ref st) => st.Add(term));
        }

        ctx.FillRanks(rank);
    }

    /// <summary>
    /// Document-centric BM25 (Balog's model 2): each matching visible document except questions adds its BM25 to its
    /// author: to the author's candidate (the full gather), or, with <paramref name="prepass"/>, to the per-person text
    /// scores the pruned gather accumulates before the skills so that the text's authors can be marked.
    /// </summary>
    private readonly struct TextState(PeerContext ctx, TenantIndex index, int asker, double k1, double b, bool prepass = false)
    {
        public void Add(ReadOnlySpan<char> term)
        {
            var id = index.Terms.Find(term);
            if (id < 0)
            {
                return;
            }

            var limit = index.DocItem.Snapshot(out _);
            index.DocPeerText.Snapshot(out var words);   // after the limit: at least that long
            var list = index.Terms.List(id);
            var n = list.Docs.Snapshot(out var docs);
            list.Frequencies!.Snapshot(out var tfs);
            var idf = Formulas.Idf(Math.Max(1, limit), Math.Min(n, Math.Max(1, limit)));
            var avg = index.AverageLength;
            var people = ctx.Slot.Length;
            for (var j = 0; j < n; j++)
            {
                var d = docs[j];
                if (d >= limit)
                {
                    break;
                }

                var word = words[d];
                var author = (int)(uint)word;
                if ((word & TenantIndex.PeerTextCounts) == 0 || author == asker || (uint)author >= (uint)people)
                {
                    continue;
                }

                var score = (float)(idf * Formulas.Bm25Tf(tfs[j], (ushort)(word >> 32), avg, k1, b));
                if (prepass)
                {
                    ctx.AddText(author, score);
                }
                else
                {
                    var i = ctx.Of(author);   // first: Of may grow the candidate arrays, TextArr among them
                    ctx.TextArr[i] += score;
                }
            }
        }
    }
}

/// <summary>ExpertiseRank (Zhang, Ackerman and Adamic 2007): PageRank over asker → answerer edges, cached per tenant.</summary>
internal static class ExpertiseRanks
{
    /// <summary>The tenant's ExpertiseRank, cached as derived state (<see cref="DerivedCache"/>).</summary>
    public static float[] Get(TenantIndex index, Computation computation, RecommendationOptions options, TimeProvider time) =>
        index.Derived.Get(index, computation, options.ExpertiseRankRefreshInterval, time);

    /// <summary>ExpertiseRank as derived state, per restart probability and iteration count.</summary>
    public sealed record Computation(double Restart, int Iterations) : DerivedComputation<float[]>
    {
        public override float[] Compute(TenantIndex index, float[]? previous, TimeProvider time) => ExpertiseRanks.Compute(index, Restart, Iterations);
    }

    public static float[] Compute(TenantIndex index, double restart, int iterations)
    {
        var people = index.LearnerIds.Count;
        var from = new List<int>();
        var to = new List<int>();
        var limit = index.DocItem.Snapshot(out _);
        for (var d = 0; d < limit; d++)
        {
            if (index.DocKind[d] != (byte)ContributionKind.Answer || (index.DocFlags[d] & TenantIndex.FlagVisible) != TenantIndex.FlagVisible)
            {
                continue;
            }

            var parent = index.DocParent[d];
            if (parent < 0 || index.ItemDoc[parent] is var pd && pd < 0)
            {
                continue;
            }

            var asker = index.DocAuthor[pd];
            var answerer = index.DocAuthor[d];
            if (asker != answerer && asker < people && answerer < people)
            {
                from.Add(asker);
                to.Add(answerer);
            }
        }

        return Graph.PageRank.Compute(people, from, to, null, null, restart, iterations, scaleToCount: true);
    }
}

/// <summary>Built-in peer rankers.</summary>
internal static class PeerExplain
{
    public static string Skills(PeerRankingContext context) =>
        context.Request.Skills.Count == 0 ? "your question" : string.Join(", ", context.Request.Skills);

    public static void Evidence(PeerRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var answers = context.Answers[candidate];
        if (answers > 0)
        {
            explanation.Add(new ExplanationSignal
            {
                Signal = "answers",
                Value = answers,
                Text = $"answered {N(answers)} question{(answers == 1 ? "" : "s")} on {Skills(context)}, {N(context.AcceptedAnswers[candidate])} accepted",
            });
        }

        if (context.Shared[candidate] > 0)
        {
            explanation.Add(new ExplanationSignal { Signal = "shared", Value = context.Shared[candidate], Text = $"shared {N(context.Shared[candidate])} tips on {Skills(context)}" });
        }

        if (context.HelpfulVotes[candidate] > 0)
        {
            explanation.Add(new ExplanationSignal { Signal = "helpful", Value = context.HelpfulVotes[candidate], Text = $"helpful to {N(context.HelpfulVotes[candidate])} colleagues" });
        }

        if (context.Endorsements[candidate] > 0)
        {
            explanation.Add(new ExplanationSignal { Signal = "endorsed", Value = context.Endorsements[candidate], Text = $"endorsed {N(context.Endorsements[candidate])} times" });
        }

        if (context.Proficiency[candidate] > 0)
        {
            explanation.Add(new ExplanationSignal
            {
                Signal = "proficiency",
                Value = context.Proficiency[candidate],
                Text = $"proficiency {context.Proficiency[candidate].ToString("0.00", CultureInfo.InvariantCulture)} in {Skills(context)}",
            });
        }

        if (context.TextScores[candidate] > 0)
        {
            explanation.Add(new ExplanationSignal { Signal = "bm25", Value = context.TextScores[candidate], Text = "has written about what you ask" });
        }

        if (explanation.Count == 0)
        {
            explanation.Add(new ExplanationSignal { Signal = "activity", Value = 0, Text = $"active on {Skills(context)}" });
        }
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}

internal abstract class SimplePeerRanker : IPeerRanker
{
    public void Score(PeerRankingContext context, Span<double> scores)
    {
        for (var i = 0; i < context.Candidates.Length; i++)
        {
            scores[i] = Score(context, i);
        }
    }

    public abstract double Score(PeerRankingContext context, int i);

    /// <summary>
    /// Every candidate's score into <paramref name="values"/>; the same arithmetic as <see cref="Score(PeerRankingContext, int)"/>,
    /// overridden with the context's columns read once instead of through virtual properties per candidate.
    /// </summary>
    public virtual void Fill(PeerRankingContext context, Span<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Score(context, i);
        }
    }

    protected abstract string Signal { get; }

    public virtual void Explain(PeerRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        explanation.Add(new ExplanationSignal { Signal = Signal, Value = Score(context, candidate), Text = $"{Signal} score" });
        PeerExplain.Evidence(context, candidate, explanation);
    }
}

internal sealed class AnswerCountPeerRanker : SimplePeerRanker
{
    public override double Score(PeerRankingContext context, int i) => context.Answers[i];

    public override void Fill(PeerRankingContext context, Span<double> values)
    {
        var answers = context.Answers[..values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = answers[i];
        }
    }

    protected override string Signal => "answer-count";

    public override void Explain(PeerRankingContext context, int candidate, ICollection<ExplanationSignal> explanation) =>
        PeerExplain.Evidence(context, candidate, explanation);
}

internal sealed class ZScorePeerRanker : SimplePeerRanker
{
    public override double Score(PeerRankingContext context, int i) => Formulas.ZScore(context.Answers[i], context.Questions[i]);

    public override void Fill(PeerRankingContext context, Span<double> values)
    {
        var answers = context.Answers[..values.Length];
        var questions = context.Questions[..values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Formulas.ZScore(answers[i], questions[i]);
        }
    }

    protected override string Signal => "z-score";
}

internal sealed class ExpertiseRankPeerRanker : SimplePeerRanker
{
    public override double Score(PeerRankingContext context, int i) => context.ExpertiseRank[i];

    public override void Fill(PeerRankingContext context, Span<double> values)
    {
        var rank = context.ExpertiseRank[..values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = rank[i];
        }
    }

    protected override string Signal => "expertise-rank";
}

/// <summary>Time-decayed skill affinity plus 3 × effective proficiency.</summary>
internal sealed class AffinityPeerRanker : SimplePeerRanker
{
    public const double ProficiencyWeight = 3.0;

    public override double Score(PeerRankingContext context, int i) => context.Affinity[i] + (ProficiencyWeight * context.Proficiency[i]);

    public override void Fill(PeerRankingContext context, Span<double> values)
    {
        var affinity = context.Affinity[..values.Length];
        var proficiency = context.Proficiency[..values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = affinity[i] + (ProficiencyWeight * proficiency[i]);
        }
    }

    protected override string Signal => "affinity";
}

internal sealed class Bm25PeerRanker : SimplePeerRanker
{
    public override double Score(PeerRankingContext context, int i) => context.TextScores[i];

    public override void Fill(PeerRankingContext context, Span<double> values)
    {
        var text = context.TextScores[..values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = text[i];
        }
    }

    protected override string Signal => "bm25";
}

/// <summary>Reciprocal rank fusion of affinity, ExpertiseRank, z-score, answer count and (with text) BM25, top-100 each.</summary>
internal sealed class FusionPeerRanker(IOptions<RecommendationOptions> options) : IPeerRanker
{
    private static readonly SimplePeerRanker[] Components =
        [new AffinityPeerRanker(), new ExpertiseRankPeerRanker(), new ZScorePeerRanker(), new AnswerCountPeerRanker(), new Bm25PeerRanker()];

    [ThreadStatic]
    private static double[]? t_values;

    private readonly int _k = options.Value.RrfK;
    private readonly int _depth = options.Value.RrfDepth;

    /// <summary>How many of each component's best are fused (<see cref="RecommendationOptions.RrfDepth"/>).</summary>
    public int Depth => _depth;

    /// <summary>Whether the BM25 component takes part (the request has text).</summary>
    public bool Text(PeerRequest request) => !string.IsNullOrEmpty(request.Text);

    public void Score(PeerRankingContext context, Span<double> scores)
    {
        var n = context.Candidates.Length;
        scores[..n].Clear();
        var useText = !string.IsNullOrEmpty(context.Request.Text);
        var depth = Math.Min(n, _depth);
        if (depth == 0)
        {
            return;
        }

        Span<int> heapIdx = stackalloc int[depth];
        Span<double> heapVal = stackalloc double[depth];
        if (t_values is null || t_values.Length < n)
        {
            t_values = new double[Math.Max(n, (t_values?.Length ?? 0) * 2)];
        }

        var values = t_values.AsSpan(0, n);
        foreach (var component in Components)
        {
            if (component is Bm25PeerRanker && !useText)
            {
                continue;
            }

            // Bounded min-heap of the component's top depth (root = worst kept: lowest value, then highest index).
            // Once full, a candidate must beat the root to enter, so most of a large candidate set costs one compare.
            component.Fill(context, values);
            var count = 0;
            for (var i = 0; i < depth; i++)
            {
                heapIdx[count] = i;
                heapVal[count] = values[i];
                SiftUp(heapIdx, heapVal, count++);
            }

            var floor = heapVal[0];
            for (var i = depth; i < n; i++)
            {
                var v = values[i];
                if (v > floor)
                {
                    heapIdx[0] = i;
                    heapVal[0] = v;
                    SiftDown(heapIdx, heapVal, 0, count);
                    floor = heapVal[0];
                }
            }

            // Pop worst first: ranks count, count − 1, …, 1.
            for (var rank = count; rank >= 1; rank--)
            {
                scores[heapIdx[0]] += Formulas.Rrf(rank, _k);
                var last = rank - 1;
                heapIdx[0] = heapIdx[last];
                heapVal[0] = heapVal[last];
                SiftDown(heapIdx, heapVal, 0, last);
            }
        }
    }

    private static bool Worse(double v1, int i1, double v2, int i2) => v1 < v2 || (v1 == v2 && i1 > i2);

    private static void SiftUp(Span<int> idx, Span<double> val, int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Worse(val[i], idx[i], val[parent], idx[parent]))
            {
                return;
            }

            (idx[i], idx[parent]) = (idx[parent], idx[i]);
            (val[i], val[parent]) = (val[parent], val[i]);
            i = parent;
        }
    }

    private static void SiftDown(Span<int> idx, Span<double> val, int i, int size)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= size)
            {
                return;
            }

            var worst = left;
            if (left + 1 < size && Worse(val[left + 1], idx[left + 1], val[left], idx[left]))
            {
                worst = left + 1;
            }

            if (!Worse(val[worst], idx[worst], val[i], idx[i]))
            {
                return;
            }

            (idx[i], idx[worst]) = (idx[worst], idx[i]);
            (val[i], val[worst]) = (val[worst], val[i]);
            i = worst;
        }
    }

    public void Explain(PeerRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        explanation.Add(new ExplanationSignal
        {
            Signal = "expertise-rank",
            Value = context.ExpertiseRank[candidate],
            Text = $"ExpertiseRank {context.ExpertiseRank[candidate].ToString("0.00", CultureInfo.InvariantCulture)} (1 is average)",
        });
        explanation.Add(new ExplanationSignal
        {
            Signal = "affinity",
            Value = context.Affinity[candidate],
            Text = $"recent evidence in {PeerExplain.Skills(context)}: {context.Affinity[candidate].ToString("0.0", CultureInfo.InvariantCulture)}",
        });
        PeerExplain.Evidence(context, candidate, explanation);
    }
}
