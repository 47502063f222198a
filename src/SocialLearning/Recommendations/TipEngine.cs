using SocialLearning.Index;
using SocialLearning.Ranking;

namespace SocialLearning.Recommendations;

/// <summary>
/// Evaluates tip queries against a <see cref="TenantIndex"/>: builds clauses (context keys, skills, terms, the
/// learner's gaps), filters, and ranks. Linear rankers run document-at-a-time MaxScore over the postings, so
/// items that cannot reach the top k are skipped without being scored; other rankers score every candidate.
/// Synchronous and allocation-free apart from the result.
/// </summary>
internal sealed class TipEngine(RecommendationOptions options, TipRankerRegistry? registry = null)
{
    private const int MaxGaps = 4;

    [ThreadStatic]
    private static Scratch? t_scratch;

    public RecommendationOptions Options { get; } = options;

    /// <summary>Documents the last query on this thread visited (scored or pruned), for diagnostics and benchmarks.</summary>
    public static int LastVisited => t_scratch?.Visited ?? 0;

    /// <summary>Documents the last query passed the first bound test for.</summary>
    public static int LastPassed => t_scratch?.Passed ?? 0;

    /// <summary>Documents the last query accepted (filters) before the last bound tests.</summary>
    public static int LastAccepted => t_scratch?.Accepted ?? 0;

    /// <summary>This thread's scratch, for tests that check <see cref="Gather"/> against a reference from inside a ranker.</summary>
    internal static Scratch? CurrentScratch => t_scratch;

    /// <summary>Finds the top <paramref name="k"/>; fills <paramref name="docs"/> and <paramref name="scores"/>, best first; returns how many.</summary>
    public int Search(TenantIndex index, TipRequest request, ITipRanker ranker, DateTimeOffset now, int k, Span<int> docs, Span<double> scores, out int scored)
    {
        var s = t_scratch ??= new Scratch();
        var ctx = s.Context;
        Prepare(s, index, request, now);
        int found;
        if (HeapTop(s, ranker, k, out found, out scored))
        {
            for (var i = 0; i < found; i++)
            {
                docs[i] = s.HeapDoc[i];
                scores[i] = s.HeapScore[i];
            }

            return found;
        }

        Gather(s);
        scored = ctx.Count;
        ranker.Score(ctx, ctx.Scores.AsSpan(0, ctx.Count));
        found = TopOfCandidates(s, k);
        for (var i = 0; i < found; i++)
        {
            docs[i] = ctx.Docs[s.HeapDoc[i]];
            scores[i] = s.HeapScore[i];
        }

        return found;
    }

    /// <summary>Ranks and explains: the full recommendation.</summary>
    public RecommendationResult<TipRecommendation> Recommend(TenantIndex index, TipRequest request, ITipRanker ranker, string rankerName, string? variant, DateTimeOffset now)
    {
        var s = t_scratch ??= new Scratch();
        var ctx = s.Context;
        Prepare(s, index, request, now);
        var k = request.K;
        int scored;
        int found;
        if (HeapTop(s, ranker, k, out found, out scored))
        {
            LoadCandidates(s, found);
            for (var i = 0; i < found; i++)
            {
                ctx.Scores[i] = s.HeapScore[i];
            }

            return WithFeatured(s, Build(s, ranker, rankerName, variant, found, scored, identity: true), k);
        }

        if (ranker is MmrTipRanker mmr && registry is not null && registry.Contains(mmr.BaseRanker) && registry.Get(mmr.BaseRanker) is ILinearTipRanker baseRanker)
        {
            var pool = MaxScore(s, baseRanker.Weights, Math.Max(mmr.PoolSize, k), out scored);
            LoadCandidates(s, pool);
        }
        else
        {
            Gather(s);
            scored = ctx.Count;
        }

        ranker.Score(ctx, ctx.Scores.AsSpan(0, ctx.Count));
        found = TopOfCandidates(s, k);
        return WithFeatured(s, Build(s, ranker, rankerName, variant, found, scored, identity: false), k);
    }

    /// <summary>
    /// Puts the learning team's featured contributions first (at most <see cref="RecommendationOptions.MaxFeaturedTips"/>,
    /// under the same filters as every candidate: visible, in the learner's audience, not dismissed, not their own, of
    /// the requested kinds, carrying a required skill), then the ranker's results without them, k in all. A request
    /// with context keys gets those featured for one of its keys; a request without context keys but with
    /// <see cref="TipRequest.RequireSkills"/> (a learning path's step, a skill page) gets those carrying one of the
    /// required skills. Nothing changes when nothing is featured, or for a request with neither.
    /// </summary>
    private RecommendationResult<TipRecommendation> WithFeatured(Scratch s, RecommendationResult<TipRecommendation> ranked, int k)
    {
        var index = s.Context.Index;
        var featured = index.Featured;
        var request = s.Context.CurrentRequest;
        var keys = request.ContextKeys;
        var required = request.RequireSkills ?? [];
        if (featured.Length == 0 || (keys.Count == 0 && required.Count == 0) || Options.MaxFeaturedTips == 0)
        {
            return ranked;
        }

        var nowTicks = s.Context.CurrentNow.UtcTicks;
        var bySkill = keys.Count == 0;
        Span<int> ids = stackalloc int[bySkill ? required.Count : keys.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = bySkill ? index.Skills.Find(required[i]) : index.ContextKeys.Find(keys[i]);
        }

        var picked = new List<(int Doc, long Until, string For)>();
        foreach (var f in featured)
        {
            var doc = f.Item < index.ItemDoc.Count ? index.ItemDoc[f.Item] : -1;
            if (f.UntilTicks <= nowTicks || doc < 0 || doc >= s.Limit || !s.Accept(doc))
            {
                continue;
            }

            var carried = bySkill ? index.SkillsOf(doc) : index.KeysOf(doc);
            for (var i = 0; i < ids.Length; i++)
            {
                if (ids[i] >= 0 && carried.Contains(ids[i]))
                {
                    picked.Add((doc, f.UntilTicks, bySkill ? required[i] : keys[i]));
                    break;
                }
            }
        }

        if (picked.Count == 0)
        {
            return ranked;
        }

        // The feature that runs longest first (ties by document, so the order is stable).
        picked.Sort(static (a, b) => a.Until != b.Until ? b.Until.CompareTo(a.Until) : a.Doc.CompareTo(b.Doc));
        var take = Math.Min(Math.Min(picked.Count, Options.MaxFeaturedTips), k);
        var items = new List<TipRecommendation>(k);
        var chosen = new HashSet<ContributionId>();
        for (var i = 0; i < take; i++)
        {
            var (doc, until, label) = picked[i];
            var id = new ContributionId(index.ItemIds[index.DocItem[doc]]);
            var ranking = ranked.Items.FirstOrDefault(r => r.ContributionId == id);
            var explanation = new List<ExplanationSignal>
            {
                new()
                {
                    Signal = "featured",
                    Value = 1,
                    Text = $"featured by the learning team for {label} until {new DateTimeOffset(until, TimeSpan.Zero):yyyy-MM-dd}",
                },
            };
            if (ranking is not null)
            {
                explanation.AddRange(ranking.Explanation);
            }

            items.Add(Recommendation(index, doc, ranking?.Score ?? 0, explanation));
            chosen.Add(id);
        }

        foreach (var item in ranked.Items)
        {
            if (items.Count >= k)
            {
                break;
            }

            if (!chosen.Contains(item.ContributionId))
            {
                items.Add(item);
            }
        }

        return ranked with { Items = items };
    }

    private static RecommendationResult<TipRecommendation> Build(Scratch s, ITipRanker ranker, string rankerName, string? variant, int found, int scored, bool identity)
    {
        var ctx = s.Context;
        var items = new TipRecommendation[found];
        for (var r = 0; r < found; r++)
        {
            var candidate = identity ? r : s.HeapDoc[r];
            var doc = ctx.Docs[candidate];
            var explanation = new List<ExplanationSignal>(4);
            ranker.Explain(ctx, candidate, explanation);
            items[r] = Recommendation(ctx.Index, doc, s.HeapScore[r], explanation);
        }

        return new RecommendationResult<TipRecommendation> { Items = items, Ranker = rankerName, Variant = variant, CandidatesScored = scored };
    }

    private static TipRecommendation Recommendation(TenantIndex index, int doc, double score, List<ExplanationSignal> explanation) => new()
    {
        ContributionId = new ContributionId(index.ItemIds[index.DocItem[doc]]),
        Kind = (ContributionKind)index.DocKind[doc],
        Title = index.DocTitle[doc],
        Author = new LearnerId(index.LearnerIds[index.DocAuthor[doc]]),
        Score = score,
        Explanation = explanation,
    };

    /// <summary>
    /// For rankers the engine can rank without gathering every candidate into the context — linear ones (MaxScore) and
    /// prior-only ones (<see cref="PriorTop"/>) — puts the top k in the heap, best first, and returns true.
    /// </summary>
    private static bool HeapTop(Scratch s, ITipRanker ranker, int k, out int found, out int scored)
    {
        switch (ranker)
        {
            case ILinearTipRanker linear:
                found = MaxScore(s, linear.Weights, k, out scored);
                return true;
            case PriorTipRanker prior:
                found = PriorTop(s, prior, k, out scored);
                return true;
            default:
                found = scored = 0;
                return false;
        }
    }

    /// <summary>Puts the heap's documents (best first) into the context as candidates, with their match scores.</summary>
    private static void LoadCandidates(Scratch s, int found)
    {
        var ctx = s.Context;
        ctx.Count = 0;
        ctx.EnsureCapacity(found);
        for (var i = 0; i < found; i++)
        {
            var doc = s.HeapDoc[i];
            var c = ctx.AddCandidate(doc, s.IsSeen(doc) ? (byte)1 : (byte)0);
            s.Recompute(c);
        }
    }

    // ------------------------------------------------------------------ setup

    private void Prepare(Scratch s, TenantIndex index, TipRequest request, DateTimeOffset now)
    {
        var ctx = s.Context;
        ctx.Index = index;
        ctx.Columns = index.Columns ??= new TipColumns(index);
        ctx.CurrentRequest = request;
        ctx.CurrentNow = now;
        ctx.K1 = Options.Bm25K1;
        ctx.B = Options.Bm25B;
        ctx.Count = 0;
        ctx.ClauseCount = 0;
        ctx.ResetClauses();
        s.NowSeconds = (now - TipFeatureColumns.Epoch).TotalSeconds;

        // Document limit first, then the columns (which are at least that long).
        var n = index.DocItem.Snapshot(out s.DocItem);
        ctx.DocumentLimit = n;
        s.Limit = n;
        ctx.AverageLength = index.AverageLength;
        s.PrepareLengthNorms(Math.Max(ctx.AverageLength, 1e-9), Options.Bm25K1, Options.Bm25B);
        index.DocFlags.Snapshot(out s.Flags);
        index.DocKind.Snapshot(out s.Kinds);
        index.DocAuthor.Snapshot(out s.Authors);
        index.DocFilter.Snapshot(out s.Filter);
        index.Quality.Snapshot(out s.Quality);
        index.QualityBound.Snapshot(out s.QualityBound);
        index.BlockCreated.Snapshot(out s.BlockCreated);
        index.BlockQuality.Snapshot(out s.BlockQuality);
        index.BlockHelpful.Snapshot(out s.BlockHelpful);
        index.BlockPopularity.Snapshot(out s.BlockPopularity);
        s.WilsonZ = index.WilsonZ;
        index.DocLength.Snapshot(out s.Lengths);
        index.Helpful.Snapshot(out s.Helpful);
        index.NotHelpful.Snapshot(out s.NotHelpful);
        index.DocCreated.Snapshot(out s.Created);
        s.ForwardCount = index.Forward.Snapshot(out s.Forward);
        index.DocForwardStart.Snapshot(out s.ForwardStart);
        index.DocSkillCount.Snapshot(out s.SkillCount);

        // Learner and filters.
        s.Learner = index.FindLearner(request.Learner.Value);
        var state = index.LearnerAt(s.Learner);
        s.Dismissed = state.Dismissed;
        s.SeenItems = state.Seen;
        s.ExcludeSeen = request.ExcludeSeen;
        s.IncludeOwn = request.IncludeOwn;
        s.KindMask = 0;
        if (request.Kinds is { Count: > 0 } kinds)
        {
            for (var i = 0; i < kinds.Count; i++)
            {
                s.KindMask |= 1 << (int)kinds[i];
            }
        }

        s.RequireCount = 0;
        s.RequireSkills = request.RequireSkills is { Count: > 0 };
        if (request.RequireSkills is { Count: > 0 } required)
        {
            for (var i = 0; i < required.Count; i++)
            {
                var id = index.Skills.Find(required[i]);
                if (id >= 0 && s.RequireCount < s.Require.Length)
                {
                    s.Require[s.RequireCount++] = id;
                }
            }
        }

        var audiences = index.Audiences;
        if (s.AudienceVisible.Length < audiences.Length)
        {
            s.AudienceVisible = new bool[Math.Max(audiences.Length, s.AudienceVisible.Length * 2)];
        }

        s.AudienceVisible[0] = true;
        for (var a = 1; a < audiences.Length; a++)
        {
            s.AudienceVisible[a] = Visible(audiences[a], state);
        }

        // Clauses: context keys, skills, terms, then the learner's gaps.
        var documents = Math.Max(1, n);
        var keys = request.ContextKeys;
        for (var i = 0; i < keys.Count; i++)
        {
            AddClause(s, TipClauseKind.ContextKey, index.ContextKeys, index.ContextKeys.Find(keys[i]), documents, 1.0);
        }

        var skills = request.Skills;
        for (var i = 0; i < skills.Count; i++)
        {
            AddClause(s, TipClauseKind.Skill, index.Skills, index.Skills.Find(skills[i]), documents, 1.0);
        }

        if (!string.IsNullOrEmpty(request.Text))
        {
            // The clause budget left after keys and skills (keeping room for the gaps) goes to the most telling terms.
            Span<int> terms = stackalloc int[TipContext.MaxClauses];
            var selected = QueryTerms.Select(index.Terms, request.Text, TipContext.MaxClauses - ctx.ClauseCount - MaxGaps, documents, terms);
            for (var i = 0; i < selected; i++)
            {
                AddClause(s, TipClauseKind.Term, index.Terms, terms[i], documents, 1.0);
            }
        }

        AddGaps(s, index, request, state, documents);

        // Only a request that names nothing (no key, skill or text) falls back to every item ranked by its prior;
        // one that names something nobody has written about gets nothing rather than unrelated items.
        s.NoMatch = ctx.ClauseCount == 0 && (keys.Count > 0 || skills.Count > 0 || !string.IsNullOrWhiteSpace(request.Text));
    }

    private void AddGaps(Scratch s, TenantIndex index, TipRequest request, LearnerState state, int documents)
    {
        var mastery = Options.MasteryLevel;
        var count = 0;
        Span<int> skills = stackalloc int[16];
        Span<double> gaps = stackalloc double[16];
        for (var r = 0; r < request.Skills.Count; r++)
        {
            var id = index.Skills.Find(request.Skills[r]);
            if (id >= 0 && count < skills.Length)
            {
                var level = state.LevelOf(id);
                if (level < mastery && skills[..count].IndexOf(id) < 0)
                {
                    skills[count] = id;
                    gaps[count++] = 1 - level;
                }
            }
        }

        for (var i = 0; i < state.LevelSkills.Length && count < skills.Length; i++)
        {
            var level = state.Levels[i];
            var id = state.LevelSkills[i];
            if (level < mastery && skills[..count].IndexOf(id) < 0)
            {
                skills[count] = id;
                gaps[count++] = 1 - level;
            }
        }

        // Largest gaps first (ties by skill number), at most MaxGaps.
        for (var taken = 0; taken < MaxGaps && taken < count; taken++)
        {
            var best = taken;
            for (var j = taken + 1; j < count; j++)
            {
                if (gaps[j] > gaps[best] || (gaps[j] == gaps[best] && skills[j] < skills[best]))
                {
                    best = j;
                }
            }

            (skills[taken], skills[best]) = (skills[best], skills[taken]);
            (gaps[taken], gaps[best]) = (gaps[best], gaps[taken]);
            AddClause(s, TipClauseKind.SkillGap, index.Skills, skills[taken], documents, gaps[taken]);
        }
    }

    private static bool Visible(Audience audience, LearnerState learner)
    {
        if (audience.Teams.Count > 0 && (learner.Team is null || !audience.Teams.Contains(learner.Team)))
        {
            return false;
        }

        if (audience.Roles.Count > 0)
        {
            foreach (var role in learner.Roles)
            {
                if (audience.Roles.Contains(role))
                {
                    return true;
                }
            }

            return false;
        }

        return true;
    }

    private static void AddClause(Scratch s, TipClauseKind kind, Vocabulary vocabulary, int id, int documents, double weight)
    {
        var ctx = s.Context;
        if (id < 0 || ctx.ClauseCount >= TipContext.MaxClauses)
        {
            return;
        }

        for (var c = 0; c < ctx.ClauseCount; c++)
        {
            if (ctx.ClauseKinds[c] == kind && ctx.ClauseIds[c] == id)
            {
                return;
            }
        }

        var list = vocabulary.List(id);
        var length = list.Docs.Snapshot(out var docs);
        if (length == 0)
        {
            return;
        }

        var clause = ctx.ClauseCount++;
        ctx.ClauseKinds[clause] = kind;
        ctx.ClauseIds[clause] = id;
        ctx.ClauseDocs[clause] = docs;
        ctx.ClauseLength[clause] = length;
        ctx.ClauseDf[clause] = length;
        ctx.ClauseIdf[clause] = Formulas.Idf(documents, Math.Min(length, documents));
        ctx.ClauseWeight[clause] = weight;
        if (list.Frequencies is { } frequencies)
        {
            frequencies.Snapshot(out var freqs);
            ctx.ClauseFreqs[clause] = freqs;
            list.Norms!.Snapshot(out var norms);
            ctx.ClauseNorms[clause] = norms;
        }
        else
        {
            ctx.ClauseFreqs[clause] = null;
            ctx.ClauseNorms[clause] = null;
        }

        ctx.ClauseMaxTf[clause] = Math.Max(1, list.MaxFrequency);
        ctx.ClauseMinLen[clause] = list.MinLength == int.MaxValue ? 1 : list.MinLength;
    }

    // ------------------------------------------------------------------ exhaustive

    /// <summary>
    /// Every accepted document that matches a clause (or every accepted document when there are none), in document
    /// order, with its match scores per clause kind. Term at a time within windows of one block (2^BlockShift
    /// documents, as Lucene's BooleanScorer does with 2,048): each clause's postings in the window add into
    /// per-document sums, marked in a bitset that is then read in document order. The sums are added in clause order,
    /// as a document-at-a-time merge adds them, so every score is the same to the bit; the merge paid a pass over all
    /// clauses per document to find the next one.
    /// </summary>
    internal static void Gather(Scratch s)
    {
        var ctx = s.Context;
        var m = ctx.ClauseCount;
        ctx.Count = 0;
        if (m == 0)
        {
            for (var d = 0; d < (s.NoMatch ? 0 : s.Limit); d++)
            {
                if (s.Accept(d))
                {
                    ctx.AddCandidate(d, s.IsSeen(d) ? (byte)1 : (byte)0);
                }
            }

            return;
        }

        var limit = s.Limit;
        var sums = s.WindowSums;
        var masks = s.WindowMasks;
        var next = int.MaxValue;
        for (var c = 0; c < m; c++)
        {
            s.Pos[c] = 0;
            next = Math.Min(next, s.DocAt(c, 0));
        }

        while (next < limit)
        {
            var windowStart = next & ~(Scratch.Window - 1);
            var windowEnd = Math.Min(limit, windowStart + Scratch.Window);
            next = int.MaxValue;
            for (var c = 0; c < m; c++)
            {
                var docs = ctx.ClauseDocs[c];
                var length = ctx.ClauseLength[c];
                var kind = (int)ctx.ClauseKinds[c] - 1;
                var bit = 1u << c;
                var p = s.Pos[c];
                for (; p < length; p++)
                {
                    var d = docs[p];
                    if (d >= windowEnd)
                    {
                        break;
                    }

                    var i = d - windowStart;
                    sums[(i << 2) + kind] += s.Contribution(c, p, d);
                    masks[i] |= bit;
                    s.Mark(i);
                }

                s.Pos[c] = p;
                if (p < length && docs[p] < next)
                {
                    next = docs[p];
                }
            }

            var word = -1;
            var marked = 0UL;
            while (s.NextMarked(ref word, ref marked, out var i))
            {
                var d = windowStart + i;
                var at = i << 2;
                if (s.Accept(d))
                {
                    var candidate = ctx.AddCandidate(d, s.IsSeen(d) ? (byte)1 : (byte)0);
                    ctx.Context[candidate] = (float)sums[at];
                    ctx.Skill[candidate] = (float)sums[at + 1];
                    ctx.Text[candidate] = (float)sums[at + 2];
                    ctx.Gap[candidate] = (float)sums[at + 3];
                    ctx.Mask[candidate] = masks[i];
                }

                sums.AsSpan(at, 4).Clear();
                masks[i] = 0;
            }
        }
    }

    // ------------------------------------------------------------------ prior-only rankers

    /// <summary>
    /// Top k documents (in the heap, best first) for a ranker whose score is a function of the document alone: the
    /// candidates (exactly <see cref="Gather"/>'s) are scored straight into the heap, block by block (newest first, or
    /// best bound first), and every block whose bound (<see cref="PriorTipRanker.BlockBound"/>: recency, hot,
    /// popularity, wilson, bayesian; +∞ for a ranker without one) is below the k-th score is skipped. Same result as scoring every
    /// candidate: ties by document order.
    /// </summary>
    private static int PriorTop(Scratch s, PriorTipRanker ranker, int k, out int scored)
    {
        var ctx = s.Context;
        var f = ctx.Features;
        var now = s.NowSeconds;
        var mean = f.MeanHelpfulShare;
        var m = ctx.ClauseCount;
        s.HeapReset(k);
        scored = 0;
        var limit = s.NoMatch ? 0 : s.Limit;
        var blocks = (limit + (1 << TenantIndex.BlockShift) - 1) >> TenantIndex.BlockShift;
        var sorted = ranker.BestBoundFirst;
        if (sorted)
        {
            // Quality bounds do not follow document order: visit blocks best bound first, so the heap holds the best
            // scores early and the first block below the k-th score ends the walk.
            s.EnsureBlocks(blocks);
            for (var b = 0; b < blocks; b++)
            {
                s.BlockOrder[b] = blocks - 1 - b;
                s.BlockBounds[b] = -ranker.BlockBound(Stats(s, blocks - 1 - b, now, mean));
            }

            Array.Sort(s.BlockBounds, s.BlockOrder, 0, blocks);
        }

        // Otherwise newest blocks first (for recency and hot nearly best bound first, with no sort). A block whose
        // bound is below the k-th score is skipped; one whose bound equals it is not: it may hold a tie with a lower
        // document number.
        for (var i = 0; i < blocks; i++)
        {
            var b = sorted ? s.BlockOrder[i] : blocks - 1 - i;
            if (s.HeapFull && (sorted ? -s.BlockBounds[i] : ranker.BlockBound(Stats(s, b, now, mean))) < s.HeapScore[0])
            {
                if (sorted)
                {
                    break;
                }

                continue;
            }

            var start = b << TenantIndex.BlockShift;
            var end = Math.Min(limit, start + (1 << TenantIndex.BlockShift));
            if (m == 0)
            {
                for (var d = start; d < end; d++)
                {
                    if (s.Accept(d))
                    {
                        scored++;
                        s.Offer(ranker.Score(f, d, now), d);
                    }
                }

                continue;
            }

            // The block's candidates: every clause's postings in it marked in the window bitset, read in document order.
            for (var c = 0; c < m; c++)
            {
                var docs = ctx.ClauseDocs[c];
                var length = ctx.ClauseLength[c];
                var p = Array.BinarySearch(docs, 0, length, start);
                for (p = p >= 0 ? p : ~p; p < length; p++)
                {
                    var d = docs[p];
                    if (d >= end)
                    {
                        break;
                    }

                    s.Mark(d - start);
                }
            }

            var word = -1;
            var marked = 0UL;
            while (s.NextMarked(ref word, ref marked, out var position))
            {
                var d = start + position;
                if (s.Accept(d))
                {
                    scored++;
                    s.Offer(ranker.Score(f, d, now), d);
                }
            }
        }

        return s.HeapSortDescending();
    }

    private static BlockStats Stats(Scratch s, int b, double now, double meanHelpfulShare) =>
        new(s.BlockCreated[b], s.BlockHelpful[b], s.BlockQuality[b], s.BlockPopularity[b], s.WilsonZ, now, meanHelpfulShare);

    /// <summary>
    /// Top k candidate indexes by <see cref="TipContext.Scores"/>; ties by candidate order. The heap is seeded with
    /// the last k candidates, then offered the others from the first (as <c>Ranks.Top</c>): the result is the same in
    /// any order, but a ranker whose scores rise with document (creation) order would otherwise replace the root for
    /// every candidate.
    /// </summary>
    private static int TopOfCandidates(Scratch s, int k)
    {
        var ctx = s.Context;
        s.HeapReset(k);
        var n = ctx.Count;
        var seed = Math.Min(n, k);
        for (var i = n - seed; i < n; i++)
        {
            s.Offer(ctx.Scores[i], i);
        }

        for (var i = 0; i < n - seed; i++)
        {
            s.Offer(ctx.Scores[i], i);
        }

        return s.HeapSortDescending();
    }

    // ------------------------------------------------------------------ MaxScore

    private static int MaxScore(Scratch s, LinearTipWeights w, int k, out int scored)
    {
        var ctx = s.Context;
        var m = ctx.ClauseCount;
        s.HeapReset(k);
        scored = 0;
        if (m == 0)
        {
            // No clause: every accepted document is a candidate, ranked by its prior.
            for (var d = 0; d < (s.NoMatch ? 0 : s.Limit); d++)
            {
                if (!s.Accept(d))
                {
                    continue;
                }

                scored++;
                var prior = w.WilsonZ == ctx.Index.WilsonZ
                    ? w.Prior(s.Quality[d], s.Created[d], s.NowSeconds)
                    : w.Prior(s.Helpful[d], s.NotHelpful[d], s.Created[d], s.NowSeconds);
                s.Offer(w.Score(0, 0, 0, 0, prior, s.IsSeen(d)), d);
            }

            return s.HeapSortDescending();
        }

        // Clause weights and upper bounds; order clauses by bound, ascending.
        var perm = s.Perm;
        var ub = s.UpperBound;
        var weight = s.ClauseScale;
        for (var c = 0; c < m; c++)
        {
            weight[c] = ctx.ClauseKinds[c] switch
            {
                TipClauseKind.ContextKey => w.Context,
                TipClauseKind.Skill => w.Skill,
                TipClauseKind.Term => w.Text,
                _ => w.Gap,
            };
            var bound = ctx.ClauseIdf[c] * (ctx.ClauseKinds[c] == TipClauseKind.SkillGap ? ctx.ClauseWeight[c] : 1.0);
            if (ctx.ClauseKinds[c] == TipClauseKind.Term)
            {
                bound *= Formulas.Bm25Tf(ctx.ClauseMaxTf[c], ctx.ClauseMinLen[c], ctx.AverageLength, ctx.K1, ctx.B);
            }

            ub[c] = Math.Max(0, weight[c] * bound);
            perm[c] = c;
        }

        Array.Sort(ub, perm, 0, m);

        // RequireSkills is a filter every accepted document passes through a required skill's own posting list, so
        // when each required skill is a clause only those lists are walked from the start; the others are looked up
        // per document like MaxScore's non-essential lists (a learning-path step asks for one small skill next to the
        // learner's gaps, whose lists can hold a tenth of the corpus).
        var walked = s.RequireSkills && RequiredWalk ? RequiredLast(s, m) : 0;
        var prefix = s.Prefix;
        var running = 0.0;
        for (var i = 0; i < m; i++)
        {
            running += ub[i];
            prefix[i] = running;
        }

        // The lists in bound order (index i, not clause c), each cut at the published document limit.
        var lists = s.Lists;
        var freqs = s.ListFreqs;
        var norms = s.ListNorms;
        var termScale = s.ListTermScale;
        Span<int> len = stackalloc int[m];
        Span<int> pos = stackalloc int[m];
        Span<int> cur = stackalloc int[m];
        for (var i = 0; i < m; i++)
        {
            var c = perm[i];
            var docs = ctx.ClauseDocs[c];
            var n = ctx.ClauseLength[c];
            while (n > 0 && docs[n - 1] >= s.Limit)
            {
                n--;
            }

            lists[i] = docs;
            len[i] = n;
            freqs[i] = ctx.ClauseFreqs[c];
            norms[i] = ctx.ClauseNorms[c];
            termScale[i] = Math.Max(0, weight[c] * ctx.ClauseIdf[c]);
            pos[i] = 0;
            cur[i] = n > 0 ? docs[0] : int.MaxValue;
        }

        var priorBound = w.PriorUpperBound;
        var precomputed = w.WilsonZ == ctx.Index.WilsonZ;

        // Per-document prior bound: the quality bound byte (when the ranker's z is the index's) and the freshness of
        // the newest document in the document's block, computed once per block.
        var qualityScale = precomputed ? Math.Max(0, w.Quality) / 255.0 : 0;
        var qualityFlat = precomputed ? 0 : Math.Max(0, w.Quality);
        var freshWeight = Math.Max(0, w.Freshness);
        var stepsPerSecond = 16 / w.FreshnessHalfLifeSeconds;   // FreshSteps has 16 steps per half-life
        var blockFresh = 0.0;
        var qualityBound = s.QualityBound;
        var tfOne = s.TfOne;
        var lengthNorm = s.LengthNorm;
        var tfScale = ctx.K1 + 1;

        // Two partitions of the lists (MaxScore): lists below `global` cannot bring any document into the top k on
        // their own (with the best prior anywhere), so candidates come only from the lists at or above it; inside a
        // block of 2^BlockShift documents, lists below `local` cannot either (with the block's best prior), so the
        // block's candidates come from the lists at or above `local`. Both only grow as the threshold rises.
        var global = walked > 0 ? m - walked : 0;
        var local = global;
        var blockPrior = priorBound;
        var blockEnd = 0;
        s.Visited = 0;
        s.Passed = 0;
        s.Accepted = 0;
        var cutoff = double.NegativeInfinity;   // the heap's worst score (the threshold) less a hair of slack for rounding
        var full = false;
        Span<int> matchList = stackalloc int[m];
        Span<int> matchPos = stackalloc int[m];
        Span<double> sums = stackalloc double[4];
        while (true)
        {
            var d = int.MaxValue;
            for (var i = global; i < m; i++)
            {
                if (cur[i] < d)
                {
                    d = cur[i];
                }
            }

            if (d == int.MaxValue)
            {
                break;
            }

            if (d >= blockEnd)
            {
                // A new block: its prior bound, and the lists that are essential in it.
                var block = d >> TenantIndex.BlockShift;
                blockEnd = (block + 1) << TenantIndex.BlockShift;
                if (freshWeight != 0)
                {
                    blockFresh = freshWeight * FreshnessBound((s.NowSeconds - s.BlockCreated[block]) * stepsPerSecond);
                }

                blockPrior = (qualityScale * (s.BlockQuality[block] + 1e-6)) + qualityFlat + blockFresh;
                local = global;
                if (full)
                {
                    while (local < m && prefix[local] + blockPrior < cutoff)
                    {
                        local++;
                    }
                }
            }

            if (local > global)
            {
                // Only the lists essential in this block can propose its candidates.
                var next = int.MaxValue;
                for (var i = local; i < m; i++)
                {
                    if (cur[i] < next)
                    {
                        next = cur[i];
                    }
                }

                if (next >= blockEnd)
                {
                    // No document of this block can reach the top k: move the other essential lists past it.
                    for (var i = global; i < local; i++)
                    {
                        Seek(lists[i], len[i], ref pos[i], ref cur[i], blockEnd);
                    }

                    continue;
                }

                d = next;
            }

            s.Visited++;

            // Bounds first, from the lists and one small column only: d's prior bound (its quality byte and the
            // freshness of its block's newest document), each matching list's bound at d (a term's from its tf and
            // length code). The document's own columns are read only when it survives every bound test.
            var estimate = Math.Min(blockPrior, (qualityScale * (qualityBound[d] + 1e-6)) + qualityFlat + blockFresh);
            var matched = 0;
            for (var i = local; i < m; i++)
            {
                if (cur[i] != d)
                {
                    continue;
                }

                var p = pos[i];
                estimate += norms[i] is { } nm ? termScale[i] * TermPart(freqs[i]![p], nm[p], tfOne, lengthNorm, tfScale) : ub[i];
                matchList[matched] = i;
                matchPos[matched++] = p;
                pos[i] = ++p;
                cur[i] = p < len[i] ? lists[i][p] : int.MaxValue;
            }

            if (full && estimate + (local > 0 ? prefix[local - 1] : 0.0) < cutoff)
            {
                continue;
            }

            s.Passed++;
            var pruned = false;
            for (var i = local - 1; i >= 0; i--)
            {
                if (full && estimate + prefix[i] < cutoff)
                {
                    pruned = true;
                    break;
                }

                if (Seek(lists[i], len[i], ref pos[i], ref cur[i], d))
                {
                    var p = pos[i];
                    estimate += norms[i] is { } nm ? termScale[i] * TermPart(freqs[i]![p], nm[p], tfOne, lengthNorm, tfScale) : ub[i];
                    matchList[matched] = i;
                    matchPos[matched++] = p;
                }
            }

            if (pruned || (full && estimate < cutoff))
            {
                continue;
            }

            // Filters, then the exact score: only documents that can still enter the top k pay for them.
            if (!s.Accept(d))
            {
                continue;
            }

            sums.Clear();
            for (var j = 0; j < matched; j++)
            {
                var c = perm[matchList[j]];
                sums[(int)ctx.ClauseKinds[c] - 1] += s.Contribution(c, matchPos[j], d);
            }

            var prior = precomputed
                ? w.Prior(s.Quality[d], s.Created[d], s.NowSeconds)
                : w.Prior(s.Helpful[d], s.NotHelpful[d], s.Created[d], s.NowSeconds);
            s.Accepted++;
            scored++;
            var score = w.Score((float)sums[0], (float)sums[1], (float)sums[2], (float)sums[3], prior, s.IsSeen(d));
            if (s.Offer(score, d) && s.HeapFull)
            {
                full = true;
                var threshold = s.HeapScore[0];
                cutoff = threshold - (1e-9 * (1 + Math.Abs(threshold)));
                while (global < m && prefix[global] + priorBound < cutoff)
                {
                    global++;
                }

                if (local < global)
                {
                    local = global;
                }

                while (local < m && prefix[local] + blockPrior < cutoff)
                {
                    local++;
                }
            }
        }

        return s.HeapSortDescending();
    }

    /// <summary>An upper bound of the BM25 tf part of a posting from its tf and length code.</summary>
    private static double TermPart(byte tf, byte code, double[] tfOne, double[] lengthNorm, double tfScale) =>
        tf == 1 ? tfOne[code] : tf * tfScale / (tf + lengthNorm[code]);

    /// <summary>Moves a cursor to the first posting ≥ <paramref name="target"/> (galloping, then binary search); true when it is on target.</summary>
    private static bool Seek(int[] docs, int length, ref int pos, ref int cur, int target)
    {
        if (cur >= target)
        {
            return cur == target;
        }

        var lo = pos;
        var step = 1;
        var hi = lo + 1;
        while (hi < length && docs[hi] < target)
        {
            lo = hi;
            step <<= 1;
            hi = lo + step;
        }

        if (hi > length)
        {
            hi = length;
        }

        var left = lo + 1;
        var right = hi;
        while (left < right)
        {
            var mid = (left + right) >>> 1;
            if (docs[mid] < target)
            {
                left = mid + 1;
            }
            else
            {
                right = mid;
            }
        }

        pos = left;
        cur = left < length ? docs[left] : int.MaxValue;
        return cur == target;
    }

    /// <summary>2^(−j/16) for j = 0…1023: freshness bounds by table instead of one exp2 per block.</summary>
    private static readonly double[] FreshSteps = BuildFreshSteps();

    private static double[] BuildFreshSteps()
    {
        var steps = new double[1024];
        for (var j = 0; j < steps.Length; j++)
        {
            steps[j] = double.Exp2(-j / 16.0) * (1 + 1e-12);
        }

        return steps;
    }

    /// <summary>An upper bound of 2^(−steps / 16), where steps = 16 · age / half-life (the age rounded down to 1/16 of a half-life).</summary>
    internal static double FreshnessBound(double steps) =>
        steps <= 0 ? 1.0 : steps >= FreshSteps.Length - 1 ? FreshSteps[^1] : FreshSteps[(int)steps];

    [ThreadStatic]
    private static bool t_walkEveryList;

    /// <summary>Whether MaxScore walks only the required skills' lists when <see cref="TipRequest.RequireSkills"/> is set (per thread; tests compare with false).</summary>
    internal static bool RequiredWalk
    {
        get => !t_walkEveryList;
        set => t_walkEveryList = !value;
    }

    /// <summary>
    /// Moves one clause per required skill (its Skill clause, else its gap clause) to the end of the bound order, keeping
    /// the others in ascending bound order; returns how many were moved, or 0 when some required skill has no clause
    /// (then every list is walked as before).
    /// </summary>
    private static int RequiredLast(Scratch s, int m)
    {
        var ctx = s.Context;
        var perm = s.Perm;
        var ub = s.UpperBound;
        Span<bool> pick = stackalloc bool[TipContext.MaxClauses];
        pick.Clear();
        var picked = 0;
        for (var r = 0; r < s.RequireCount; r++)
        {
            var id = s.Require[r];
            var found = -1;
            for (var i = 0; i < m; i++)
            {
                var c = perm[i];
                if (ctx.ClauseIds[c] == id && (ctx.ClauseKinds[c] == TipClauseKind.Skill || ctx.ClauseKinds[c] == TipClauseKind.SkillGap)
                    && (found < 0 || (ctx.ClauseKinds[c] == TipClauseKind.Skill && ctx.ClauseKinds[perm[found]] != TipClauseKind.Skill)))
                {
                    found = i;
                }
            }

            if (found < 0)
            {
                return 0;
            }

            if (!pick[found])
            {
                pick[found] = true;
                picked++;
            }
        }

        if (picked == 0 || picked == m)
        {
            return 0;
        }

        Span<int> order = stackalloc int[TipContext.MaxClauses];
        Span<double> bounds = stackalloc double[TipContext.MaxClauses];
        var n = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < m; i++)
            {
                if (pick[i] == (pass == 1))
                {
                    order[n] = perm[i];
                    bounds[n++] = ub[i];
                }
            }
        }

        order[..m].CopyTo(perm);
        bounds[..m].CopyTo(ub);
        return picked;
    }

    // ------------------------------------------------------------------ scratch

    internal sealed class Scratch
    {
        public readonly TipContext Context = new();
        public readonly int[] Pos = new int[TipContext.MaxClauses];
        public readonly int[] Perm = new int[TipContext.MaxClauses];
        public readonly int[][] Lists = new int[TipContext.MaxClauses][];
        public readonly byte[]?[] ListFreqs = new byte[TipContext.MaxClauses][];
        public readonly byte[]?[] ListNorms = new byte[TipContext.MaxClauses][];
        public readonly double[] ListTermScale = new double[TipContext.MaxClauses];
        public readonly double[] UpperBound = new double[TipContext.MaxClauses];
        public readonly double[] Prefix = new double[TipContext.MaxClauses];
        public readonly double[] ClauseScale = new double[TipContext.MaxClauses];
        public readonly int[] Require = new int[16];
        public bool[] AudienceVisible = new bool[8];
        public double[] HeapScore = new double[128];
        public int[] HeapDoc = new int[128];
        public int HeapSize;
        public int HeapCapacity;

        public int Limit;
        public int Visited;
        public int Passed;
        public int Accepted;
        public bool NoMatch;
        public double NowSeconds;
        public int[] DocItem = [];
        public byte[] Flags = [];
        public byte[] Kinds = [];
        public int[] Authors = [];
        public int[] Filter = [];
        public float[] Quality = [];
        public byte[] QualityBound = [];
        public int[] BlockCreated = [];
        public byte[] BlockQuality = [];
        public int[] BlockHelpful = [];
        public float[] BlockPopularity = [];
        public double WilsonZ;
        public ushort[] Lengths = [];
        public int[] Helpful = [];
        public int[] NotHelpful = [];
        public int[] Created = [];
        public int[] Forward = [];
        public int ForwardCount;
        public int[] ForwardStart = [];
        public byte[] SkillCount = [];
        public int Learner;
        public int[] Dismissed = [];
        public int[] SeenItems = [];
        public bool ExcludeSeen;
        public bool IncludeOwn;
        public int KindMask;
        public bool RequireSkills;
        public int RequireCount;

        public bool HeapFull => HeapSize == HeapCapacity;

        /// <summary>Documents per window of <see cref="Gather"/> and the prior walk: one index block.</summary>
        public const int Window = 1 << TenantIndex.BlockShift;

        // A window's per-document match sums (4 clause kinds each), matched clauses, and which documents matched;
        // every entry is back to 0 when a window has been read.
        public readonly double[] WindowSums = new double[Window * 4];
        public readonly uint[] WindowMasks = new uint[Window];
        public readonly ulong[] WindowBits = new ulong[Window / 64];

        /// <summary>Marks position <paramref name="position"/> (0 to <see cref="Window"/> − 1) of the window bitset.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Mark(int position) => WindowBits[position >> 6] |= 1UL << position;

        /// <summary>
        /// The next marked position of the window bitset in ascending order, clearing the bitset as it is read (start
        /// with <paramref name="word"/> −1 and <paramref name="marked"/> 0); false when none is left, the bitset then all 0.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public bool NextMarked(ref int word, ref ulong marked, out int position)
        {
            while (marked == 0)
            {
                if (++word >= WindowBits.Length)
                {
                    position = 0;
                    return false;
                }

                marked = WindowBits[word];
                WindowBits[word] = 0;
            }

            position = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(marked);
            marked &= marked - 1;
            return true;
        }

        public int[] BlockOrder = [];
        public double[] BlockBounds = [];

        public void EnsureBlocks(int blocks)
        {
            if (BlockOrder.Length < blocks)
            {
                BlockOrder = new int[Math.Max(blocks, BlockOrder.Length * 2)];
                BlockBounds = new double[BlockOrder.Length];
            }
        }

        public int DocAt(int clause, int posting)
        {
            var ctx = Context;
            if (posting >= ctx.ClauseLength[clause])
            {
                return int.MaxValue;
            }

            var doc = ctx.ClauseDocs[clause][posting];
            return doc < Limit ? doc : int.MaxValue;
        }

        /// <summary>Per length code, k1 · (1 − b + b · floor / avgdl), and the BM25 tf part of tf = 1 (with a hair of headroom), for this query.</summary>
        public readonly double[] LengthNorm = new double[256];

        public readonly double[] TfOne = new double[256];

        private (double Average, double K1, double B) _lengthNormsFor = (double.NaN, 0, 0);

        public void PrepareLengthNorms(double averageLength, double k1, double b)
        {
            if (_lengthNormsFor == (averageLength, k1, b))
            {
                return;
            }

            _lengthNormsFor = (averageLength, k1, b);
            for (var code = 0; code < 256; code++)
            {
                LengthNorm[code] = k1 * (1 - b + (b * PostingList.LengthFloor[code] / averageLength)) * (1 - 1e-12);
                TfOne[code] = Formulas.Bm25Tf(1, PostingList.LengthFloor[code], averageLength, k1, b) * (1 + 1e-9);
            }
        }

        /// <summary>The unweighted match score of clause <paramref name="c"/> for document <paramref name="doc"/> at <paramref name="posting"/>.</summary>
        public double Contribution(int c, int posting, int doc)
        {
            var ctx = Context;
            switch (ctx.ClauseKinds[c])
            {
                case TipClauseKind.Term:
                    var tf = ctx.ClauseFreqs[c]![posting];
                    return ctx.ClauseIdf[c] * Formulas.Bm25Tf(tf, Lengths[doc], ctx.AverageLength, ctx.K1, ctx.B);
                case TipClauseKind.SkillGap:
                    return ctx.ClauseIdf[c] * ctx.ClauseWeight[c];
                default:
                    return ctx.ClauseIdf[c];
            }
        }

        public void Recompute(int i)
        {
            var ctx = Context;
            var doc = ctx.Docs[i];
            Span<double> sums = stackalloc double[4];
            uint mask = 0;
            for (var c = 0; c < ctx.ClauseCount; c++)
            {
                var p = Array.BinarySearch(ctx.ClauseDocs[c], 0, ctx.ClauseLength[c], doc);
                if (p >= 0)
                {
                    sums[(int)ctx.ClauseKinds[c] - 1] += Contribution(c, p, doc);
                    mask |= 1u << c;
                }
            }

            ctx.Context[i] = (float)sums[0];
            ctx.Skill[i] = (float)sums[1];
            ctx.Text[i] = (float)sums[2];
            ctx.Gap[i] = (float)sums[3];
            ctx.Mask[i] = mask;
        }

        public bool Accept(int d)
        {
            var filter = Filter[d];
            if ((filter & TenantIndex.FlagVisible) != TenantIndex.FlagVisible)
            {
                return false;
            }

            if (KindMask != 0 && (KindMask & (1 << Kinds[d])) == 0)
            {
                return false;
            }

            var own = Authors[d] == Learner;
            if (own && !IncludeOwn)
            {
                return false;
            }

            var audience = filter >> 8;
            if (audience != 0 && !own && (audience >= AudienceVisible.Length || !AudienceVisible[audience]))
            {
                return false;
            }

            if (Dismissed.Length != 0 && Array.BinarySearch(Dismissed, DocItem[d]) >= 0)
            {
                return false;
            }

            if (ExcludeSeen && SeenItems.Length != 0 && Array.BinarySearch(SeenItems, DocItem[d]) >= 0)
            {
                return false;
            }

            if (RequireSkills)
            {
                var start = ForwardStart[d];
                var end = start + SkillCount[d];
                var any = false;
                for (var f = start; f < end && !any; f++)
                {
                    any = Require.AsSpan(0, RequireCount).Contains(Forward[f]);
                }

                if (!any)
                {
                    return false;
                }
            }

            return true;
        }

        public bool IsSeen(int d) => SeenItems.Length != 0 && Array.BinarySearch(SeenItems, DocItem[d]) >= 0;

        // Bounded min-heap: the root is the worst kept entry (lowest score, then highest document/candidate number).
        public void HeapReset(int k)
        {
            if (HeapScore.Length < k)
            {
                HeapScore = new double[k];
                HeapDoc = new int[k];
            }

            HeapSize = 0;
            HeapCapacity = k;
        }

        private static bool Worse(double s1, int d1, double s2, int d2) => s1 < s2 || (s1 == s2 && d1 > d2);

        /// <summary>Offers an entry; returns true when it was kept.</summary>
        public bool Offer(double score, int doc)
        {
            if (double.IsNaN(score))
            {
                score = double.NegativeInfinity;
            }

            if (HeapSize < HeapCapacity)
            {
                var i = HeapSize++;
                HeapScore[i] = score;
                HeapDoc[i] = doc;
                while (i > 0)
                {
                    var parent = (i - 1) >> 1;
                    if (!Worse(HeapScore[i], HeapDoc[i], HeapScore[parent], HeapDoc[parent]))
                    {
                        break;
                    }

                    Swap(i, parent);
                    i = parent;
                }

                return true;
            }

            if (HeapCapacity == 0 || !Worse(HeapScore[0], HeapDoc[0], score, doc))
            {
                return false;
            }

            HeapScore[0] = score;
            HeapDoc[0] = doc;
            SiftDown(0, HeapSize);
            return true;
        }

        /// <summary>Sorts the kept entries best first in place; returns their count.</summary>
        public int HeapSortDescending()
        {
            var n = HeapSize;
            for (var end = n - 1; end > 0; end--)
            {
                Swap(0, end);
                SiftDown(0, end);
            }

            return n;
        }

        private void SiftDown(int i, int size)
        {
            while (true)
            {
                var left = (2 * i) + 1;
                if (left >= size)
                {
                    return;
                }

                var worst = left;
                var right = left + 1;
                if (right < size && Worse(HeapScore[right], HeapDoc[right], HeapScore[left], HeapDoc[left]))
                {
                    worst = right;
                }

                if (!Worse(HeapScore[worst], HeapDoc[worst], HeapScore[i], HeapDoc[i]))
                {
                    return;
                }

                Swap(i, worst);
                i = worst;
            }
        }

        private void Swap(int a, int b)
        {
            (HeapScore[a], HeapScore[b]) = (HeapScore[b], HeapScore[a]);
            (HeapDoc[a], HeapDoc[b]) = (HeapDoc[b], HeapDoc[a]);
        }
    }
}
