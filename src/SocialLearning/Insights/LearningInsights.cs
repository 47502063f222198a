using SocialLearning.Services;

namespace SocialLearning;

/// <summary>
/// What the learning team needs to guide from the side: where people ask and too few colleagues share (gaps), which
/// skills are getting more or less attention (trends), and which questions wait for an answer. Resolve it from DI.
/// </summary>
public interface ILearningInsights
{
    /// <summary>
    /// Computes the insights for the window that ends at <see cref="InsightsRequest.AsOf"/> (the clock by default). Only
    /// published contributions count, with the status they have now. Reads the tenant's contributions and interaction
    /// log once: meant for a dashboard or a weekly report, not for a hot path.
    /// </summary>
    Task<LearningInsightsReport> GetAsync(TenantId tenant, InsightsRequest? request = null, CancellationToken cancellationToken = default);
}

/// <summary>Input to <see cref="ILearningInsights.GetAsync"/>.</summary>
public sealed record InsightsRequest
{
    /// <summary>The end of the window; null for the clock's now.</summary>
    public DateTimeOffset? AsOf { get; init; }

    /// <summary>The window's length (trends compare it with the window before it). 1 hour to 366 days; default 28 days.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(28);

    /// <summary>How many entries each list keeps. 1 to 100; default 10.</summary>
    public int Top { get; init; } = 10;

    /// <summary>The activity a skill needs in the busier of the two windows to be listed as a trend. 1 or more; default 3.</summary>
    public int MinTrendActivity { get; init; } = 3;
}

/// <summary>The result of <see cref="ILearningInsights.GetAsync"/>.</summary>
public sealed record LearningInsightsReport
{
    /// <summary>The window's start (exclusive: the window is (From, To], so that what happens at the moment asked counts).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The window's end (inclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>Skills where demand outruns the colleagues who share, largest gap first.</summary>
    public required IReadOnlyList<SkillGap> Gaps { get; init; }

    /// <summary>Skills with more activity than in the window before, by the ratio, largest first.</summary>
    public required IReadOnlyList<SkillTrend> Rising { get; init; }

    /// <summary>Skills with less activity than in the window before, by the ratio, smallest first.</summary>
    public required IReadOnlyList<SkillTrend> Falling { get; init; }

    /// <summary>Published questions asked by the window's end with no published answer by then, oldest first.</summary>
    public required IReadOnlyList<OpenQuestion> Unanswered { get; init; }
}

/// <summary>A skill where people ask and few share.</summary>
public sealed record SkillGap
{
    /// <summary>The skill.</summary>
    public required SkillId Skill { get; init; }

    /// <summary>Questions in the skill asked in the window.</summary>
    public required int QuestionsAsked { get; init; }

    /// <summary>Questions in the skill without an answer at the window's end (asked at any time before it).</summary>
    public required int OpenQuestions { get; init; }

    /// <summary>Published tips, how-tos, answers and resource links in the skill at the window's end.</summary>
    public required int Shared { get; init; }

    /// <summary>Distinct people who shared those.</summary>
    public required int Contributors { get; init; }

    /// <summary>(QuestionsAsked + OpenQuestions) / (1 + Contributors): demand per colleague who shares.</summary>
    public required double Score { get; init; }
}

/// <summary>How a skill's activity moved between the window before and this one.</summary>
public sealed record SkillTrend
{
    /// <summary>The skill.</summary>
    public required SkillId Skill { get; init; }

    /// <summary>Activity in the window: contributions shared plus views, helpful votes, saves, shares, accepts and endorsements of its contributions.</summary>
    public required int Current { get; init; }

    /// <summary>The same in the window before.</summary>
    public required int Previous { get; init; }

    /// <summary>(Current + 1) / (Previous + 1).</summary>
    public required double Ratio { get; init; }
}

/// <summary>A question that waits for an answer.</summary>
public sealed record OpenQuestion
{
    /// <summary>The question.</summary>
    public required ContributionId Id { get; init; }

    /// <summary>Its title.</summary>
    public required string Title { get; init; }

    /// <summary>Who asked.</summary>
    public required LearnerId Author { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset AskedAt { get; init; }

    /// <summary>Its skills (ask <see cref="IPeerFinder"/> who can help with them).</summary>
    public required IReadOnlyList<SkillId> Skills { get; init; }
}

internal sealed class LearningInsightsService(ISocialLearningStore store, TimeProvider time) : ILearningInsights
{
    public async Task<LearningInsightsReport> GetAsync(TenantId tenant, InsightsRequest? request = null, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        request ??= new InsightsRequest();
        if (request.Window < TimeSpan.FromHours(1) || request.Window > TimeSpan.FromDays(366))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Window, "request.Window must be between 1 hour and 366 days.");
        }

        if (request.Top is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Top, "request.Top must be between 1 and 100.");
        }

        if (request.MinTrendActivity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MinTrendActivity, "request.MinTrendActivity must be 1 or more.");
        }

        var to = request.AsOf ?? time.GetUtcNow();
        var from = to - request.Window;
        var previousFrom = from - request.Window;

        // Pass 1: published contributions up to the window's end.
        var published = new Dictionary<ContributionId, Contribution>();
        var answered = new HashSet<ContributionId>();
        var skills = new Dictionary<SkillId, Tally>();
        await foreach (var c in store.ListContributionsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            if (c.Status != ContributionStatus.Published || c.CreatedAt > to)
            {
                continue;
            }

            published[c.Id] = c;
            if (c.Kind == ContributionKind.Answer && c.ParentId is { } parent)
            {
                answered.Add(parent);
            }
        }

        var open = new List<OpenQuestion>();
        foreach (var c in published.Values)
        {
            foreach (var skill in c.Skills)
            {
                var tally = Of(skills, skill);
                tally.Credit(c.CreatedAt, from, previousFrom);

                if (c.Kind == ContributionKind.Question)
                {
                    tally.QuestionsAsked += c.CreatedAt > from ? 1 : 0;
                    tally.OpenQuestions += answered.Contains(c.Id) ? 0 : 1;
                }
                else
                {
                    tally.Shared++;
                    tally.Contributors.Add(c.Author);
                }
            }

            if (c.Kind == ContributionKind.Question && !answered.Contains(c.Id))
            {
                open.Add(new OpenQuestion { Id = c.Id, Title = c.Title, Author = c.Author, AskedAt = c.CreatedAt, Skills = c.Skills });
            }
        }

        // Pass 2: the positive interactions of both windows, credited to their contributions' skills.
        await foreach (var interaction in store.ListInteractionsAsync(tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (interaction.OccurredAt <= previousFrom || interaction.OccurredAt > to
                || interaction.Kind is InteractionKind.NotHelpful or InteractionKind.Dismissed or InteractionKind.Flagged
                || !published.TryGetValue(interaction.ContributionId, out var target))
            {
                continue;
            }

            foreach (var skill in target.Skills)
            {
                Of(skills, skill).Credit(interaction.OccurredAt, from, previousFrom);
            }
        }

        var gaps = new List<SkillGap>();
        var rising = new List<SkillTrend>();
        var falling = new List<SkillTrend>();
        foreach (var (skill, t) in skills)
        {
            var demand = t.QuestionsAsked + t.OpenQuestions;
            if (demand > 0)
            {
                gaps.Add(new SkillGap
                {
                    Skill = skill,
                    QuestionsAsked = t.QuestionsAsked,
                    OpenQuestions = t.OpenQuestions,
                    Shared = t.Shared,
                    Contributors = t.Contributors.Count,
                    Score = demand / (1.0 + t.Contributors.Count),
                });
            }

            if (Math.Max(t.Current, t.Previous) >= request.MinTrendActivity && t.Current != t.Previous)
            {
                var trend = new SkillTrend { Skill = skill, Current = t.Current, Previous = t.Previous, Ratio = (t.Current + 1.0) / (t.Previous + 1.0) };
                (t.Current > t.Previous ? rising : falling).Add(trend);
            }
        }

        gaps.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : BySkill(a.Skill, b.Skill));
        rising.Sort(static (a, b) => b.Ratio != a.Ratio ? b.Ratio.CompareTo(a.Ratio) : b.Current != a.Current ? b.Current.CompareTo(a.Current) : BySkill(a.Skill, b.Skill));
        falling.Sort(static (a, b) => a.Ratio != b.Ratio ? a.Ratio.CompareTo(b.Ratio) : b.Previous != a.Previous ? b.Previous.CompareTo(a.Previous) : BySkill(a.Skill, b.Skill));
        open.Sort(static (a, b) => a.AskedAt != b.AskedAt ? a.AskedAt.CompareTo(b.AskedAt) : string.CompareOrdinal(a.Id.Value, b.Id.Value));
        return new LearningInsightsReport
        {
            From = from,
            To = to,
            Gaps = Take(gaps, request.Top),
            Rising = Take(rising, request.Top),
            Falling = Take(falling, request.Top),
            Unanswered = Take(open, request.Top),
        };
    }

    private static int BySkill(SkillId a, SkillId b) => string.CompareOrdinal(a.Value, b.Value);

    private static List<T> Take<T>(List<T> list, int top)
    {
        if (list.Count > top)
        {
            list.RemoveRange(top, list.Count - top);
        }

        return list;
    }

    private static Tally Of(Dictionary<SkillId, Tally> skills, SkillId skill)
    {
        if (!skills.TryGetValue(skill, out var tally))
        {
            skills[skill] = tally = new Tally();
        }

        return tally;
    }

    private sealed class Tally
    {
        public int Current;
        public int Previous;
        public int QuestionsAsked;
        public int OpenQuestions;
        public int Shared;
        public readonly HashSet<LearnerId> Contributors = [];

        /// <summary>Counts activity at <paramref name="at"/> in this window (after <paramref name="from"/>) or the one before.</summary>
        public void Credit(DateTimeOffset at, DateTimeOffset from, DateTimeOffset previousFrom)
        {
            if (at > from)
            {
                Current++;
            }
            else if (at > previousFrom)
            {
                Previous++;
            }
        }
    }
}
