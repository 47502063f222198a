// The smallest useful program: share a tip, give feedback on it, and read it back.
using Microsoft.Extensions.DependencyInjection;
using SocialLearning;

var services = new ServiceCollection();
services.AddSocialLearning().UseInMemoryStorage();
await using var provider = services.BuildServiceProvider();

var learners = provider.GetRequiredService<ILearnerService>();
var skills = provider.GetRequiredService<ISkillService>();
var contributions = provider.GetRequiredService<IContributionService>();

var tenant = new TenantId("acme");
var ada = new LearnerId("ada");
var bob = new LearnerId("bob");
await learners.UpsertAsync(tenant, ada, "Ada", team: "accounts-payable");
await learners.UpsertAsync(tenant, bob, "Bob", team: "accounts-payable");
await skills.DefineSkillAsync(tenant, new SkillId("invoicing"), "Invoicing");

// Ada shares a tip on the screen where it helps.
var tip = await contributions.ShareAsync(new ShareContributionRequest
{
    Tenant = tenant,
    Author = ada,
    Title = "Copy last month's invoice",
    Body = "On **New invoice**, press *Copy previous* to start from last month's lines.",
    Skills = ["invoicing"],
    ContextKeys = ["route:/invoices/new"],
});
Console.WriteLine($"Shared tip {tip.Id} (version {tip.Version}) at {string.Join(", ", tip.ContextKeys)}");

// Bob finds it helpful and saves it; a second click does not count twice.
await contributions.GiveFeedbackAsync(tenant, bob, tip.Id, FeedbackKind.Helpful);
await contributions.GiveFeedbackAsync(tenant, bob, tip.Id, FeedbackKind.Helpful);
await contributions.GiveFeedbackAsync(tenant, bob, tip.Id, FeedbackKind.Saved);

var readBack = await contributions.GetAsync(tenant, tip.Id);
var counters = await contributions.GetCountersAsync(tenant, tip.Id);
Console.WriteLine($"Read back: \"{readBack.Title}\" by {readBack.Author}: helpful {counters.Helpful}, saved {counters.Saves}");

// Bad input is rejected with the field named.
try
{
    await contributions.ShareAsync(new ShareContributionRequest { Tenant = tenant, Author = ada, Title = "Oops", Body = "x", ContextKeys = ["not a key"] });
}
catch (ArgumentException e)
{
    Console.WriteLine($"Rejected as expected ({e.ParamName}): {e.Message}");
}
