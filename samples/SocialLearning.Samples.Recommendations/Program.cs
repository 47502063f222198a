// Calling the recommendation engine: tips for a screen, colleagues who can help, and what to learn next,
// each with the reasons behind it; a custom ranker registered by name; an A/B experiment between rankers.
using Microsoft.Extensions.DependencyInjection;
using SocialLearning;

var services = new ServiceCollection();
services.AddSocialLearning(o => o.AutoCreateSkills = true)
    .UseInMemoryStorage()
    .AddTipRanker<MostSavedFirst>("most-saved")
    .ConfigureRecommendations(o =>
    {
        o.TipExperiment = new RankerExperiment { Name = "tips-2026-q1" };
        o.TipExperiment.Variants["blend"] = 1;
        o.TipExperiment.Variants["mmr"] = 1;
    });
await using var provider = services.BuildServiceProvider();

var learners = provider.GetRequiredService<ILearnerService>();
var skills = provider.GetRequiredService<ISkillService>();
var contributions = provider.GetRequiredService<IContributionService>();
var tenant = new TenantId("acme");

foreach (var (id, name) in new[] { ("ada", "Ada"), ("bob", "Bob"), ("cy", "Cy"), ("dee", "Dee") })
{
    await learners.UpsertAsync(tenant, new LearnerId(id), name, team: "accounts-payable", roles: ["ap-clerk"]);
}

await skills.DefineSkillAsync(tenant, new SkillId("invoicing"), "Invoicing");
await skills.DefineSkillAsync(tenant, new SkillId("vat"), "VAT rules");
await skills.DefineSkillAsync(tenant, new SkillId("month-end"), "Month-end close");
await skills.AddEdgeAsync(tenant, new SkillId("invoicing"), new SkillId("vat"), SkillEdgeKind.Prerequisite);
await skills.AddEdgeAsync(tenant, new SkillId("vat"), new SkillId("month-end"), SkillEdgeKind.Prerequisite);

async Task<Contribution> Share(string author, string title, string body, string[] skillIds, string[] keys, ContributionKind kind = ContributionKind.Tip, ContributionId? parent = null) =>
    await contributions.ShareAsync(new ShareContributionRequest
    {
        Tenant = tenant,
        Author = new LearnerId(author),
        Title = title,
        Body = body,
        Skills = skillIds,
        ContextKeys = keys,
        Kind = kind,
        ParentId = parent,
    });

var copy = await Share("ada", "Copy last month's invoice", "Press *Copy previous* on New invoice.", ["invoicing"], ["route:/invoices/new"]);
await Share("ada", "Reverse-charge VAT", "EU suppliers: tick *reverse charge*, the VAT line goes to zero.", ["vat"], ["route:/invoices/new", "feature:vat"]);
await Share("cy", "Bulk export for the auditors", "Filter by period, then *Export → CSV*.", ["invoicing"], ["route:/invoices"]);
var question = await Share("bob", "Which VAT code for UK services?", "Since 2021, which code do we use?", ["vat"], ["feature:vat"], ContributionKind.Question);
var answer = await Share("ada", "Use OS (outside scope)", "Services from the UK are outside scope: code OS.", ["vat"], [], ContributionKind.Answer, question.Id);
await contributions.GiveFeedbackAsync(tenant, new LearnerId("bob"), answer.Id, FeedbackKind.Accepted);
await contributions.GiveFeedbackAsync(tenant, new LearnerId("bob"), copy.Id, FeedbackKind.Helpful);
await contributions.GiveFeedbackAsync(tenant, new LearnerId("cy"), copy.Id, FeedbackKind.Helpful);
await learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = tenant, Learner = new LearnerId("dee"), Skill = new SkillId("invoicing"), Source = EvidenceSource.Self, Level = 0.8 });

// 1. Tips for Dee on the New invoice screen (the A/B experiment picks her ranker; the result says which).
var tips = provider.GetRequiredService<ITipRecommender>();
var forDee = await tips.RecommendAsync(new TipRequest
{
    Tenant = tenant,
    Learner = new LearnerId("dee"),
    ContextKeys = ["route:/invoices/new"],
    Text = "vat on a supplier invoice",
    K = 3,
});
Console.WriteLine($"Tips for Dee on route:/invoices/new (ranker {forDee.Ranker}, variant {forDee.Variant}, {forDee.CandidatesScored} candidates scored):");
foreach (var item in forDee.Items)
{
    Console.WriteLine($"  {item.Score,6:0.000}  {item.Title}");
    foreach (var reason in item.Explanation)
    {
        Console.WriteLine($"          - {reason.Text} [{reason.Signal} = {reason.Value:0.###}]");
    }
}

// 2. The same request with a custom ranker named on the request.
var saved = await tips.RecommendAsync(new TipRequest { Tenant = tenant, Learner = new LearnerId("dee"), ContextKeys = ["route:/invoices/new"], K = 3, Ranker = "most-saved" });
Console.WriteLine($"\nWith the custom '{saved.Ranker}' ranker: {string.Join(" | ", saved.Items.Select(i => i.Title))}");

// 3. Who can help Dee with VAT?
var peers = provider.GetRequiredService<IPeerFinder>();
var helpers = await peers.FindAsync(new PeerRequest { Tenant = tenant, Asker = new LearnerId("dee"), Skills = ["vat"], Text = "UK services VAT code", K = 2 });
Console.WriteLine($"\nWho can help Dee with VAT (ranker {helpers.Ranker}):");
foreach (var person in helpers.Items)
{
    Console.WriteLine($"  {person.DisplayName}: {string.Join("; ", person.Explanation.Select(e => e.Text))}");
}

// 4. What should Dee learn to own the month-end close?
var planner = provider.GetRequiredService<ILearningPathPlanner>();
var path = await planner.PlanAsync(new LearningPathRequest { Tenant = tenant, Learner = new LearnerId("dee"), TargetSkills = ["month-end"], TipsPerStep = 1, MentorsPerStep = 1 });
Console.WriteLine("\nDee's path to month-end close:");
for (var i = 0; i < path.Steps.Count; i++)
{
    var step = path.Steps[i];
    Console.WriteLine($"  {i + 1}. {step.Name} (now {step.CurrentLevel:0.0}) — {step.Explanation[0].Text}");
    foreach (var tip in step.Tips)
    {
        Console.WriteLine($"       tip: {tip.Title}");
    }

    foreach (var mentor in step.Mentors)
    {
        Console.WriteLine($"       ask: {mentor.DisplayName}");
    }
}

// 5. What will Ada work on next? IncludeMastered lets skills she already masters be steps too (VAT, where her answer
//    was accepted), not only what is new to her. ConfigureRecommendations(o => o.DefaultStepRanker = "learned") would
//    order them by her own contributions smoothed towards popularity, fitted on the tenant's past (docs/recommenders.md).
var next = await planner.PlanAsync(new LearningPathRequest { Tenant = tenant, Learner = new LearnerId("ada"), MaxSteps = 3, TipsPerStep = 0, MentorsPerStep = 0, IncludeMastered = true });
Console.WriteLine("\nWhat Ada will work on next (mastered skills included):");
foreach (var step in next.Steps)
{
    Console.WriteLine($"  {step.Name} (now {step.CurrentLevel:0.0})");
}

/// <summary>A host's own ranker: most saved and helpful first. Registered with AddTipRanker&lt;MostSavedFirst&gt;("most-saved").</summary>
internal sealed class MostSavedFirst : ITipRanker
{
    public void Score(TipRankingContext context, Span<double> scores)
    {
        var saves = context.Features.Saves;
        var helpful = context.Features.Helpful;
        for (var i = 0; i < context.Candidates.Length; i++)
        {
            var d = context.Candidates[i];
            scores[i] = (2 * saves[d]) + helpful[d];
        }
    }

    public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var d = context.Candidates[candidate];
        explanation.Add(new ExplanationSignal
        {
            Signal = "saved",
            Value = context.Features.Saves[d],
            Text = $"saved by {context.Features.Saves[d]} and helpful to {context.Features.Helpful[d]} colleagues",
        });
    }
}
