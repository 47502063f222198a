namespace SocialLearning;

/// <summary>What a query clause of a tip request matched on.</summary>
public enum TipClauseKind
{
    /// <summary>A context key of the request (IDF-weighted overlap).</summary>
    ContextKey = 1,

    /// <summary>A skill of the request (IDF-weighted overlap).</summary>
    Skill = 2,

    /// <summary>A word of the request text (BM25).</summary>
    Term = 3,

    /// <summary>A skill the learner is weak in (personal fit); weight is the gap, 1 minus the learner's level.</summary>
    SkillGap = 4,
}

/// <summary>One clause of a tip query: a context key, skill, term or skill gap, with its statistics.</summary>
public sealed record TipQueryClause
{
    /// <summary>What the clause matches.</summary>
    public required TipClauseKind Kind { get; init; }

    /// <summary>The key, skill id or term.</summary>
    public required string Label { get; init; }

    /// <summary>Inverse document frequency, Lucene ≥ 8 form: ln(1 + (N − df + 0.5) / (df + 0.5)).</summary>
    public required double Idf { get; init; }

    /// <summary>How many indexed items the clause matches.</summary>
    public required int DocumentFrequency { get; init; }

    /// <summary>For <see cref="TipClauseKind.SkillGap"/>: the gap in (0, 1]; otherwise 1.</summary>
    public double Weight { get; init; } = 1.0;
}

/// <summary>
/// Per-item feature columns of a tenant's recommendation index, struct of arrays indexed by document
/// number (the numbers in <see cref="TipRankingContext.Candidates"/>). Values are as of the moment the
/// query started; spans must not be kept after the ranker returns.
/// </summary>
public abstract class TipFeatureColumns
{
    /// <summary>The instant that <see cref="CreatedAtSeconds"/> counts from (2020-01-01T00:00Z).</summary>
    public static DateTimeOffset Epoch { get; } = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Learners whose current vote is helpful.</summary>
    public abstract ReadOnlySpan<int> Helpful { get; }

    /// <summary>Learners whose current vote is not helpful.</summary>
    public abstract ReadOnlySpan<int> NotHelpful { get; }

    /// <summary>Views.</summary>
    public abstract ReadOnlySpan<int> Views { get; }

    /// <summary>Saves.</summary>
    public abstract ReadOnlySpan<int> Saves { get; }

    /// <summary>Shares.</summary>
    public abstract ReadOnlySpan<int> Shares { get; }

    /// <summary>Accepts (answers accepted by the asker).</summary>
    public abstract ReadOnlySpan<int> Accepts { get; }

    /// <summary>Endorsements.</summary>
    public abstract ReadOnlySpan<int> Endorsements { get; }

    /// <summary>Creation time in seconds since <see cref="Epoch"/>.</summary>
    public abstract ReadOnlySpan<int> CreatedAtSeconds { get; }

    /// <summary>The contribution kind, as the byte value of <see cref="ContributionKind"/>.</summary>
    public abstract ReadOnlySpan<byte> Kinds { get; }

    /// <summary>Number of indexed words (title and body), the BM25 document length.</summary>
    public abstract ReadOnlySpan<ushort> Lengths { get; }

    /// <summary>The id of the contribution a document holds.</summary>
    public abstract ContributionId GetId(int document);

    /// <summary>The title of the contribution a document holds.</summary>
    public abstract string GetTitle(int document);

    /// <summary>The author of the contribution a document holds.</summary>
    public abstract LearnerId GetAuthor(int document);

    /// <summary>The skills of a document.</summary>
    public abstract IReadOnlyList<SkillId> GetSkills(int document);

    /// <summary>Mean helpful share over every voted item of the tenant (0.5 when nothing has votes), for Bayesian averages.</summary>
    public abstract double MeanHelpfulShare { get; }
}

/// <summary>
/// What a <see cref="ITipRanker"/> sees: the request, the candidates that matched at least one clause (or,
/// with no clause, every visible item) after the filters, and per-candidate match scores, struct of arrays:
/// index <c>i</c> of every span is candidate <c>i</c>.
/// </summary>
public abstract class TipRankingContext
{
    /// <summary>The request.</summary>
    public abstract TipRequest Request { get; }

    /// <summary>The time of the query (from the host's <see cref="TimeProvider"/>).</summary>
    public abstract DateTimeOffset Now { get; }

    /// <summary>The feature columns, indexed by document number.</summary>
    public abstract TipFeatureColumns Features { get; }

    /// <summary>The query clauses, in order; bit <c>c</c> of <see cref="MatchedClauses"/> refers to clause <c>c</c>.</summary>
    public abstract IReadOnlyList<TipQueryClause> Clauses { get; }

    /// <summary>Document numbers of the candidates.</summary>
    public abstract ReadOnlySpan<int> Candidates { get; }

    /// <summary>Sum of the IDFs of the request context keys each candidate has.</summary>
    public abstract ReadOnlySpan<float> ContextScores { get; }

    /// <summary>Sum of the IDFs of the request skills each candidate has.</summary>
    public abstract ReadOnlySpan<float> SkillScores { get; }

    /// <summary>BM25 of the request text against each candidate's title and body.</summary>
    public abstract ReadOnlySpan<float> TextScores { get; }

    /// <summary>Sum over the learner's skill gaps the candidate covers of gap × IDF.</summary>
    public abstract ReadOnlySpan<float> GapScores { get; }

    /// <summary>Bit mask of the clauses each candidate matched.</summary>
    public abstract ReadOnlySpan<uint> MatchedClauses { get; }

    /// <summary>1 when the learner has viewed the candidate before, else 0.</summary>
    public abstract ReadOnlySpan<byte> Seen { get; }
}

/// <summary>
/// Scores tip candidates. Implementations must be thread-safe and deterministic (same context, same scores),
/// must not allocate per candidate, and must explain each result they are asked about.
/// Register with <c>builder.AddTipRanker&lt;T&gt;("name")</c>; verify with the ranker conformance tests in
/// <c>SocialLearning.Testing</c>.
/// </summary>
public interface ITipRanker
{
    /// <summary>Writes one score per candidate into <paramref name="scores"/> (same length as the candidates). Higher is better.</summary>
    void Score(TipRankingContext context, Span<double> scores);

    /// <summary>Adds the signals that put candidate number <paramref name="candidate"/> (an index into the candidates) where it is.</summary>
    void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation);
}

/// <summary>
/// What a <see cref="IPeerRanker"/> sees: the candidates (people with evidence in a requested skill or
/// contributions matching the text, never the asker) and their evidence, struct of arrays.
/// </summary>
public abstract class PeerRankingContext
{
    /// <summary>The request.</summary>
    public abstract PeerRequest Request { get; }

    /// <summary>The time of the query.</summary>
    public abstract DateTimeOffset Now { get; }

    /// <summary>Person numbers of the candidates.</summary>
    public abstract ReadOnlySpan<int> Candidates { get; }

    /// <summary>Answers written in the requested skills.</summary>
    public abstract ReadOnlySpan<int> Answers { get; }

    /// <summary>Of those, answers accepted by the asker.</summary>
    public abstract ReadOnlySpan<int> AcceptedAnswers { get; }

    /// <summary>Questions asked in the requested skills.</summary>
    public abstract ReadOnlySpan<int> Questions { get; }

    /// <summary>Tips, how-tos and links shared in the requested skills.</summary>
    public abstract ReadOnlySpan<int> Shared { get; }

    /// <summary>Helpful votes on their contributions in the requested skills.</summary>
    public abstract ReadOnlySpan<int> HelpfulVotes { get; }

    /// <summary>Endorsements of their contributions in the requested skills.</summary>
    public abstract ReadOnlySpan<int> Endorsements { get; }

    /// <summary>Time-decayed skill affinity: weighted evidence from contributions, each decayed by its age.</summary>
    public abstract ReadOnlySpan<float> Affinity { get; }

    /// <summary>Effective proficiency (precedence and decay applied) in the requested skills, the highest one.</summary>
    public abstract ReadOnlySpan<float> Proficiency { get; }

    /// <summary>ExpertiseRank: PageRank over the asker → answerer graph of the tenant.</summary>
    public abstract ReadOnlySpan<float> ExpertiseRank { get; }

    /// <summary>BM25 of the request text over the person's contributions (sum of their documents' scores).</summary>
    public abstract ReadOnlySpan<float> TextScores { get; }

    /// <summary>The learner id of a person number.</summary>
    public abstract LearnerId GetLearner(int person);
}

/// <summary>Scores peer candidates (expert finding). Same rules as <see cref="ITipRanker"/>.</summary>
public interface IPeerRanker
{
    /// <summary>Writes one score per candidate. Higher is better.</summary>
    void Score(PeerRankingContext context, Span<double> scores);

    /// <summary>Adds the signals behind candidate number <paramref name="candidate"/>.</summary>
    void Explain(PeerRankingContext context, int candidate, ICollection<ExplanationSignal> explanation);
}

/// <summary>What a <see cref="ILearningStepRanker"/> sees: candidate skills for a learner and their signals.</summary>
public abstract class LearningStepRankingContext
{
    /// <summary>The request.</summary>
    public abstract LearningPathRequest Request { get; }

    /// <summary>Skill numbers of the candidates.</summary>
    public abstract ReadOnlySpan<int> Candidates { get; }

    /// <summary>1 when the candidate is a target or an unmet prerequisite of one.</summary>
    public abstract ReadOnlySpan<byte> Required { get; }

    /// <summary>Personalised PageRank of the candidate from the learner's skills and targets.</summary>
    public abstract ReadOnlySpan<float> PageRank { get; }

    /// <summary>How often people with the learner's recent skills learned this skill next.</summary>
    public abstract ReadOnlySpan<float> Transitions { get; }

    /// <summary>The learner's current level, 0 to 1.</summary>
    public abstract ReadOnlySpan<float> CurrentLevel { get; }

    /// <summary>The skill id of a skill number.</summary>
    public abstract SkillId GetSkill(int skill);
}

/// <summary>Scores candidate skills for a learning path. Prerequisite order is applied after ranking.</summary>
public interface ILearningStepRanker
{
    /// <summary>Writes one score per candidate. Higher is better.</summary>
    void Score(LearningStepRankingContext context, Span<double> scores);

    /// <summary>Adds the signals behind candidate number <paramref name="candidate"/>.</summary>
    void Explain(LearningStepRankingContext context, int candidate, ICollection<ExplanationSignal> explanation);
}
