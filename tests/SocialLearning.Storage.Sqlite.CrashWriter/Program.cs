using System.Globalization;
using SocialLearning;
using SocialLearning.Storage.Sqlite;
using SocialLearning.Storage.Sqlite.CrashWriter;

// Child process of the SQLite durability tests. Every line it prints on stdout reports a write that the store
// acknowledged (the awaited call returned, so the transaction committed). The parent kills it at random moments
// and checks that everything reported is in the file.
//
//   crash <db> <run> <writers>                       writes contributions and votes until killed
//   vote <db> <tenant> <first-voter> <voters> <contributions> <rounds>   votes, waits for "go" on stdin first
return args.Length > 0 && args[0] == "crash" ? await Crash(args) : args.Length > 0 && args[0] == "vote" ? await Vote(args) : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: crash <db> <run> <writers> | vote <db> <tenant> <first-voter> <voters> <contributions> <rounds>");
    return 2;
}

static SqliteSocialLearningStore Open(string path) => new(new SqliteStorageOptions
{
    ConnectionString = $"Data Source={path}",
    Synchronous = SqliteSynchronousMode.Normal,
});

static void Report(string line)
{
    // One write call per line, well under PIPE_BUF, so a kill never interleaves or half-writes a reported line.
    Console.Out.Write(line + "\n");
}

static async Task<int> Crash(string[] args)
{
    var path = args[1];
    var run = int.Parse(args[2], CultureInfo.InvariantCulture);
    var writers = int.Parse(args[3], CultureInfo.InvariantCulture);
    var tenant = new TenantId("crash");
    using var store = Open(path);
    var at = DateTimeOffset.UnixEpoch.AddDays(run);

    // Open the file and create the learners first (idempotent across runs), then wait for "go": the parent starts
    // the next child while it checks the previous one, so process start-up is not on the test's clock.
    var learnersOf = new List<LearnerId>[writers];
    for (var w = 0; w < writers; w++)
    {
        learnersOf[w] = [];
        for (var k = 0; k < 4; k++)
        {
            var id = new LearnerId($"w{w}-l{k}");
            await store.CreateLearnerAsync(new Learner { Tenant = tenant, Id = id, DisplayName = id.Value, CreatedAt = at }, idempotencyKey: "learner-" + id.Value);
            learnersOf[w].Add(id);
        }
    }

    Report("ready");
    if (Console.ReadLine() != "go")
    {
        return 3;
    }

    var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        // Each writer has its own learners, so its votes on one item are never reordered by another writer.
        var learners = learnersOf[w];
        var random = new Random(run * 1000 + w);
        var mine = new List<ContributionId>();
        for (var n = 0; ; n++)
        {
            if (n % 5 == 0)
            {
                var id = new ContributionId($"r{run}-w{w}-c{n}");
                await store.CreateContributionAsync(new Contribution
                {
                    Tenant = tenant,
                    Id = id,
                    Kind = ContributionKind.Tip,
                    Author = learners[0],
                    Title = "Tip " + id.Value,
                    Body = "Body " + id.Value,
                    CreatedAt = at,
                    UpdatedAt = at,
                });
                mine.Add(id);
                Report($"C {id.Value}");
                continue;
            }

            var contribution = mine[random.Next(mine.Count)];
            var learner = learners[random.Next(learners.Count)];
            var kind = random.Next(3) switch { 0 => InteractionKind.Viewed, 1 => InteractionKind.Helpful, _ => InteractionKind.NotHelpful };
            var note = $"r{run}-w{w}-n{n}";
            var result = await store.AppendInteractionAsync(new Interaction
            {
                Tenant = tenant,
                ContributionId = contribution,
                Learner = learner,
                Kind = kind,
                OccurredAt = at,
                Note = note,
            });
            Report($"V {contribution.Value} {learner.Value} {kind} {result.Outcome} {note}");
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    return 0;
}

static async Task<int> Vote(string[] args)
{
    var path = args[1];
    var tenant = new TenantId(args[2]);
    var firstVoter = int.Parse(args[3], CultureInfo.InvariantCulture);
    var voters = int.Parse(args[4], CultureInfo.InvariantCulture);
    var contributions = int.Parse(args[5], CultureInfo.InvariantCulture);
    var rounds = int.Parse(args[6], CultureInfo.InvariantCulture);
    using var store = Open(path);
    await store.InitializeAsync();
    Report("ready");
    if (Console.ReadLine() != "go")
    {
        return 3;
    }

    var outcomes = await VoteRunner.RunAsync(store, tenant, firstVoter, voters, contributions, rounds);
    Report($"done {outcomes[InteractionOutcome.Recorded]} {outcomes[InteractionOutcome.Replaced]} {outcomes[InteractionOutcome.AlreadyRecorded]}");
    return 0;
}
