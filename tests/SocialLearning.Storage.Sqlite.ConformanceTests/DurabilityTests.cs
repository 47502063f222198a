using SocialLearning.Storage.Sqlite.CrashWriter;
using Xunit.Abstractions;
using static SocialLearning.Storage.Sqlite.ConformanceTests.TestData;

namespace SocialLearning.Storage.Sqlite.ConformanceTests;

/// <summary>Kills writers with SIGKILL and races writers from threads and processes on one file.</summary>
public sealed class DurabilityTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_acknowledged_write_survives_SIGKILL_at_random_moments_with_consistent_counts()
    {
        const int Kills = 20;
        var path = _dir.File("crash.db");
        var random = new Random(20260301);
        var acknowledgedContributions = new List<string>();
        var acknowledgedNotes = new HashSet<string>(StringComparer.Ordinal);
        var notWrittenNotes = new HashSet<string>(StringComparer.Ordinal);
        var writesPerRun = new List<int>();
        string Arg(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var next = new ChildProcess("crash", path, Arg(0), "4");
        for (var run = 0; run < Kills; run++)
        {
            using var child = next;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await child.WaitForLinesAsync(1, TimeSpan.FromSeconds(60));
            var ready = clock.ElapsedMilliseconds;
            child.Send("go");
            await child.WaitForLinesAsync(2, TimeSpan.FromSeconds(30));
            var firstAck = clock.ElapsedMilliseconds;
            await Task.Delay(random.Next(10, 250));
            await child.KillAsync();
            var killed = clock.ElapsedMilliseconds;

            // Start the next writer now: it opens the file and waits for "go" while this run is checked.
            next = new ChildProcess("crash", path, Arg(run + 1), "4");
            var lines = child.CompleteLines();
            Assert.Equal("ready", lines[0]);
            writesPerRun.Add(lines.Count - 1);
            foreach (var line in lines.Skip(1))
            {
                var parts = line.Split(' ');
                if (parts[0] == "C")
                {
                    acknowledgedContributions.Add(parts[1]);
                }
                else if (parts[0] == "V")
                {
                    (parts[4] == nameof(InteractionOutcome.AlreadyRecorded) ? notWrittenNotes : acknowledgedNotes).Add(parts[5]);
                }
                else
                {
                    Assert.Fail($"Run {run}: unexpected line from the child: {line}");
                }
            }

            await VerifyAsync(path, run, acknowledgedContributions, acknowledgedNotes, notWrittenNotes);
            output.WriteLine($"run {run}: ready after {ready} ms, first ack {firstAck} ms, killed {killed} ms, checked {clock.ElapsedMilliseconds} ms");
        }

        next.Dispose();

        output.WriteLine($"{Kills} kills; acknowledged writes per run: {string.Join(", ", writesPerRun)}; {acknowledgedContributions.Count} contributions and {acknowledgedNotes.Count} interactions acknowledged in total.");
        Assert.True(writesPerRun.Count(n => n > 0) == Kills, "Every run must have acknowledged writes before it was killed.");
    }

    [Fact]
    public async Task Sixty_four_voters_from_threads_and_two_processes_give_exact_counts()
    {
        const int Contributions = 4;
        const int Rounds = 5;
        const int ThreadVoters = 32;
        const int ProcessVoters = 16;
        const int Voters = ThreadVoters + 2 * ProcessVoters;
        var path = _dir.File("voters.db");
        var tenant = new TenantId("vote");
        using var store = Open(path);
        for (var v = 0; v < Voters; v++)
        {
            await store.CreateLearnerAsync(Learner(VoteRunner.LearnerName(v), tenant));
        }

        for (var c = 0; c < Contributions; c++)
        {
            await store.CreateContributionAsync(Contribution(VoteRunner.ContributionName(c), VoteRunner.LearnerName(0), tenant));
        }

        var headBefore = await store.GetHeadPositionAsync();
        string Arg(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var first = new ChildProcess("vote", path, tenant.Value, Arg(ThreadVoters), Arg(ProcessVoters), Arg(Contributions), Arg(Rounds));
        using var second = new ChildProcess("vote", path, tenant.Value, Arg(ThreadVoters + ProcessVoters), Arg(ProcessVoters), Arg(Contributions), Arg(Rounds));
        await Task.WhenAll(first.FirstLine, second.FirstLine).WaitAsync(TimeSpan.FromSeconds(30));
        first.Send("go");
        second.Send("go");
        var mine = await VoteRunner.RunAsync(store, tenant, 0, ThreadVoters, Contributions, Rounds);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(90));
        await second.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, $"A voting process failed: {first.StandardError} {second.StandardError}");

        var totals = new long[3];
        totals[0] = mine[InteractionOutcome.Recorded];
        totals[1] = mine[InteractionOutcome.Replaced];
        totals[2] = mine[InteractionOutcome.AlreadyRecorded];
        foreach (var child in new[] { first, second })
        {
            var done = child.CompleteLines().Single(l => l.StartsWith("done ", StringComparison.Ordinal)).Split(' ');
            for (var i = 0; i < 3; i++)
            {
                totals[i] += long.Parse(done[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        // First vote of each voter on each item is recorded, every later round replaces it, every repeat is a no-op.
        Assert.Equal(Voters * Contributions, totals[0]);
        Assert.Equal(Voters * Contributions * (Rounds - 1), totals[1]);
        Assert.Equal(Voters * Contributions * Rounds, totals[2]);

        var finalHelpful = Enumerable.Range(0, Voters).Count(v => (v + Rounds - 1) % 2 == 0);
        for (var c = 0; c < Contributions; c++)
        {
            var item = new ContributionId(VoteRunner.ContributionName(c));
            var counters = await store.GetCountersAsync(tenant, item);
            Assert.Equal(Voters * Rounds, counters.Views);
            Assert.Equal(finalHelpful, counters.Helpful);
            Assert.Equal(Voters - finalHelpful, counters.NotHelpful);
            var log = await ToListAsync(store.ListInteractionsAsync(tenant, item));
            Assert.Equal(2 * Voters * Rounds, log.Count);
        }

        var feed = await ReadFeedAsync(store, tenant, headBefore);
        Assert.Equal(2 * Voters * Rounds * Contributions, feed.Count);
        Assert.Equal(feed.Count, feed.Select(c => c.Position).Distinct().Count());
    }

    private static async Task<List<Change>> ReadFeedAsync(ISocialLearningStore store, TenantId tenant, long after)
    {
        var feed = new List<Change>();
        while (true)
        {
            var batch = await store.ReadChangesAsync(after, 10_000, tenant);
            feed.AddRange(batch.Changes);
            if (batch.LastPosition == after)
            {
                return feed;
            }

            after = batch.LastPosition;
        }
    }

    private async Task VerifyAsync(string path, int run, List<string> contributions, HashSet<string> notes, HashSet<string> notWritten)
    {
        using (var raw = Raw(path))
        {
            Assert.Equal("ok", Scalar(raw, "PRAGMA integrity_check"));
        }

        var tenant = new TenantId("crash");
        using var store = Open(path);
        var stored = (await ToListAsync(store.ListContributionsAsync(tenant))).Select(c => c.Id.Value).ToHashSet(StringComparer.Ordinal);
        var lost = contributions.Where(c => !stored.Contains(c)).ToList();
        Assert.True(lost.Count == 0, $"After kill {run}: {lost.Count} acknowledged contributions are missing, e.g. {string.Join(", ", lost.Take(5))}.");

        var log = await ToListAsync(store.ListInteractionsAsync(tenant));
        var logNotes = log.Select(i => i.Note!).ToList();
        var duplicated = logNotes.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicated.Count == 0, $"After kill {run}: interactions written twice: {string.Join(", ", duplicated.Take(5))}.");
        var present = logNotes.ToHashSet(StringComparer.Ordinal);
        var missing = notes.Where(n => !present.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"After kill {run}: {missing.Count} acknowledged interactions are missing, e.g. {string.Join(", ", missing.Take(5))}.");
        Assert.DoesNotContain(notWritten, present.Contains);

        // Counters and the feed were written in the same transactions as the log: replaying the log must give them.
        foreach (var group in log.GroupBy(i => i.ContributionId))
        {
            var expected = ContributionCounters.Zero;
            var slots = new Dictionary<(string, string), InteractionKind>();
            foreach (var interaction in group)
            {
                if (InteractionRules.UniqueSlot(interaction.Kind) is { } slot)
                {
                    if (slots.TryGetValue((interaction.Learner.Value, slot), out var previous))
                    {
                        Assert.NotEqual(previous, interaction.Kind);
                        expected = expected.Add(previous, -1);
                    }

                    slots[(interaction.Learner.Value, slot)] = interaction.Kind;
                }

                expected = expected.Add(interaction.Kind, 1);
            }

            Assert.Equal(expected, await store.GetCountersAsync(tenant, group.Key));
        }

        var feed = await ReadFeedAsync(store, tenant, 0);
        Assert.Equal(log.Count, feed.Count(c => c.Kind == ChangeKind.InteractionRecorded));
        Assert.Equal(stored.Count, feed.Count(c => c.Kind == ChangeKind.ContributionCreated));
    }
}
