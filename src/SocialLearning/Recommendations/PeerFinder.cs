using System.Globalization;
using Microsoft.Extensions.Options;
using SocialLearning.Index;
using SocialLearning.Ranking;

namespace SocialLearning.Recommendations;

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

    /// <summary>Person number → candidate index + 1 for the current stamp.</summary>
    public int[] Slot = [];
    public int[] Stamp = [];
    public int CurrentStamp;

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
            Slot = new int[size];
            Stamp = new int[size];
            CurrentStamp = 0;
        }

        CurrentStamp++;
        if (CurrentStamp == int.MaxValue)
        {
            Array.Clear(Stamp);
            CurrentStamp = 1;
        }
    }

    /// <summary>The candidate index of a person, adding them with zero evidence when new.</summary>
    public int Of(int person)
    {
        if (Stamp[person] == CurrentStamp)
        {
            return Slot[person];
        }

        var i = Count;
        if (i == People.Length)
        {
            Grow();
        }

        People[i] = person;
        AnswersArr[i] = AcceptedArr[i] = QuestionsArr[i] = SharedArr[i] = HelpfulArr[i] = EndorsementsArr[i] = 0;
        AffinityArr[i] = LevelArr[i] = RankArr[i] = TextArr[i] = 0;
        Stamp[person] = CurrentStamp;
        Slot[person] = i;
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

    public PeerFinder(RecommendationIndex indexes, PeerRankerRegistry registry, IOptions<RecommendationOptions> options, TimeProvider time)
    {
        _indexes = indexes;
        _registry = registry;
        _options = options.Value;
        _time = time;
        _experiment = _options.PeerExperiment is { Variants.Count: > 0 } e ? new ExperimentAssignment(e) : null;
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
        return Find(index, request, ranker, name, variant, _time.GetUtcNow(), balance: true);
    }

    public RecommendationResult<PeerRecommendation> Find(TenantIndex index, PeerRequest request, IPeerRanker ranker, string name, string? variant, DateTimeOffset now, bool balance)
    {
        var ctx = t_context ??= new PeerContext();
        Gather(ctx, index, request, now);
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

        return new RecommendationResult<PeerRecommendation> { Items = items, Ranker = name, Variant = variant, CandidatesScored = ctx.Count };
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

    private void Gather(PeerContext ctx, TenantIndex index, PeerRequest request, DateTimeOffset now)
    {
        ctx.Index = index;
        ctx.CurrentRequest = request;
        ctx.CurrentNow = now;
        var people = index.LearnerIds.Count;
        ctx.Begin(people);
        var asker = index.FindLearner(request.Asker.Value);
        var decay = Math.Pow(2, -((now - TipFeatureColumns.Epoch).TotalSeconds / index.AffinityHalfLifeSeconds));
        var rank = ExpertiseRanks.Get(index, _options, _time);
        foreach (var skill in request.Skills)
        {
            var id = index.Skills.Find(skill);
            if (id < 0 || id >= index.PeerStats.Count || index.PeerStats[id] is not { } stats)
            {
                continue;
            }

            var n = stats.Person.Snapshot(out var person);
            stats.Answers.Snapshot(out var answers);
            stats.Accepted.Snapshot(out var accepted);
            stats.Questions.Snapshot(out var questions);
            stats.Shared.Snapshot(out var shared);
            stats.Helpful.Snapshot(out var helpful);
            stats.Endorsements.Snapshot(out var endorsements);
            stats.Affinity.Snapshot(out var affinity);
            stats.Level.Snapshot(out var level);
            for (var s = 0; s < n; s++)
            {
                var p = person[s];
                if (p == asker || p >= people)
                {
                    continue;
                }

                // Asking is interest, not expertise: people need answers, shared items or stated proficiency.
                if (answers[s] == 0 && shared[s] == 0 && level[s] <= 0)
                {
                    continue;
                }

                var i = ctx.Of(p);
                ctx.AnswersArr[i] += answers[s];
                ctx.AcceptedArr[i] += accepted[s];
                ctx.QuestionsArr[i] += questions[s];
                ctx.SharedArr[i] += shared[s];
                ctx.HelpfulArr[i] += helpful[s];
                ctx.EndorsementsArr[i] += endorsements[s];
                ctx.AffinityArr[i] += (float)Math.Max(0, affinity[s] * decay);
                ctx.LevelArr[i] = Math.Max(ctx.LevelArr[i], level[s]);
            }
        }

        if (!string.IsNullOrEmpty(request.Text))
        {
            var state = new TextState(ctx, index, asker, _options.Bm25K1, _options.Bm25B);
            TextAnalyzer.Tokenize(request.Text, ref state, static (term, ref st) => st.Add(term));
        }

        for (var i = 0; i < ctx.Count; i++)
        {
            var p = ctx.People[i];
            ctx.RankArr[i] = rank is not null && p < rank.Length ? rank[p] : 0;
        }
    }

    /// <summary>Document-centric BM25 (Balog's model 2): each matching visible document except questions adds its BM25 to its author.</summary>
    private readonly struct TextState(PeerContext ctx, TenantIndex index, int asker, double k1, double b)
    {
        public void Add(ReadOnlySpan<char> term)
        {
            var id = index.Terms.Find(term);
            if (id < 0)
            {
                return;
            }

            var limit = index.DocItem.Snapshot(out _);
            index.DocFlags.Snapshot(out var flags);
            index.DocAuthor.Snapshot(out var authors);
            index.DocKind.Snapshot(out var kinds);
            index.DocLength.Snapshot(out var lengths);
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

                if ((flags[d] & TenantIndex.FlagVisible) != TenantIndex.FlagVisible || kinds[d] == (byte)ContributionKind.Question
                    || authors[d] == asker || authors[d] >= people)
                {
                    continue;
                }

                var i = ctx.Of(authors[d]);
                ctx.TextArr[i] += (float)(idf * Formulas.Bm25Tf(tfs[j], lengths[d], avg, k1, b));
            }
        }
    }
}

/// <summary>ExpertiseRank (Zhang, Ackerman and Adamic 2007): PageRank over asker → answerer edges, cached per tenant.</summary>
internal static class ExpertiseRanks
{
    public static float[]? Get(TenantIndex index, RecommendationOptions options, TimeProvider time)
    {
        var cache = index.Derived;
        var generation = index.Generation;
        var rank = Volatile.Read(ref cache.ExpertiseRank);
        if (rank is not null && (cache.ExpertiseRankGeneration == generation
            || time.GetElapsedTime(cache.ExpertiseRankAt) < options.ExpertiseRankRefreshInterval))
        {
            return rank;
        }

        lock (cache.Gate)
        {
            if (cache.ExpertiseRank is not null && cache.ExpertiseRankGeneration == generation)
            {
                return cache.ExpertiseRank;
            }

            var computed = Compute(index, options.PageRankRestart, options.PageRankIterations);
            cache.ExpertiseRankGeneration = generation;
            cache.ExpertiseRankAt = time.GetTimestamp();
            Volatile.Write(ref cache.ExpertiseRank, computed);
            return computed;
        }
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
