using System.Collections.Concurrent;

namespace SocialLearning.Storage.Sqlite.CrashWriter;

/// <summary>
/// The voting workload of the concurrency test, shared by the test's threads and the child processes.
/// Voter <c>v</c> in round <c>r</c> views every contribution once and votes helpful when <c>v + r</c> is even,
/// otherwise not helpful, and sends each vote twice (the second must be AlreadyRecorded).
/// </summary>
public static class VoteRunner
{
    public static string LearnerName(int voter) => $"voter-{voter}";

    public static string ContributionName(int index) => $"item-{index}";

    public static async Task<Dictionary<InteractionOutcome, long>> RunAsync(ISocialLearningStore store, TenantId tenant, int firstVoter, int voters, int contributions, int rounds)
    {
        var outcomes = new ConcurrentDictionary<InteractionOutcome, long>();
        foreach (var outcome in Enum.GetValues<InteractionOutcome>())
        {
            outcomes[outcome] = 0;
        }

        var tasks = Enumerable.Range(firstVoter, voters).Select(v => Task.Run(async () =>
        {
            var learner = new LearnerId(LearnerName(v));
            for (var r = 0; r < rounds; r++)
            {
                for (var c = 0; c < contributions; c++)
                {
                    var item = new ContributionId(ContributionName(c));
                    await store.AppendInteractionAsync(new Interaction { Tenant = tenant, ContributionId = item, Learner = learner, Kind = InteractionKind.Viewed });
                    var kind = (v + r) % 2 == 0 ? InteractionKind.Helpful : InteractionKind.NotHelpful;
                    for (var twice = 0; twice < 2; twice++)
                    {
                        var result = await store.AppendInteractionAsync(new Interaction { Tenant = tenant, ContributionId = item, Learner = learner, Kind = kind });
                        outcomes.AddOrUpdate(result.Outcome, 1, (_, n) => n + 1);
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        return new Dictionary<InteractionOutcome, long>(outcomes);
    }
}
