using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SocialLearning.Index;
using SocialLearning.Recommendations;
using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

/// <summary>Derived per-tenant state: served stale while one background rebuild runs, never rebuilt inside a request that has a value.</summary>
public sealed class DerivedStateTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_request_gets_the_last_value_at_once_while_one_rebuild_runs_in_the_background()
    {
        var time = new FakeTimeProvider(Start);
        var index = new TenantIndex(T1, TimeSpan.FromDays(180).TotalSeconds);
        var computation = new Counting();
        var first = index.Derived.Get(index, computation, Interval, time);
        Assert.Equal(1, first.Number);

        Change(index, "a");
        time.Advance(Interval);
        computation.Gate.Reset();   // the rebuild blocks until released
        var during = index.Derived.Get(index, computation, Interval, time);
        var again = index.Derived.Get(index, computation, Interval, time);

        Assert.Same(first, during);
        Assert.Same(first, again);
        var slot = index.Derived.SlotOf(computation)!;
        Assert.Equal(1, slot.BackgroundRefreshes);   // one rebuild for both requests
        var pending = slot.Pending;
        Assert.NotNull(pending);

        computation.Gate.Set();
        await pending.WaitAsync(TimeSpan.FromSeconds(30));
        var after = index.Derived.Get(index, computation, Interval, time);
        Assert.Equal(2, after.Number);
        Assert.Same(first, after.Previous);
        Assert.Equal(index.Generation, after.Generation);
    }

    [Fact]
    public void Within_the_interval_a_changed_index_keeps_its_value_and_with_no_interval_it_is_rebuilt_at_once()
    {
        var time = new FakeTimeProvider(Start);
        var index = new TenantIndex(T1, TimeSpan.FromDays(180).TotalSeconds);
        var computation = new Counting();
        var first = index.Derived.Get(index, computation, Interval, time);

        Change(index, "a");
        time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Same(first, index.Derived.Get(index, computation, Interval, time));
        Assert.Equal(0, index.Derived.SlotOf(computation)!.BackgroundRefreshes);

        var current = index.Derived.Get(index, computation, TimeSpan.Zero, time);
        Assert.Equal(2, current.Number);
        Assert.Equal(index.Generation, current.Generation);
        Assert.Equal(0, index.Derived.SlotOf(computation)!.BackgroundRefreshes);
    }

    [Fact]
    public async Task RefreshAsync_rebuilds_what_is_out_of_date_and_builds_nothing_new()
    {
        var time = new FakeTimeProvider(Start);
        var index = new TenantIndex(T1, TimeSpan.FromDays(180).TotalSeconds);
        var used = new Counting();
        var unused = new Counting();
        index.Derived.Get(index, used, Interval, time);
        await index.Derived.RefreshAsync(index, CancellationToken.None);
        Assert.Equal(1, used.Calls);   // current: nothing to do

        Change(index, "a");
        await index.Derived.RefreshAsync(index, CancellationToken.None);

        Assert.Equal(2, used.Calls);
        var value = index.Derived.Get(index, used, Interval, time);
        Assert.Equal(index.Generation, value.Generation);
        Assert.Equal(0, unused.Calls);
        Assert.Null(index.Derived.SlotOf(unused));
    }

    [Fact]
    public async Task A_failed_rebuild_keeps_the_value_and_is_retried_after_another_interval()
    {
        var (time, index, computation, first) = Stale();
        computation.Fail = true;

        Assert.Same(first, index.Derived.Get(index, computation, Interval, time));
        var slot = index.Derived.SlotOf(computation)!;
        await slot.Pending!.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsType<InvalidOperationException>(slot.LastError);

        // Not retried on every request: the failure counts as a rebuild for the interval.
        Assert.Same(first, index.Derived.Get(index, computation, Interval, time));
        Assert.Equal(1, slot.BackgroundRefreshes);

        computation.Fail = false;
        time.Advance(Interval);
        Assert.Same(first, index.Derived.Get(index, computation, Interval, time));
        await slot.Pending!.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(slot.LastError);
        Assert.Equal(computation.Calls, index.Derived.Get(index, computation, Interval, time).Number);
        Assert.Equal(2, slot.BackgroundRefreshes);
    }

    [Fact]
    public async Task A_request_does_not_wait_while_another_build_holds_the_state()
    {
        var (time, index, computation, first) = Stale();
        var slot = index.Derived.SlotOf(computation)!;

        // As RefreshAsync does while it rebuilds: another thread holds the slot's gate.
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            lock (slot.Gate)
            {
                held.Set();
                release.Wait(TimeSpan.FromSeconds(60));
            }
        });
        holder.Start();
        held.Wait(TimeSpan.FromSeconds(60));
        try
        {
            var served = await Task.Run(() => index.Derived.Get(index, computation, Interval, time)).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Same(first, served);
            Assert.Equal(0, slot.BackgroundRefreshes);   // the holder is building it; nothing else started
        }
        finally
        {
            release.Set();
            holder.Join();
        }
    }

    [Fact]
    public async Task IRecommendationIndex_RefreshAsync_brings_expertise_rank_up_to_date_before_it_returns()
    {
        // An hour between rebuilds: requests keep the ExpertiseRank they built.
        await using var f = new EngineFixture(o => o.ExpertiseRankRefreshInterval = TimeSpan.FromHours(1));
        await f.Learner("ann");
        await f.Learner("bob");
        var question = await f.Share("ann", "How to route", "question words", skills: ["s1"], kind: ContributionKind.Question);
        await f.Share("bob", "Like this", "answer words", skills: ["s1"], kind: ContributionKind.Answer, parent: question.Id);
        await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("ann"), Skills = ["s1"] });

        var indexes = f.Provider.GetRequiredService<RecommendationIndex>();
        var index = await indexes.GetCurrentAsync(T1);
        var options = f.Provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RecommendationOptions>>().Value;
        var slot = index.Derived.SlotOf(new ExpertiseRanks.Computation(options.PageRankRestart, options.PageRankIterations));
        Assert.NotNull(slot);
        var built = slot.Current!;
        Assert.Equal(index.Generation, built.Generation);

        await f.Learner("cat");
        await f.Share("cat", "Or this", "more words", skills: ["s1"], kind: ContributionKind.Answer, parent: question.Id);
        await f.Peers.FindAsync(new PeerRequest { Tenant = T1, Asker = new LearnerId("ann"), Skills = ["s1"] });
        Assert.Same(built, slot.Current);   // within the hour: the request kept it and started nothing
        Assert.Null(slot.Pending);

        await f.Provider.GetRequiredService<IRecommendationIndex>().RefreshAsync(T1);

        var rebuilt = slot.Current!;
        Assert.NotSame(built, rebuilt);
        Assert.Equal(index.Generation, rebuilt.Generation);
        var rank = (float[])rebuilt.Value;
        Assert.True(rank[index.FindLearner("cat")] > rank[index.FindLearner("ann")], "cat answered ann, so cat's ExpertiseRank is above ann's");
    }

    /// <summary>A value built, then the index changed and the refresh interval passed: the next request finds it stale.</summary>
    private static (FakeTimeProvider Time, TenantIndex Index, Counting Computation, Value First) Stale()
    {
        var time = new FakeTimeProvider(Start);
        var index = new TenantIndex(T1, TimeSpan.FromDays(180).TotalSeconds);
        var computation = new Counting();
        var first = index.Derived.Get(index, computation, Interval, time);
        Change(index, "a");
        time.Advance(Interval);
        return (time, index, computation, first);
    }

    private static void Change(TenantIndex index, string learner) =>
        index.UpsertLearner(new Learner { Tenant = T1, Id = new LearnerId(learner), DisplayName = learner });

    private sealed record Value(int Number, long Generation, Value? Previous);

    /// <summary>Counts its computations; blocks while <see cref="Gate"/> is reset; throws when <see cref="Fail"/> is set.</summary>
    private sealed record Counting : DerivedComputation<Value>
    {
        private int _calls;

        public ManualResetEventSlim Gate { get; } = new(initialState: true);

        public bool Fail { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        // One cached slot per instance, whatever its counters say.
        public bool Equals(Counting? other) => ReferenceEquals(this, other);

        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

        public override Value Compute(TenantIndex index, Value? previous, TimeProvider time)
        {
            Gate.Wait(TimeSpan.FromSeconds(30));
            var n = Interlocked.Increment(ref _calls);
            return Fail ? throw new InvalidOperationException("rebuild failed") : new Value(n, index.Generation, previous);
        }
    }
}
