using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using SocialLearning.Services;

namespace SocialLearning.Index;

/// <summary>
/// The in-memory recommendation index of one tenant: postings by context key, skill and term, feature
/// columns per document (struct of arrays), learners, per-skill evidence of people and the skill graph.
/// One writer at a time (the follower, under <see cref="WriteGate"/>); readers never take a lock.
/// </summary>
/// <remarks>
/// Documents are numbered in arrival order, so postings stay sorted by appending. An edit that changes the
/// text, skills or context keys retires the old document (its flag is cleared) and appends a new one, as
/// Lucene does; status, audience and counter changes are written in place. Term statistics (N, df, average
/// length) include retired documents, like Lucene between merges. With thread expansion a parent's text also
/// counts the terms of its published answers: an answer that arrives, changes or is unpublished re-indexes its
/// parent the same way (retire and append), so posting lists stay append-only and sorted, and each list's
/// maximum frequency and minimum length (the MaxScore bounds) only ever grow and shrink respectively.
/// </remarks>
internal sealed class TenantIndex
{
    public const byte FlagLive = 1;
    public const byte FlagPublished = 2;
    public const byte FlagVisible = FlagLive | FlagPublished;

    private readonly ConcurrentDictionary<string, int> _itemIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _learnerIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _audienceIds = new(StringComparer.Ordinal);
    private Audience[] _audiences = [Audience.Everyone];
    private SkillEdgeSnapshot _edges = SkillEdgeSnapshot.Empty;
    private long _totalLength;
    private long _helpfulSum;
    private long _voteSum;
    private long _generation;

    // Thread expansion (writer only): the terms of each published answer, and the answers of each parent.
    private readonly Dictionary<int, ThreadEntry> _threadEntries = [];
    private readonly Dictionary<int, List<int>> _threadChildren = [];
    private readonly Dictionary<int, ulong> _threadHash = [];

    public TenantIndex(TenantId tenant, double affinityHalfLifeSeconds, double wilsonZ = 1.96, bool threadExpansion = false, int titleWeight = 1)
    {
        Tenant = tenant;
        AffinityHalfLifeSeconds = affinityHalfLifeSeconds;
        WilsonZ = wilsonZ;
        ThreadExpansion = threadExpansion;
        TitleWeight = Math.Max(1, titleWeight);
    }

    /// <summary>Whether a parent's text postings also hold the terms of its published answers.</summary>
    public bool ThreadExpansion { get; }

    /// <summary>How many times title terms are counted in a document's text.</summary>
    public int TitleWeight { get; }

    /// <summary>The z of the precomputed <see cref="Quality"/> column.</summary>
    public double WilsonZ { get; }

    public TenantId Tenant { get; }

    /// <summary>The ranker view of the columns, created on first use.</summary>
    public Recommendations.TipColumns? Columns { get; set; }

    /// <summary>When the store head was last compared (timestamp from the time provider).</summary>
    public long LastHeadCheck { get; set; }

    /// <summary>Cached derived structures (ExpertiseRank, skill graph, transitions), rebuilt when stale.</summary>
    public DerivedCache Derived { get; } = new();

    public double AffinityHalfLifeSeconds { get; }

    /// <summary>Held by the one writer (load and catch-up).</summary>
    public SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <summary>Feed position applied so far.</summary>
    public long Position { get; set; }

    public bool Loaded { get; set; }

    /// <summary>Bumped on every write; caches (ExpertiseRank, transitions) compare it.</summary>
    public long Generation => Volatile.Read(ref _generation);

    // Vocabularies (postings).
    public Vocabulary ContextKeys { get; } = new(false);

    public Vocabulary Skills { get; } = new(false);

    public Vocabulary Terms { get; } = new(true);

    public GrowList<string?> SkillNames { get; } = new();

    // Items (stable across edits) and learners.
    public GrowList<string> ItemIds { get; } = new();

    public GrowList<int> ItemDoc { get; } = new();

    public GrowList<string> LearnerIds { get; } = new();

    public GrowList<LearnerState> Learners { get; } = new();

    // Document columns.
    public GrowList<int> DocItem { get; } = new();

    public GrowList<int> DocAuthor { get; } = new();

    public GrowList<int> DocParent { get; } = new();

    public GrowList<int> DocCreated { get; } = new();

    public GrowList<ulong> DocHash { get; } = new();

    public GrowList<byte> DocKind { get; } = new();

    public GrowList<byte> DocFlags { get; } = new();

    /// <summary>Flags (bits 0–7) and audience number (bits 8–31) in one word: the filter reads one column (and the audience is kept only here).</summary>
    public GrowList<int> DocFilter { get; } = new();

    /// <summary>Wilson lower bound of the helpful share at <see cref="WilsonZ"/>, kept in step with the counters.</summary>
    public GrowList<float> Quality { get; } = new();

    public GrowList<ushort> DocLength { get; } = new();

    /// <summary>
    /// Per document, what expert finding's text pass needs in one word (one cache miss per matching posting instead of
    /// four): the author (bits 0–31), the length (bits 32–47) and <see cref="PeerTextCounts"/> (bit 48: visible and not
    /// a question, so its text is evidence of its author's expertise).
    /// </summary>
    public GrowList<ulong> DocPeerText { get; } = new();

    public const ulong PeerTextCounts = 1UL << 48;

    private static ulong PeerTextWord(int author, int length, byte flags, byte kind) =>
        (uint)author | ((ulong)(ushort)length << 32)
        | ((flags & FlagVisible) == FlagVisible && kind != (byte)ContributionKind.Question ? PeerTextCounts : 0);

    /// <summary>Documents per block of <see cref="BlockCreated"/> (a power of two: <c>doc &gt;&gt; BlockShift</c>).</summary>
    public const int BlockShift = 10;

    /// <summary>
    /// Per document, an upper bound of <see cref="Quality"/> in 1/255 steps (⌈q · 255⌉): one byte, so the column a
    /// query reads for every document it visits is a quarter of the size of <see cref="Quality"/> and mostly stays in
    /// cache. Never below the document's quality: it is raised before the quality and lowered after it.
    /// </summary>
    public GrowList<byte> QualityBound { get; } = new();

    /// <summary>Per block of 2^<see cref="BlockShift"/> documents, the newest creation time in it (an upper bound of freshness).</summary>
    public GrowList<int> BlockCreated { get; } = new();

    /// <summary>Per block of 2^<see cref="BlockShift"/> documents, the highest <see cref="QualityBound"/> it ever held (never lowered, so always an upper bound).</summary>
    public GrowList<byte> BlockQuality { get; } = new();

    /// <summary>Per block of 2^<see cref="BlockShift"/> documents, the most helpful votes any of its documents ever held (never lowered, so an upper bound of helpful − not helpful).</summary>
    public GrowList<int> BlockHelpful { get; } = new();

    /// <summary>Per block of 2^<see cref="BlockShift"/> documents, the highest popularity score (rounded up) any of its documents ever had (never lowered).</summary>
    public GrowList<float> BlockPopularity { get; } = new();

    public GrowList<string> DocTitle { get; } = new();

    public GrowList<int> Helpful { get; } = new();

    public GrowList<int> NotHelpful { get; } = new();

    public GrowList<int> Views { get; } = new();

    public GrowList<int> Saves { get; } = new();

    public GrowList<int> Shares { get; } = new();

    public GrowList<int> Accepts { get; } = new();

    public GrowList<int> Endorsements { get; } = new();

    /// <summary>Forward index: skills then context keys of each document, from <see cref="DocForwardStart"/>.</summary>
    public GrowList<int> DocForwardStart { get; } = new();

    public GrowList<byte> DocSkillCount { get; } = new();

    public GrowList<byte> DocKeyCount { get; } = new();

    public GrowList<int> Forward { get; } = new();

    // Expert finding.
    public GrowList<PeerSkillStats?> PeerStats { get; } = new();

    public int DocumentCount => DocItem.Count;

    public double AverageLength
    {
        get
        {
            var n = DocItem.Count;
            return n == 0 ? 1.0 : Math.Max(1.0, (double)Volatile.Read(ref _totalLength) / n);
        }
    }

    public double MeanHelpfulShare
    {
        get
        {
            var votes = Volatile.Read(ref _voteSum);
            return votes <= 0 ? 0.5 : (double)Volatile.Read(ref _helpfulSum) / votes;
        }
    }

    public Audience[] Audiences => Volatile.Read(ref _audiences);

    public SkillEdgeSnapshot Edges => Volatile.Read(ref _edges);

    public int FindItem(string id) => _itemIds.TryGetValue(id, out var item) ? item : -1;

    public int FindLearner(string id) => _learnerIds.TryGetValue(id, out var learner) ? learner : -1;

    public LearnerState LearnerAt(int learner) => learner < 0 ? LearnerState.Unknown : Learners[learner];

    public ReadOnlySpan<int> SkillsOf(int doc)
    {
        var start = DocForwardStart[doc];
        return Forward.Array.AsSpan(start, DocSkillCount[doc]);
    }

    public ReadOnlySpan<int> KeysOf(int doc)
    {
        var start = DocForwardStart[doc] + DocSkillCount[doc];
        return Forward.Array.AsSpan(start, DocKeyCount[doc]);
    }

    // ---------------------------------------------------------------- writer

    public int ItemOrdinal(string id)
    {
        if (_itemIds.TryGetValue(id, out var item))
        {
            return item;
        }

        ItemDoc.Add(-1);
        item = ItemIds.Add(id);
        _itemIds[id] = item;
        return item;
    }

    public int LearnerOrdinal(string id)
    {
        if (_learnerIds.TryGetValue(id, out var learner))
        {
            return learner;
        }

        Learners.Add(LearnerState.Unknown);
        learner = LearnerIds.Add(id);
        _learnerIds[id] = learner;
        return learner;
    }

    public int SkillOrdinal(string id)
    {
        var skill = Skills.GetOrAdd(id);
        while (SkillNames.Count <= skill)
        {
            SkillNames.Add(null);
            PeerStats.Add(null);
        }

        return skill;
    }

    public void UpsertSkill(Skill skill)
    {
        var ordinal = SkillOrdinal(skill.Id.Value);
        SkillNames[ordinal] = skill.Name;
        Touch();
    }

    public void SetEdges(IReadOnlyList<SkillEdge> edges)
    {
        var from = new int[edges.Count];
        var to = new int[edges.Count];
        var kinds = new SkillEdgeKind[edges.Count];
        var weights = new float[edges.Count];
        for (var i = 0; i < edges.Count; i++)
        {
            from[i] = SkillOrdinal(edges[i].From.Value);
            to[i] = SkillOrdinal(edges[i].To.Value);
            kinds[i] = edges[i].Kind;
            weights[i] = (float)edges[i].Weight;
        }

        Volatile.Write(ref _edges, new SkillEdgeSnapshot(from, to, kinds, weights));
        Touch();
    }

    public void UpsertLearner(Learner learner)
    {
        var ordinal = LearnerOrdinal(learner.Id.Value);
        var current = Learners[ordinal];
        Learners[ordinal] = new LearnerState
        {
            Exists = true,
            DisplayName = learner.DisplayName,
            Team = learner.Team,
            Roles = learner.Roles.ToArray(),
            Dismissed = current.Dismissed,
            Seen = current.Seen,
            LevelSkills = current.LevelSkills,
            Levels = current.Levels,
            Timeline = current.Timeline,
            Evidence = current.Evidence,
        };
        Touch();
    }

    /// <summary>Replaces a learner's evidence (re-read from the store, so applying it twice is harmless).</summary>
    public void SetEvidence(LearnerId learnerId, IReadOnlyList<ProficiencyEvidence> evidence, DateTimeOffset now, TimeSpan proficiencyHalfLife)
    {
        var ordinal = LearnerOrdinal(learnerId.Value);
        var current = Learners[ordinal];
        var profile = Proficiency.Compute(evidence, now, proficiencyHalfLife);
        var pairs = new List<(int Skill, float Level)>(profile.Count);
        foreach (var p in profile)
        {
            pairs.Add((SkillOrdinal(p.Skill.Value), (float)p.Level));
        }

        pairs.Sort((a, b) => a.Skill.CompareTo(b.Skill));
        var timeline = evidence
            .OrderBy(e => e.ObservedAt)
            .Select(e => SkillOrdinal(e.Skill.Value))
            .Distinct()
            .ToArray();

        // Peer slots: stated proficiency per skill (0 for skills whose evidence disappeared is impossible: evidence is append-only).
        foreach (var (skill, level) in pairs)
        {
            var stats = Stats(skill);
            var slot = stats.Slot(ordinal);
            stats.Level[slot] = level;
            stats.RaiseBounds(slot);
        }

        Learners[ordinal] = new LearnerState
        {
            Exists = current.Exists,
            DisplayName = current.DisplayName,
            Team = current.Team,
            Roles = current.Roles,
            Dismissed = current.Dismissed,
            Seen = current.Seen,
            LevelSkills = pairs.Select(p => p.Skill).ToArray(),
            Levels = pairs.Select(p => p.Level).ToArray(),
            Timeline = timeline,
            Evidence = evidence,
        };
        Touch();
    }

    /// <summary>Sets dismissals and views in bulk (initial load).</summary>
    public void SetFacts(LearnerId learnerId, int[] dismissed, int[] seen)
    {
        var learner = LearnerOrdinal(learnerId.Value);
        Array.Sort(dismissed);
        Array.Sort(seen);
        Learners[learner] = Copy(Learners[learner], dismissed.Distinct().ToArray(), seen.Distinct().ToArray());
        Touch();
    }

    /// <summary>Records a dismissal or a view (set semantics, so applying it twice is harmless).</summary>
    public void AddFact(LearnerId learnerId, ContributionId contributionId, InteractionKind kind)
    {
        if (kind is not (InteractionKind.Dismissed or InteractionKind.Viewed))
        {
            return;
        }

        var learner = LearnerOrdinal(learnerId.Value);
        var item = ItemOrdinal(contributionId.Value);
        var current = Learners[learner];
        Learners[learner] = kind == InteractionKind.Dismissed
            ? Copy(current, dismissed: LearnerState.With(current.Dismissed, item))
            : Copy(current, seen: LearnerState.With(current.Seen, item));
        Touch();
    }

    private static LearnerState Copy(LearnerState s, int[]? dismissed = null, int[]? seen = null) => new()
    {
        Exists = s.Exists,
        DisplayName = s.DisplayName,
        Team = s.Team,
        Roles = s.Roles,
        Dismissed = dismissed ?? s.Dismissed,
        Seen = seen ?? s.Seen,
        LevelSkills = s.LevelSkills,
        Levels = s.Levels,
        Timeline = s.Timeline,
        Evidence = s.Evidence,
    };

    private void SetFeatured(int item, DateTimeOffset? until)
    {
        // Called on every upsert, the start-up load included: nothing featured and nothing to feature costs one check.
        var current = _featured;
        if (current.Length == 0 && until is null)
        {
            return;
        }

        var at = -1;
        for (var i = 0; i < current.Length && at < 0; i++)
        {
            at = current[i].Item == item ? i : -1;
        }

        var ticks = until?.UtcTicks ?? 0;
        if ((at < 0 && until is null) || (at >= 0 && current[at].UntilTicks == ticks))
        {
            return;
        }

        var next = new List<FeaturedItem>(current);
        if (at >= 0)
        {
            next.RemoveAt(at);
        }

        if (until is not null)
        {
            next.Add(new FeaturedItem(item, ticks));
        }

        Volatile.Write(ref _featured, [.. next]);
    }

    /// <summary>
    /// With <see cref="ThreadExpansion"/>, records a published answer's terms for its parent's thread (or drops them
    /// when it is no longer published) before the answer itself is upserted. Adds to <paramref name="changedParents"/>
    /// the ids of parents whose thread text changed: upserting them again re-indexes their text. Idempotent.
    /// </summary>
    public void UpdateThread(Contribution c, ICollection<string> changedParents)
    {
        if (!ThreadExpansion)
        {
            return;
        }

        var item = ItemOrdinal(c.Id.Value);
        var include = c.Kind == ContributionKind.Answer && c.ParentId is not null && c.Status == ContributionStatus.Published;
        var hash = include ? ContentHash(c) : 0UL;
        _threadEntries.TryGetValue(item, out var old);
        if (old.Hash == hash)
        {
            return;
        }

        if (old.Terms is not null)
        {
            _threadChildren[old.Parent].Remove(item);
            _threadHash[old.Parent] ^= old.Hash;
            _threadEntries.Remove(item);
            changedParents.Add(ItemIds[old.Parent]);
        }

        if (include)
        {
            var parent = ItemOrdinal(c.ParentId!.Value.Value);
            var terms = TextAnalyzer.Frequencies(c.Title, c.Body, out var length);
            _threadEntries[item] = new ThreadEntry(parent, hash, terms, length);
            if (!_threadChildren.TryGetValue(parent, out var children))
            {
                _threadChildren[parent] = children = [];
            }

            children.Add(item);
            _threadHash[parent] = _threadHash.GetValueOrDefault(parent) ^ hash;
            changedParents.Add(c.ParentId.Value.Value);
        }
    }

    /// <summary>
    /// Items the learning team features, with the end of each feature in UTC ticks (few: copied on every change, so a
    /// reader holds a consistent array without a lock). Featured items are shown first for their context keys.
    /// </summary>
    public FeaturedItem[] Featured => Volatile.Read(ref _featured);

    private FeaturedItem[] _featured = [];

    /// <summary>Adds or updates a contribution with its counters. Idempotent.</summary>
    public void Upsert(Contribution c, ContributionCounters counters)
    {
        var item = ItemOrdinal(c.Id.Value);
        SetFeatured(item, c.FeaturedUntil);
        var doc = ItemDoc[item];
        var hash = ContentHash(c) ^ _threadHash.GetValueOrDefault(item);
        if (doc >= 0 && DocHash[doc] == hash && DocKind[doc] == (byte)c.Kind)
        {
            // Same content: status, audience and counters change in place.
            PeerApply(doc, -1);
            DocFlags[doc] = (byte)(FlagLive | (c.Status == ContributionStatus.Published ? FlagPublished : 0));
            DocFilter[doc] = DocFlags[doc] | (AudienceId(c.Audience) << 8);
            DocPeerText[doc] = PeerTextWord(DocAuthor[doc], DocLength[doc], DocFlags[doc], DocKind[doc]);
            DocTitle[doc] = c.Title;
            WriteCounters(doc, counters);
            PeerApply(doc, +1);
            Touch();
            return;
        }

        if (doc >= 0)
        {
            PeerApply(doc, -1);
            DocFlags[doc] = 0;
            DocFilter[doc] = 0;
            DocPeerText[doc] &= ~PeerTextCounts;
        }

        doc = Append(c, item, hash);
        WriteCounters(doc, counters);
        PeerApply(doc, +1);
        ItemDoc[item] = doc;
        Touch();
    }

    public void SetCounters(ContributionId id, ContributionCounters counters)
    {
        var item = FindItem(id.Value);
        if (item < 0 || ItemDoc[item] < 0)
        {
            return;
        }

        var doc = ItemDoc[item];
        PeerApply(doc, -1);
        WriteCounters(doc, counters);
        PeerApply(doc, +1);
        Touch();
    }

    private int Append(Contribution c, int item, ulong hash)
    {
        var frequencies = TextAnalyzer.Frequencies(c.Title, c.Body, out var length);
        if (TitleWeight > 1)
        {
            var title = TextAnalyzer.Frequencies(c.Title, string.Empty, out var titleLength);
            foreach (var (term, tf) in title)
            {
                frequencies[term] += (TitleWeight - 1) * tf;
            }

            length += (TitleWeight - 1) * titleLength;
        }

        if (_threadChildren.TryGetValue(item, out var children))
        {
            // Thread expansion: the parent's text covers its published answers (in arrival order of the answers).
            foreach (var child in children)
            {
                var entry = _threadEntries[child];
                foreach (var (term, tf) in entry.Terms!)
                {
                    frequencies[term] = frequencies.GetValueOrDefault(term) + tf;
                }

                length += entry.Length;
            }
        }

        length = Math.Clamp(length, 1, ushort.MaxValue);
        var doc = DocItem.Count;

        // Forward data and postings first; the document becomes visible when DocItem publishes its number.
        var start = Forward.Count;
        var skillCount = 0;
        foreach (var skill in c.Skills.Select(s => s.Value).Distinct(StringComparer.Ordinal).Take(255))
        {
            var s = SkillOrdinal(skill);
            Forward.Add(s);
            Skills.List(s).Add(doc, 1, length);
            skillCount++;
        }

        var keyCount = 0;
        foreach (var key in c.ContextKeys.Select(k => k.Value).Distinct(StringComparer.Ordinal).Take(255))
        {
            var k = ContextKeys.GetOrAdd(key);
            Forward.Add(k);
            ContextKeys.List(k).Add(doc, 1, length);
            keyCount++;
        }

        foreach (var (term, tf) in frequencies)
        {
            Terms.List(Terms.GetOrAdd(term)).Add(doc, tf, length);
        }

        DocForwardStart.Add(start);
        DocSkillCount.Add((byte)skillCount);
        DocKeyCount.Add((byte)keyCount);
        DocAuthor.Add(LearnerOrdinal(c.Author.Value));
        DocParent.Add(c.ParentId is { } parent ? ItemOrdinal(parent.Value) : -1);
        DocCreated.Add(Seconds(c.CreatedAt));
        DocHash.Add(hash);
        DocKind.Add((byte)c.Kind);
        DocFlags.Add((byte)(FlagLive | (c.Status == ContributionStatus.Published ? FlagPublished : 0)));
        DocFilter.Add(DocFlags[doc] | (AudienceId(c.Audience) << 8));
        Quality.Add(0);
        QualityBound.Add(0);
        var created = DocCreated[doc];
        if ((doc & ((1 << BlockShift) - 1)) == 0)
        {
            BlockCreated.Add(created);
            BlockQuality.Add(0);
            BlockHelpful.Add(0);
            BlockPopularity.Add(0);
        }
        else if (created > BlockCreated[doc >> BlockShift])
        {
            BlockCreated[doc >> BlockShift] = created;
        }

        DocLength.Add((ushort)length);
        DocPeerText.Add(PeerTextWord(DocAuthor[doc], length, DocFlags[doc], DocKind[doc]));
        DocTitle.Add(c.Title);
        Helpful.Add(0);
        NotHelpful.Add(0);
        Views.Add(0);
        Saves.Add(0);
        Shares.Add(0);
        Accepts.Add(0);
        Endorsements.Add(0);
        Interlocked.Add(ref _totalLength, length);
        DocItem.Add(item);
        return doc;
    }

    private void WriteCounters(int doc, ContributionCounters c)
    {
        var (helpful, notHelpful, views, saves, shares, accepts, endorsements) =
            (Clamp(c.Helpful), Clamp(c.NotHelpful), Clamp(c.Views), Clamp(c.Saves), Clamp(c.Shares), Clamp(c.Accepts), Clamp(c.Endorsements));

        // Block bounds are raised first, so a reader that sees the new counts never sees a block bound below them.
        var block = doc >> BlockShift;
        if (helpful > BlockHelpful[block])
        {
            BlockHelpful[block] = helpful;
        }

        var popularity = MathF.BitIncrement((float)Ranking.Formulas.Popularity(helpful, notHelpful, saves, shares, endorsements, accepts, views));
        if (popularity > BlockPopularity[block])
        {
            BlockPopularity[block] = popularity;
        }

        var quality = (float)Ranking.Formulas.Wilson(helpful, helpful + notHelpful, WilsonZ);
        var bound = QualityBoundOf(quality);
        if (bound > BlockQuality[block])
        {
            BlockQuality[block] = bound;
        }

        Helpful[doc] = helpful;
        NotHelpful[doc] = notHelpful;
        Views[doc] = views;
        Saves[doc] = saves;
        Shares[doc] = shares;
        Accepts[doc] = accepts;
        Endorsements[doc] = endorsements;
        if (bound >= QualityBound[doc])
        {
            // Raise the bound first, so a reader that sees the new quality never sees a bound below it.
            QualityBound[doc] = bound;
            Volatile.Write(ref Quality.Array[doc], quality);
        }
        else
        {
            Quality[doc] = quality;
            Volatile.Write(ref QualityBound.Array[doc], bound);
        }
    }

    /// <summary>⌈q · 255⌉ (clamped to 0–255): q ≤ bound / 255 for every quality q in [0, 1].</summary>
    internal static byte QualityBoundOf(float quality) =>
        (byte)Math.Clamp(Math.Ceiling(((double)quality * 255) + 1e-9), 0, 255);

    /// <summary>Adds (sign +1) or removes (−1) a visible document's evidence to its author's per-skill stats.</summary>
    private void PeerApply(int doc, int sign)
    {
        if ((DocFlags[doc] & FlagVisible) != FlagVisible)
        {
            return;
        }

        if (sign < 0)
        {
            // Keep the tenant vote sums in step with documents leaving the visible set.
            Interlocked.Add(ref _helpfulSum, -Helpful[doc]);
            Interlocked.Add(ref _voteSum, -(Helpful[doc] + NotHelpful[doc]));
        }
        else
        {
            Interlocked.Add(ref _helpfulSum, Helpful[doc]);
            Interlocked.Add(ref _voteSum, Helpful[doc] + NotHelpful[doc]);
        }

        var kind = (ContributionKind)DocKind[doc];
        var author = DocAuthor[doc];
        var accepted = Accepts[doc] > 0 ? 1 : 0;
        var weight = (kind == ContributionKind.Question ? 0 : 1) + (2 * accepted) + Helpful[doc] + Endorsements[doc];
        var forward = weight * Math.Pow(2, DocCreated[doc] / AffinityHalfLifeSeconds);
        foreach (var skill in SkillsOf(doc))
        {
            var stats = Stats(skill);
            var slot = stats.Slot(author);
            switch (kind)
            {
                case ContributionKind.Answer:
                    stats.Answers[slot] += sign;
                    stats.Accepted[slot] += sign * accepted;
                    break;
                case ContributionKind.Question:
                    stats.Questions[slot] += sign;
                    break;
                default:
                    stats.Shared[slot] += sign;
                    break;
            }

            stats.Helpful[slot] += sign * Helpful[doc];
            stats.Endorsements[slot] += sign * Endorsements[doc];
            stats.Affinity[slot] += sign * forward;
            stats.RaiseBounds(slot);
        }
    }

    private PeerSkillStats Stats(int skill)
    {
        var stats = PeerStats[skill];
        if (stats is null)
        {
            stats = new PeerSkillStats();
            PeerStats[skill] = stats;
        }

        return stats;
    }

    private void Touch() => Interlocked.Increment(ref _generation);

    private int AudienceId(Audience audience)
    {
        if (audience.IsEveryone)
        {
            return 0;
        }

        var key = string.Join('\u0001', audience.Teams) + "\u0002" + string.Join('\u0001', audience.Roles);
        if (_audienceIds.TryGetValue(key, out var id))
        {
            return id;
        }

        var current = _audiences;
        var grown = new Audience[current.Length + 1];
        Array.Copy(current, grown, current.Length);
        grown[current.Length] = audience;
        Volatile.Write(ref _audiences, grown);
        _audienceIds[key] = current.Length;
        return current.Length;
    }

    public static int Seconds(DateTimeOffset at)
    {
        var seconds = (at - TipFeatureColumns.Epoch).TotalSeconds;
        return (int)Math.Clamp(seconds, int.MinValue, int.MaxValue);
    }

    private static int Clamp(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    private static ulong ContentHash(Contribution c)
    {
        var hash = new XxHash3();
        Add(hash, c.Title);
        Add(hash, c.Body);
        foreach (var s in c.Skills)
        {
            Add(hash, s.Value);
        }

        hash.Append([0xFF]);
        foreach (var k in c.ContextKeys)
        {
            Add(hash, k.Value);
        }

        Add(hash, c.ParentId?.Value ?? string.Empty);
        Add(hash, c.Author.Value);
        return hash.GetCurrentHashAsUInt64();

        static void Add(XxHash3 h, string s)
        {
            h.Append(MemoryMarshal.AsBytes(s.AsSpan()));
            h.Append([0]);
        }
    }

    /// <summary>Bytes held by postings and columns (not ids, titles or dictionaries).</summary>
    public long IndexBytes()
    {
        long total = ContextKeys.Bytes + Skills.Bytes + Terms.Bytes;
        total += DocItem.CapacityBytes(4) + DocAuthor.CapacityBytes(4) + DocParent.CapacityBytes(4) + DocCreated.CapacityBytes(4)
            + DocHash.CapacityBytes(8) + DocKind.CapacityBytes(1)
            + DocFlags.CapacityBytes(1) + DocFilter.CapacityBytes(4) + Quality.CapacityBytes(4) + QualityBound.CapacityBytes(1) + BlockCreated.CapacityBytes(4) + BlockQuality.CapacityBytes(1) + BlockHelpful.CapacityBytes(4) + BlockPopularity.CapacityBytes(4) + DocLength.CapacityBytes(2) + DocPeerText.CapacityBytes(8) + Helpful.CapacityBytes(4) + NotHelpful.CapacityBytes(4)
            + Views.CapacityBytes(4) + Saves.CapacityBytes(4) + Shares.CapacityBytes(4) + Accepts.CapacityBytes(4)
            + Endorsements.CapacityBytes(4) + DocForwardStart.CapacityBytes(4) + DocSkillCount.CapacityBytes(1)
            + DocKeyCount.CapacityBytes(1) + Forward.CapacityBytes(4) + ItemDoc.CapacityBytes(4) + DocTitle.CapacityBytes(8)
            + ItemIds.CapacityBytes(8);
        return total;
    }

    /// <summary>Bytes of the strings the index keeps for results: ids and titles (bodies are never kept).</summary>
    public long StringBytes()
    {
        long total = 0;
        foreach (var id in ItemIds.Span)
        {
            total += 22 + (2L * id.Length);
        }

        foreach (var title in DocTitle.Span)
        {
            total += 22 + (2L * title.Length);
        }

        return total + (ItemIds.Count * 48L) + Terms.DictionaryBytes + ContextKeys.DictionaryBytes + Skills.DictionaryBytes;
    }

    /// <summary>Writer only: trims spare capacity after a bulk load.</summary>
    public void TrimExcess()
    {
        foreach (var list in new object[]
        {
            DocItem, DocAuthor, DocParent, DocCreated, DocHash, DocKind, DocFlags, DocLength, DocPeerText, DocTitle,
            DocFilter, Quality, QualityBound, BlockCreated, BlockQuality, BlockHelpful, BlockPopularity, Helpful, NotHelpful, Views, Saves, Shares, Accepts, Endorsements, DocForwardStart, DocSkillCount, DocKeyCount, Forward,
        })
        {
            switch (list)
            {
                case GrowList<int> l: l.TrimExcess(); break;
                case GrowList<long> l: l.TrimExcess(); break;
                case GrowList<ulong> l: l.TrimExcess(); break;
                case GrowList<byte> l: l.TrimExcess(); break;
                case GrowList<ushort> l: l.TrimExcess(); break;
                case GrowList<float> l: l.TrimExcess(); break;
                case GrowList<string> l: l.TrimExcess(); break;
            }
        }

        foreach (var v in new[] { ContextKeys, Skills, Terms })
        {
            for (var i = 0; i < v.Count; i++)
            {
                v.List(i).Docs.TrimExcess();
                v.List(i).Frequencies?.TrimExcess();
                v.List(i).Norms?.TrimExcess();
            }
        }
    }
}

/// <summary>An answer's terms as counted in its parent's thread (writer only).</summary>
internal readonly record struct ThreadEntry(int Parent, ulong Hash, Dictionary<string, int>? Terms, int Length);

/// <summary>An immutable copy of the skill edges, by skill number.</summary>
internal sealed class SkillEdgeSnapshot(int[] from, int[] to, SkillEdgeKind[] kinds, float[] weights)
{
    public static readonly SkillEdgeSnapshot Empty = new([], [], [], []);

    public int[] From { get; } = from;

    public int[] To { get; } = to;

    public SkillEdgeKind[] Kinds { get; } = kinds;

    public float[] Weights { get; } = weights;

    public int Count => From.Length;
}

/// <summary>A featured item (ordinal) and when its feature ends (UTC ticks).</summary>
internal readonly record struct FeaturedItem(int Item, long UntilTicks);
