namespace SocialLearning.Tests.Services;

public sealed class SkillAndLearnerServiceTests
{
    private static readonly SkillId A = new("a"), B = new("b"), C = new("c"), D = new("d");

    private static async Task<TestHost> WithSkillsAsync()
    {
        var host = await TestHost.CreateAsync();
        foreach (var s in new[] { A, B, C, D })
        {
            await host.Skills.DefineSkillAsync(host.Tenant, s, "Skill " + s);
        }

        return host;
    }

    [Fact]
    public async Task A_prerequisite_that_closes_a_cycle_is_rejected_naming_the_cycle()
    {
        using var host = await WithSkillsAsync();
        await host.Skills.AddEdgeAsync(host.Tenant, A, B, SkillEdgeKind.Prerequisite);
        await host.Skills.AddEdgeAsync(host.Tenant, B, C, SkillEdgeKind.Prerequisite);

        var e = await Assert.ThrowsAsync<SkillGraphCycleException>(() => host.Skills.AddEdgeAsync(host.Tenant, C, A, SkillEdgeKind.Prerequisite));
        Assert.Equal([C, A, B, C], e.Cycle);
        Assert.Contains("c -> a -> b -> c", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await host.Skills.GetGraphAsync(host.Tenant)).Edges.Count);
    }

    [Fact]
    public async Task Related_and_broader_edges_may_point_back_without_being_a_cycle()
    {
        using var host = await WithSkillsAsync();
        await host.Skills.AddEdgeAsync(host.Tenant, A, B, SkillEdgeKind.Prerequisite);
        Assert.True(await host.Skills.AddEdgeAsync(host.Tenant, B, A, SkillEdgeKind.Related, 0.5));
        Assert.True(await host.Skills.AddEdgeAsync(host.Tenant, C, D, SkillEdgeKind.Prerequisite));
        Assert.True(await host.Skills.AddEdgeAsync(host.Tenant, D, A, SkillEdgeKind.Prerequisite));
    }

    [Fact]
    public async Task Self_edges_and_weights_outside_0_to_1_are_rejected()
    {
        using var host = await WithSkillsAsync();
        var self = await Assert.ThrowsAsync<ArgumentException>(() => host.Skills.AddEdgeAsync(host.Tenant, A, A, SkillEdgeKind.Related));
        Assert.Equal("to", self.ParamName);
        var weight = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Skills.AddEdgeAsync(host.Tenant, A, B, SkillEdgeKind.Related, 1.5));
        Assert.Equal("weight", weight.ParamName);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Skills.AddEdgeAsync(host.Tenant, A, B, SkillEdgeKind.Related, double.NaN));
    }

    [Fact]
    public async Task Defining_a_skill_again_updates_it()
    {
        using var host = await WithSkillsAsync();
        var updated = await host.Skills.DefineSkillAsync(host.Tenant, A, "Alpha", ["first-letter"], "The first");
        Assert.Equal(2, updated.Version);
        Assert.Equal(["first-letter"], updated.Aliases);
    }

    [Fact]
    public void FindPath_returns_a_shortest_prerequisite_path()
    {
        var t = new TenantId("t");
        SkillEdge E(SkillId from, SkillId to) => new() { Tenant = t, From = from, To = to, Kind = SkillEdgeKind.Prerequisite };
        var edges = new[] { E(A, B), E(B, C), E(C, D), E(A, D) };
        Assert.Equal([A, D], SkillGraphAlgorithms.FindPath(edges, A, D));
        Assert.Null(SkillGraphAlgorithms.FindPath(edges, D, A));
    }

    [Fact]
    public async Task Upserting_a_learner_twice_with_the_same_data_does_not_bump_the_version()
    {
        using var host = await TestHost.CreateAsync();
        var again = await host.Learners.UpsertAsync(host.Tenant, host.Ada, "Ada", "finance", ["clerk"]);
        Assert.Equal(1, again.Version);
        var renamed = await host.Learners.UpsertAsync(host.Tenant, host.Ada, "Ada Lovelace", "finance", ["clerk"]);
        Assert.Equal(2, renamed.Version);
    }

    [Fact]
    public async Task Manager_evidence_takes_precedence_over_self_assessment()
    {
        using var host = await TestHost.CreateAsync();
        var skill = new SkillId("invoicing");
        await host.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = host.Tenant, Learner = host.Ada, Skill = skill, Source = EvidenceSource.Self, Level = 1.0 });
        await host.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = host.Tenant, Learner = host.Ada, Skill = skill, Source = EvidenceSource.Manager, Level = 0.5, GivenBy = host.Bob });

        var p = Assert.Single((await host.Learners.GetProfileAsync(host.Tenant, host.Ada)).Skills);
        Assert.Equal(EvidenceSource.Manager, p.Source);
        Assert.Equal(0.5, p.Level, 10);
        Assert.Equal(2, p.EvidenceCount);
    }

    [Fact]
    public async Task Proficiency_halves_after_one_half_life()
    {
        using var host = await TestHost.CreateAsync(o => o.ProficiencyHalfLife = TimeSpan.FromDays(100));
        await host.Learners.RecordEvidenceAsync(new ProficiencyEvidence { Tenant = host.Tenant, Learner = host.Ada, Skill = new SkillId("invoicing"), Source = EvidenceSource.Self, Level = 0.8 });
        host.Clock.Advance(TimeSpan.FromDays(100));

        Assert.Equal(0.4, Assert.Single((await host.Learners.GetProfileAsync(host.Tenant, host.Ada)).Skills).Level, 10);
    }

    [Fact]
    public void Peer_endorsements_average_the_latest_of_each_endorser()
    {
        var t = new TenantId("t");
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        ProficiencyEvidence E(string by, double level, int day) => new()
        {
            Tenant = t, Learner = new LearnerId("ada"), Skill = A, Source = EvidenceSource.PeerEndorsement, GivenBy = new LearnerId(by), Level = level, ObservedAt = now.AddDays(day),
        };

        var result = Proficiency.Compute([E("bob", 0.2, -2), E("bob", 0.6, -1), E("carol", 1.0, -1)], now, TimeSpan.FromDays(1_000_000));
        Assert.Equal(0.8, Assert.Single(result).Level, 4);
    }

    [Fact]
    public async Task Endorsing_yourself_or_without_an_endorser_is_rejected()
    {
        using var host = await TestHost.CreateAsync();
        var evidence = new ProficiencyEvidence { Tenant = host.Tenant, Learner = host.Ada, Skill = new SkillId("invoicing"), Source = EvidenceSource.PeerEndorsement, Level = 1 };
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => host.Learners.RecordEvidenceAsync(evidence));
        Assert.Equal("evidence.GivenBy", missing.ParamName);
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Learners.RecordEvidenceAsync(evidence with { GivenBy = host.Ada }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Learners.RecordEvidenceAsync(evidence with { GivenBy = host.Bob, Level = 1.01 }));
    }
}
