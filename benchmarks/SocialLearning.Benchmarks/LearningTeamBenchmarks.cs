using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Benchmarks;

/// <summary>
/// The learning team's reports, which read a tenant's contributions and interaction log (in-memory store): the review
/// queue, vote patterns, gaps and trends, and the xAPI export. Baseline: reading the log and counting it, the floor
/// every report pays. Size = interactions appended (env SOCIALLEARNING_BENCH_SIZES; contributions are a tenth).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class LearningTeamBenchmarks
{
    private static readonly TenantId Tenant = new("team");
    private static readonly LearnerId Moderator = new("moderator");
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly XApiExportOptions XApi = new() { ActivityBaseUri = new Uri("https://app.example.com/learning/"), AccountHomePage = new Uri("https://login.example.com") };

    private ServiceProvider _provider = null!;
    private ISocialLearningStore _store = null!;
    private IModerationService _moderation = null!;
    private ILearningInsights _insights = null!;
    private IXApiExporter _xapi = null!;

    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    public static IEnumerable<int> Sizes => TipQueryBenchmarks.Sizes;

    [GlobalSetup]
    public async Task Setup()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSocialLearning().UseInMemoryStorage();
        _provider = services.BuildServiceProvider();
        _store = _provider.GetRequiredService<ISocialLearningStore>();
        _moderation = _provider.GetRequiredService<IModerationService>();
        _insights = _provider.GetRequiredService<ILearningInsights>();
        _xapi = _provider.GetRequiredService<IXApiExporter>();

        var random = new Random(2026);
        var learners = Math.Max(100, Size / 100);
        var start = Now.AddDays(-120);
        await _store.CreateLearnerAsync(new Learner { Tenant = Tenant, Id = Moderator, DisplayName = "Moderator", Roles = ["moderator"], CreatedAt = start });
        for (var l = 0; l < learners; l++)
        {
            await _store.CreateLearnerAsync(new Learner { Tenant = Tenant, Id = new LearnerId("l" + l), DisplayName = "Learner " + l, CreatedAt = start });
        }

        for (var s = 0; s < 200; s++)
        {
            await _store.CreateSkillAsync(new Skill { Tenant = Tenant, Id = new SkillId("s" + s), Name = "Skill " + s, CreatedAt = start });
        }

        var contributions = Math.Max(20, Size / 10);
        var questions = new List<ContributionId>();
        for (var c = 0; c < contributions; c++)
        {
            var roll = random.NextDouble();
            var kind = roll < 0.15 ? ContributionKind.Question : roll < 0.45 && questions.Count > 0 ? ContributionKind.Answer : ContributionKind.Tip;
            var at = start.AddMinutes(c * 120_000.0 / contributions);
            var contribution = new Contribution
            {
                Tenant = Tenant,
                Id = new ContributionId("c" + c),
                Kind = kind,
                Author = new LearnerId("l" + random.Next(learners)),
                Title = "Contribution " + c,
                Body = "Body of contribution " + c,
                Skills = [new SkillId("s" + (int)(200 * Math.Pow(random.NextDouble(), 2))), new SkillId("s" + random.Next(200))],
                ContextKeys = [ContextKey.Parse("route:/screen-" + random.Next(500))],
                ParentId = kind == ContributionKind.Answer ? questions[random.Next(questions.Count)] : null,
                Status = random.NextDouble() switch { < 0.02 => ContributionStatus.PendingReview, < 0.03 => ContributionStatus.Hidden, _ => ContributionStatus.Published },
                CreatedAt = at,
                UpdatedAt = at,
            };
            await _store.CreateContributionAsync(contribution);

            // Proficiency evidence as sharing records it (read only by the export with IncludeEvidence).
            if (kind != ContributionKind.Question)
            {
                await _store.AppendEvidenceAsync(new ProficiencyEvidence { Tenant = Tenant, Learner = contribution.Author, Skill = contribution.Skills[0], Source = EvidenceSource.Activity, Level = 0.5, ObservedAt = at });
            }

            if (kind == ContributionKind.Question)
            {
                questions.Add(contribution.Id);
            }
        }

        for (var i = 0; i < Size; i++)
        {
            var roll = random.NextDouble();
            var kind = roll switch
            {
                < 0.60 => InteractionKind.Viewed,
                < 0.85 => InteractionKind.Helpful,
                < 0.90 => InteractionKind.NotHelpful,
                < 0.95 => InteractionKind.Saved,
                < 0.99 => InteractionKind.Dismissed,
                _ => InteractionKind.Flagged,
            };
            var item = (int)(contributions * Math.Pow(random.NextDouble(), 1.5));
            await _store.AppendInteractionAsync(new Interaction
            {
                Tenant = Tenant,
                ContributionId = new ContributionId("c" + item),
                Learner = new LearnerId("l" + random.Next(learners)),
                Kind = kind,
                OccurredAt = start.AddMinutes(i * 172_800.0 / Size),
                Note = kind == InteractionKind.Flagged ? "outdated" : null,
            });
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true, Description = "read the log (floor)")]
    public async Task<int> ReadLog()
    {
        var n = 0;
        await foreach (var _ in _store.ListInteractionsAsync(Tenant))
        {
            n++;
        }

        await foreach (var _ in _store.ListContributionsAsync(Tenant))
        {
            n++;
        }

        return n;
    }

    [Benchmark(Description = "review queue")]
    public async Task<int> ReviewQueue() => (await _moderation.GetReviewQueueAsync(Tenant, Moderator, 500)).Count;

    [Benchmark(Description = "vote patterns")]
    public async Task<int> VotePatterns() => (await _moderation.GetVotePatternsAsync(Tenant, Moderator, new VotePatternQuery { MinVotes = 2 })).Count;

    [Benchmark(Description = "gaps and trends")]
    public async Task<int> Insights() => (await _insights.GetAsync(Tenant, new InsightsRequest { AsOf = Now })).Gaps.Count;

    [Benchmark(Description = "xAPI export (all statements, to a null stream)")]
    public async Task<long> XApiExport() => await XApiStatements.WriteJsonArrayAsync(_xapi.ExportAsync(Tenant, XApi), Stream.Null);

    [Benchmark(Description = "xAPI export with proficiency evidence")]
    public async Task<long> XApiExportWithEvidence() => await XApiStatements.WriteJsonArrayAsync(_xapi.ExportAsync(Tenant, XApi with { IncludeEvidence = true }), Stream.Null);
}
