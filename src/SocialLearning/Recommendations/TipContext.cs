using SocialLearning.Index;

namespace SocialLearning.Recommendations;

/// <summary>Feature columns of one tenant index, exposed to rankers.</summary>
internal sealed class TipColumns(TenantIndex index) : TipFeatureColumns
{
    public TenantIndex Index { get; } = index;

    public override ReadOnlySpan<int> Helpful => Index.Helpful.Span;

    public override ReadOnlySpan<int> NotHelpful => Index.NotHelpful.Span;

    public override ReadOnlySpan<int> Views => Index.Views.Span;

    public override ReadOnlySpan<int> Saves => Index.Saves.Span;

    public override ReadOnlySpan<int> Shares => Index.Shares.Span;

    public override ReadOnlySpan<int> Accepts => Index.Accepts.Span;

    public override ReadOnlySpan<int> Endorsements => Index.Endorsements.Span;

    public override ReadOnlySpan<int> CreatedAtSeconds => Index.DocCreated.Span;

    public override ReadOnlySpan<byte> Kinds => Index.DocKind.Span;

    public override ReadOnlySpan<ushort> Lengths => Index.DocLength.Span;

    public override double MeanHelpfulShare => Index.MeanHelpfulShare;

    public override ContributionId GetId(int document) => new(Index.ItemIds[Index.DocItem[document]]);

    public override string GetTitle(int document) => Index.DocTitle[document];

    public override LearnerId GetAuthor(int document) => new(Index.LearnerIds[Index.DocAuthor[document]]);

    public override IReadOnlyList<SkillId> GetSkills(int document)
    {
        var skills = Index.SkillsOf(document);
        var result = new SkillId[skills.Length];
        for (var i = 0; i < skills.Length; i++)
        {
            result[i] = new SkillId(Index.Skills.Label(skills[i]));
        }

        return result;
    }
}

/// <summary>
/// Per-thread scratch of one tip query: the clauses, the filter and the candidates with their match scores
/// (struct of arrays). Reused across queries so a query allocates nothing but its result.
/// </summary>
internal sealed class TipContext : TipRankingContext
{
    public const int MaxClauses = 32;

    // Clauses.
    public int ClauseCount;
    public readonly TipClauseKind[] ClauseKinds = new TipClauseKind[MaxClauses];
    public readonly int[] ClauseIds = new int[MaxClauses];
    public readonly double[] ClauseIdf = new double[MaxClauses];
    public readonly int[] ClauseDf = new int[MaxClauses];
    public readonly double[] ClauseWeight = new double[MaxClauses];
    public readonly int[][] ClauseDocs = new int[MaxClauses][];
    public readonly byte[]?[] ClauseFreqs = new byte[MaxClauses][];
    public readonly byte[]?[] ClauseNorms = new byte[MaxClauses][];
    public readonly int[] ClauseLength = new int[MaxClauses];
    public readonly int[] ClauseMaxTf = new int[MaxClauses];
    public readonly int[] ClauseMinLen = new int[MaxClauses];

    // Candidates.
    public int Count;
    public int[] Docs = new int[256];
    public float[] Context = new float[256];
    public float[] Skill = new float[256];
    public float[] Text = new float[256];
    public float[] Gap = new float[256];
    public uint[] Mask = new uint[256];
    public byte[] SeenFlags = new byte[256];
    public double[] Scores = new double[256];

    public TenantIndex Index = null!;
    public TipColumns Columns = null!;
    public TipRequest CurrentRequest = null!;
    public DateTimeOffset CurrentNow;
    public int DocumentLimit;
    public double AverageLength;
    public double K1;
    public double B;
    private List<TipQueryClause>? _clauses;

    public override TipRequest Request => CurrentRequest;

    public override DateTimeOffset Now => CurrentNow;

    public override TipFeatureColumns Features => Columns;

    public override IReadOnlyList<TipQueryClause> Clauses
    {
        get
        {
            if (_clauses is null)
            {
                var list = new List<TipQueryClause>(ClauseCount);
                for (var c = 0; c < ClauseCount; c++)
                {
                    list.Add(new TipQueryClause
                    {
                        Kind = ClauseKinds[c],
                        Label = Label(c),
                        Idf = ClauseIdf[c],
                        DocumentFrequency = ClauseDf[c],
                        Weight = ClauseWeight[c],
                    });
                }

                _clauses = list;
            }

            return _clauses;
        }
    }

    public override ReadOnlySpan<int> Candidates => Docs.AsSpan(0, Count);

    public override ReadOnlySpan<float> ContextScores => Context.AsSpan(0, Count);

    public override ReadOnlySpan<float> SkillScores => Skill.AsSpan(0, Count);

    public override ReadOnlySpan<float> TextScores => Text.AsSpan(0, Count);

    public override ReadOnlySpan<float> GapScores => Gap.AsSpan(0, Count);

    public override ReadOnlySpan<uint> MatchedClauses => Mask.AsSpan(0, Count);

    public override ReadOnlySpan<byte> Seen => SeenFlags.AsSpan(0, Count);

    public string Label(int clause) => ClauseKinds[clause] switch
    {
        TipClauseKind.ContextKey => Index.ContextKeys.Label(ClauseIds[clause]),
        TipClauseKind.Term => Index.Terms.Label(ClauseIds[clause]),
        _ => Index.Skills.Label(ClauseIds[clause]),
    };

    /// <summary>Clears the clause list and starts a new query: memos of the previous one stop being valid.</summary>
    public void ResetClauses()
    {
        _clauses = null;
        _query++;
    }

    /// <summary>
    /// Buffers a built-in ranker keeps from <c>Score</c> to <c>Explain</c> within one query (RRF's component tops),
    /// so that neither allocates and explaining a result does not score every candidate again. One owner at a time.
    /// </summary>
    public RankerMemo Memo(object owner, int ints)
    {
        var memo = _memo;
        memo.Owner = owner;
        memo.Query = _query;
        if (memo.Ints.Length < ints)
        {
            memo.Ints = new int[Math.Max(ints, memo.Ints.Length * 2)];
        }

        return memo;
    }

    /// <summary>The integers <paramref name="owner"/> kept during this query, or null when it kept none (or another ranker has since).</summary>
    public int[]? MemoOf(object owner, int ints) =>
        ReferenceEquals(_memo.Owner, owner) && _memo.Query == _query && _memo.Ints.Length >= ints ? _memo.Ints : null;

    private readonly RankerMemo _memo = new();
    private int _query;

    internal sealed class RankerMemo
    {
        private double[] _scores = [];

        public object? Owner;
        public int Query = -1;
        public int[] Ints = [];

        /// <summary>A score buffer of at least <paramref name="n"/> entries.</summary>
        public double[] Scores(int n) => _scores.Length >= n ? _scores : _scores = new double[Math.Max(n, _scores.Length * 2)];
    }

    public void EnsureCapacity(int n)
    {
        if (Docs.Length >= n)
        {
            return;
        }

        var size = Math.Max(n, Docs.Length * 2);
        Docs = new int[size];
        Context = new float[size];
        Skill = new float[size];
        Text = new float[size];
        Gap = new float[size];
        Mask = new uint[size];
        SeenFlags = new byte[size];
        Scores = new double[size];
    }

    /// <summary>Appends a candidate with zero scores; returns its index.</summary>
    public int AddCandidate(int doc, byte seen)
    {
        var i = Count;
        if (i == Docs.Length)
        {
            Grow();
        }

        Docs[i] = doc;
        Context[i] = 0;
        Skill[i] = 0;
        Text[i] = 0;
        Gap[i] = 0;
        Mask[i] = 0;
        SeenFlags[i] = seen;
        Count = i + 1;
        return i;
    }

    private void Grow()
    {
        var size = Docs.Length * 2;
        Array.Resize(ref Docs, size);
        Array.Resize(ref Context, size);
        Array.Resize(ref Skill, size);
        Array.Resize(ref Text, size);
        Array.Resize(ref Gap, size);
        Array.Resize(ref Mask, size);
        Array.Resize(ref SeenFlags, size);
        Array.Resize(ref Scores, size);
    }
}
