namespace SocialLearning.Storage.Benchmarks;

/// <summary>Deterministic seed data shared by the benchmarks.</summary>
public static class Seed
{
    public static readonly TenantId Tenant = new("bench");
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static LearnerId Learner(int i) => new("learner-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture));

    public static ContributionId Contribution(int i) => new("tip-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture));

    public static async Task LearnersAsync(ISocialLearningStore store, int count)
    {
        var tasks = Enumerable.Range(0, count).Select(i => store.CreateLearnerAsync(new Learner
        {
            Tenant = Tenant,
            Id = Learner(i),
            DisplayName = "Learner " + i,
            Team = "team-" + (i % 7),
            Roles = ["clerk"],
            CreatedAt = T0,
        }));
        await Task.WhenAll(tasks);
    }

    /// <summary>Contributions with a title, a ~300-character markdown body, two skills and two context keys.</summary>
    public static async Task ContributionsAsync(ISocialLearningStore store, int count, int learners, int first = 0)
    {
        const int Chunk = 2_000;
        for (var start = first; start < count; start += Chunk)
        {
            var tasks = new List<Task>(Chunk);
            for (var i = start; i < Math.Min(count, start + Chunk); i++)
            {
                tasks.Add(store.CreateContributionAsync(Contribution(i, learners)));
            }

            await Task.WhenAll(tasks);
        }
    }

    public static Contribution Contribution(int i, int learners) => new()
    {
        Tenant = Tenant,
        Id = Contribution(i),
        Kind = ContributionKind.Tip,
        Author = Learner(i % learners),
        Title = $"Tip {i}: export the invoice list to a spreadsheet",
        Body = $"When the **invoice list** is long, filter it first, then use *Export* (tip {i}). " +
               "The export keeps the filter and the column order, so pivot tables built on it stay valid. " +
               "For monthly reports, save the filter as a view and export from the view instead of rebuilding it.",
        Skills = [new SkillId("skill-" + (i % 50)), new SkillId("skill-" + (i % 13))],
        ContextKeys = [ContextKey.Parse("route:/invoices/" + (i % 40)), ContextKey.Parse("feature:export")],
        CreatedAt = T0.AddMinutes(i),
        UpdatedAt = T0.AddMinutes(i),
    };
}
