using System.Globalization;
using Microsoft.Extensions.Options;
using SocialLearning.Index;

namespace SocialLearning.Recommendations;

/// <summary>
/// Each person's helping contributions (visible answers and shared items, not questions) as of one moment: the count,
/// the count decayed with a half-life, and the tenant's helping contributions per skill. Computed from the index's
/// documents and cached per tenant.
/// </summary>
internal sealed class PeerActivity
{
    public required double[] Contributions { get; init; }

    /// <summary>Σ 2^(−(reference − created) / half-life) per person, exact at <see cref="ReferenceSeconds"/>.</summary>
    public required double[] Recent { get; init; }

    public required double[] SkillContributions { get; init; }

    public required double Total { get; init; }

    public required double ReferenceSeconds { get; init; }

    public required double HalfLifeSeconds { get; init; }

    /// <summary>A person's recent activity at <paramref name="nowSeconds"/> (ages every contribution by the time since the reference).</summary>
    public double RecentAt(int person, double nowSeconds) => RecentDecayed(person, DecayTo(nowSeconds));

    /// <summary>The same, with <see cref="DecayTo"/> computed once for a whole query.</summary>
    public double RecentDecayed(int person, double decay) => person < Recent.Length ? Recent[person] * decay : 0;

    /// <summary>How much every contribution has aged from <see cref="ReferenceSeconds"/> to <paramref name="nowSeconds"/>: one factor for everyone.</summary>
    public double DecayTo(double nowSeconds) => double.Exp2(-Math.Max(0, nowSeconds - ReferenceSeconds) / HalfLifeSeconds);

    /// <summary>Background probability of a skill among helping contributions, (n_t + 0.5) / (N + 1).</summary>
    public double Background(int skill) =>
        ((skill >= 0 && skill < SkillContributions.Length ? SkillContributions[skill] : 0) + 0.5) / (Total + 1);

    public static PeerActivity Compute(TenantIndex index, double halfLifeSeconds, double referenceSeconds)
    {
        var people = index.LearnerIds.Count;
        var contributions = new double[people];
        var recent = new double[people];
        var skills = new double[Math.Max(1, index.Skills.Count)];
        var total = 0.0;
        var limit = index.DocItem.Snapshot(out _);
        index.DocKind.Snapshot(out var kinds);
        index.DocFlags.Snapshot(out var flags);
        index.DocAuthor.Snapshot(out var authors);
        index.DocCreated.Snapshot(out var created);
        for (var d = 0; d < limit; d++)
        {
            if ((flags[d] & TenantIndex.FlagVisible) != TenantIndex.FlagVisible || kinds[d] == (byte)ContributionKind.Question)
            {
                continue;
            }

            var author = authors[d];
            if (author >= 0 && author < people)
            {
                contributions[author] += 1;
                recent[author] += double.Exp2(-Math.Max(0, referenceSeconds - created[d]) / halfLifeSeconds);
            }

            foreach (var skill in index.SkillsOf(d))
            {
                if (skill >= 0 && skill < skills.Length)
                {
                    skills[skill] += 1;
                    total += 1;
                }
            }
        }

        return new PeerActivity
        {
            Contributions = contributions,
            Recent = recent,
            SkillContributions = skills,
            Total = total,
            ReferenceSeconds = referenceSeconds,
            HalfLifeSeconds = halfLifeSeconds,
        };
    }
}

/// <summary><see cref="PeerActivity"/> as derived state (<see cref="DerivedCache"/>), per half-life; the reference time is when it is computed.</summary>
internal sealed record PeerActivityComputation(double HalfLifeSeconds) : DerivedComputation<PeerActivity>
{
    public override PeerActivity Compute(TenantIndex index, PeerActivity? previous, TimeProvider time) =>
        PeerActivity.Compute(index, HalfLifeSeconds, (time.GetUtcNow() - TipFeatureColumns.Epoch).TotalSeconds);
}

/// <summary>
/// Topical expertise times availability: a person's Dirichlet-smoothed share of helping contributions in the
/// requested skills, (Σ_t n(p,t) + μ Σ_t P(t)) / (n(p) + μ), multiplied by their recent helping activity
/// Σ 2^(−age / half-life) over all skills (people who helped recently are likelier to help now). With μ = 0 and no
/// decay it is the tag profile Σ_t n(p,t). μ = <see cref="RecommendationOptions.PeerTopicSmoothing"/>, half-life =
/// <see cref="RecommendationOptions.PeerAvailabilityHalfLife"/>.
/// </summary>
internal sealed class AvailabilityPeerRanker(IOptions<RecommendationOptions> options, TimeProvider time) : IPeerRanker
{
    private readonly RecommendationOptions _options = options.Value;
    private readonly PeerActivityComputation _activity = new(options.Value.PeerAvailabilityHalfLife.TotalSeconds);

    /// <summary>The formula on its own (documented in docs/recommenders.md).</summary>
    public static double Score(double skillContributions, double contributions, double backgroundSum, double recent, double mu) =>
        (skillContributions + (mu * backgroundSum)) / (contributions + mu) * recent;

    public void Score(PeerRankingContext context, Span<double> scores)
    {
        var (activity, background, now) = Prepare(context);
        var candidates = context.Candidates;
        var answers = context.Answers;
        var shared = context.Shared;
        var mu = _options.PeerTopicSmoothing;
        var decay = activity.DecayTo(now);
        var contributions = activity.Contributions;
        for (var i = 0; i < candidates.Length; i++)
        {
            var p = candidates[i];
            var n = p < contributions.Length ? contributions[p] : 0;
            scores[i] = Score(answers[i] + shared[i], n, background, activity.RecentDecayed(p, decay), mu);
        }
    }

    public void Explain(PeerRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var (activity, _, now) = Prepare(context);
        var recent = activity.RecentAt(context.Candidates[candidate], now);
        explanation.Add(new ExplanationSignal
        {
            Signal = "availability",
            Value = recent,
            Text = $"recently active: {recent.ToString("0.0", CultureInfo.InvariantCulture)} recent answers or tips",
        });
        PeerExplain.Evidence(context, candidate, explanation);
    }

    private (PeerActivity Activity, double Background, double Now) Prepare(PeerRankingContext context)
    {
        var index = ((PeerContext)context).Index;
        var activity = index.Derived.Get(index, _activity, _options.ExpertiseRankRefreshInterval, time);
        var background = 0.0;
        var skills = context.Request.Skills;
        for (var s = 0; s < skills.Count; s++)
        {
            background += activity.Background(index.Skills.Find(skills[s]));
        }

        return (activity, background, (context.Now - TipFeatureColumns.Epoch).TotalSeconds);
    }
}
