using Xunit;

namespace SocialLearning.Testing.Storage;

/// <summary>Create, read, update and list for learners.</summary>
public abstract class LearnerStoreConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task Create_then_get_round_trips_every_field_at_version_1()
    {
        var created = await Store.CreateLearnerAsync(NewLearner(Tenant, "ada"));
        var read = await Store.GetLearnerAsync(Tenant, new LearnerId("ada"));

        Assert.Equal(1, created.Version);
        Assert.Equal(NewLearner(Tenant, "ada") with { Version = 1 }, read);
    }

    [Fact]
    public async Task Get_of_an_unknown_id_returns_null()
    {
        Assert.Null(await Store.GetLearnerAsync(Tenant, new LearnerId("nobody")));
    }

    [Fact]
    public async Task Creating_an_existing_id_fails_with_DuplicateEntityException()
    {
        await SeedLearnerAsync("ada");
        var e = await Assert.ThrowsAsync<DuplicateEntityException>(() => Store.CreateLearnerAsync(NewLearner(Tenant, "ada")));
        Assert.Equal("ada", e.Id);
    }

    [Fact]
    public async Task Update_with_the_current_version_increments_it()
    {
        var v1 = await SeedLearnerAsync("ada");
        var v2 = await Store.UpdateLearnerAsync(v1 with { DisplayName = "Ada L.", Roles = ["lead"] }, 1);

        Assert.Equal(2, v2.Version);
        var read = await Store.GetLearnerAsync(Tenant, v1.Id);
        Assert.Equal("Ada L.", read!.DisplayName);
        Assert.Equal(["lead"], read.Roles);
        Assert.Equal(2, read.Version);
    }

    [Fact]
    public async Task Update_with_a_stale_version_fails_with_VersionConflictException_and_changes_nothing()
    {
        var v1 = await SeedLearnerAsync("ada");
        await Store.UpdateLearnerAsync(v1 with { DisplayName = "First" }, 1);

        var e = await Assert.ThrowsAsync<VersionConflictException>(() => Store.UpdateLearnerAsync(v1 with { DisplayName = "Second" }, 1));
        Assert.Equal(1, e.ExpectedVersion);
        Assert.Equal(2, e.ActualVersion);
        Assert.Equal("First", (await Store.GetLearnerAsync(Tenant, v1.Id))!.DisplayName);
    }

    [Fact]
    public async Task Update_of_an_unknown_id_fails_with_EntityNotFoundException()
    {
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.UpdateLearnerAsync(NewLearner(Tenant, "ghost"), 1));
    }

    [Fact]
    public async Task List_returns_every_learner_ordered_by_id()
    {
        foreach (var id in new[] { "carol", "alice", "bob" })
        {
            await SeedLearnerAsync(id);
        }

        var ids = (await ToListAsync(Store.ListLearnersAsync(Tenant))).Select(l => l.Id.Value);
        Assert.Equal(["alice", "bob", "carol"], ids);
    }

    [Fact]
    public async Task Create_retried_with_the_same_idempotency_key_returns_the_first_result_and_writes_once()
    {
        var first = await Store.CreateLearnerAsync(NewLearner(Tenant, "ada"), "key-1");
        var again = await Store.CreateLearnerAsync(NewLearner(Tenant, "ada"), "key-1");

        Assert.Equal(first, again);
        var changes = await ReadAllChangesAsync(Tenant);
        Assert.Single(changes, c => c.Kind == ChangeKind.LearnerCreated);
    }
}

/// <summary>Skills and skill edges.</summary>
public abstract class SkillStoreConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task Create_then_get_round_trips_name_aliases_and_description()
    {
        await SeedSkillAsync("excel");
        Assert.Equal(NewSkill(Tenant, "excel") with { Version = 1 }, await Store.GetSkillAsync(Tenant, new SkillId("excel")));
    }

    [Fact]
    public async Task Creating_an_existing_skill_fails_with_DuplicateEntityException()
    {
        await SeedSkillAsync("excel");
        await Assert.ThrowsAsync<DuplicateEntityException>(() => Store.CreateSkillAsync(NewSkill(Tenant, "excel")));
    }

    [Fact]
    public async Task Update_with_a_stale_version_fails_with_VersionConflictException()
    {
        var v1 = await SeedSkillAsync("excel");
        var v2 = await Store.UpdateSkillAsync(v1 with { Name = "Excel" }, 1);
        Assert.Equal(2, v2.Version);
        await Assert.ThrowsAsync<VersionConflictException>(() => Store.UpdateSkillAsync(v1 with { Name = "Stale" }, 1));
    }

    [Fact]
    public async Task Adding_an_edge_twice_stores_it_once()
    {
        await SeedSkillAsync("a");
        await SeedSkillAsync("b");
        var edge = new SkillEdge { Tenant = Tenant, From = new SkillId("a"), To = new SkillId("b"), Kind = SkillEdgeKind.Related, Weight = 0.25 };

        Assert.True(await Store.AddSkillEdgeAsync(edge));
        Assert.False(await Store.AddSkillEdgeAsync(edge));
        var edges = await ToListAsync(Store.ListSkillEdgesAsync(Tenant));
        Assert.Equal(edge, Assert.Single(edges));
    }

    [Fact]
    public async Task Edges_of_different_kinds_between_the_same_skills_are_distinct()
    {
        await SeedSkillAsync("a");
        await SeedSkillAsync("b");
        Assert.True(await Store.AddSkillEdgeAsync(new SkillEdge { Tenant = Tenant, From = new SkillId("a"), To = new SkillId("b"), Kind = SkillEdgeKind.Prerequisite }));
        Assert.True(await Store.AddSkillEdgeAsync(new SkillEdge { Tenant = Tenant, From = new SkillId("a"), To = new SkillId("b"), Kind = SkillEdgeKind.Broader }));
        Assert.Equal(2, (await ToListAsync(Store.ListSkillEdgesAsync(Tenant))).Count);
    }

    [Fact]
    public async Task An_edge_to_an_unknown_skill_fails_with_EntityNotFoundException()
    {
        await SeedSkillAsync("a");
        var e = await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.AddSkillEdgeAsync(
            new SkillEdge { Tenant = Tenant, From = new SkillId("a"), To = new SkillId("missing"), Kind = SkillEdgeKind.Prerequisite }));
        Assert.Equal("missing", e.Id);
        Assert.Empty(await ToListAsync(Store.ListSkillEdgesAsync(Tenant)));
    }

    [Fact]
    public async Task Removing_an_edge_removes_it_once()
    {
        await SeedSkillAsync("a");
        await SeedSkillAsync("b");
        await Store.AddSkillEdgeAsync(new SkillEdge { Tenant = Tenant, From = new SkillId("a"), To = new SkillId("b"), Kind = SkillEdgeKind.Prerequisite });

        Assert.True(await Store.RemoveSkillEdgeAsync(Tenant, new SkillId("a"), new SkillId("b"), SkillEdgeKind.Prerequisite));
        Assert.False(await Store.RemoveSkillEdgeAsync(Tenant, new SkillId("a"), new SkillId("b"), SkillEdgeKind.Prerequisite));
        Assert.Empty(await ToListAsync(Store.ListSkillEdgesAsync(Tenant)));
    }

    [Fact]
    public async Task Evidence_is_appended_and_listed_per_learner_in_order()
    {
        await SeedLearnerAsync("ada");
        await SeedLearnerAsync("bob");
        await SeedSkillAsync("excel");
        var e1 = new ProficiencyEvidence { Tenant = Tenant, Learner = new LearnerId("ada"), Skill = new SkillId("excel"), Source = EvidenceSource.Self, Level = 0.5, ObservedAt = T0 };
        var e2 = e1 with { Source = EvidenceSource.PeerEndorsement, GivenBy = new LearnerId("bob"), Level = 0.75, ObservedAt = T0.AddDays(1) };
        var e3 = e1 with { Learner = new LearnerId("bob"), Level = 0.25 };

        Assert.True(await Store.AppendEvidenceAsync(e1));
        Assert.True(await Store.AppendEvidenceAsync(e2));
        Assert.True(await Store.AppendEvidenceAsync(e3));

        Assert.Equal([e1, e2], await ToListAsync(Store.ListEvidenceAsync(Tenant, new LearnerId("ada"))));
        Assert.Equal(3, (await ToListAsync(Store.ListEvidenceAsync(Tenant))).Count);
    }

    [Fact]
    public async Task Evidence_for_an_unknown_skill_or_learner_fails_with_EntityNotFoundException()
    {
        await SeedLearnerAsync("ada");
        await SeedSkillAsync("excel");
        var evidence = new ProficiencyEvidence { Tenant = Tenant, Learner = new LearnerId("ada"), Skill = new SkillId("missing"), Source = EvidenceSource.Self, Level = 0.5, ObservedAt = T0 };

        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.AppendEvidenceAsync(evidence));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.AppendEvidenceAsync(evidence with { Skill = new SkillId("excel"), Learner = new LearnerId("ghost") }));
        Assert.Empty(await ToListAsync(Store.ListEvidenceAsync(Tenant)));
    }

    [Fact]
    public async Task Evidence_retried_with_the_same_idempotency_key_is_stored_once()
    {
        await SeedLearnerAsync("ada");
        await SeedSkillAsync("excel");
        var evidence = new ProficiencyEvidence { Tenant = Tenant, Learner = new LearnerId("ada"), Skill = new SkillId("excel"), Source = EvidenceSource.Activity, Level = 0.5, ObservedAt = T0 };

        Assert.True(await Store.AppendEvidenceAsync(evidence, "ev-1"));
        Assert.False(await Store.AppendEvidenceAsync(evidence, "ev-1"));
        Assert.Single(await ToListAsync(Store.ListEvidenceAsync(Tenant)));
    }
}

/// <summary>Contributions and their revisions.</summary>
public abstract class ContributionStoreConformanceTests<TFactory> : StoreConformanceTestBase<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task Create_then_get_round_trips_every_field()
    {
        await SeedLearnerAsync("author");
        var question = NewContribution(Tenant, "q1", "author", "excel", "invoicing") with { Kind = ContributionKind.Question };
        await Store.CreateContributionAsync(question);
        var answer = NewContribution(Tenant, "a1", "author") with
        {
            Kind = ContributionKind.Answer,
            ParentId = new ContributionId("q1"),
            Url = new Uri("https://example.org/guide?x=1"),
            Status = ContributionStatus.PendingReview,
            Audience = new Audience { Teams = ["finance", "ops"], Roles = ["clerk"] },
            Body = "Unicode ✓ — ünïcödé, emoji 🎉, quotes \"'<>&",
        };
        await Store.CreateContributionAsync(answer);

        Assert.Equal(question with { Version = 1 }, await Store.GetContributionAsync(Tenant, question.Id));
        Assert.Equal(answer with { Version = 1 }, await Store.GetContributionAsync(Tenant, answer.Id));
    }

    [Fact]
    public async Task Creating_a_contribution_by_an_unknown_author_fails_with_EntityNotFoundException()
    {
        var e = await Assert.ThrowsAsync<EntityNotFoundException>(() => Store.CreateContributionAsync(NewContribution(Tenant, "c1", "ghost")));
        Assert.Equal("ghost", e.Id);
        Assert.Null(await Store.GetContributionAsync(Tenant, new ContributionId("c1")));
    }

    [Fact]
    public async Task Creating_an_existing_id_fails_with_DuplicateEntityException()
    {
        await SeedContributionAsync("c1");
        await Assert.ThrowsAsync<DuplicateEntityException>(() => Store.CreateContributionAsync(NewContribution(Tenant, "c1", "author")));
    }

    [Fact]
    public async Task Update_increments_the_version_and_keeps_a_revision_per_version()
    {
        var v1 = await SeedContributionAsync("c1");
        await SeedLearnerAsync("editor");
        var v2 = await Store.UpdateContributionAsync(v1 with { Title = "Better title", Body = "Better body", UpdatedBy = new LearnerId("editor"), UpdatedAt = T0.AddHours(1) }, 1);

        Assert.Equal(2, v2.Version);
        var revisions = await ToListAsync(Store.ListRevisionsAsync(Tenant, v1.Id));
        Assert.Equal([1L, 2L], revisions.Select(r => r.Version));
        Assert.Equal(v1.Title, revisions[0].Title);
        Assert.Equal("Better body", revisions[1].Body);
        Assert.Equal(new LearnerId("editor"), revisions[1].EditedBy);
    }

    [Fact]
    public async Task The_moderators_decision_round_trips_through_create_update_list_and_replay()
    {
        await SeedLearnerAsync("author");
        await SeedLearnerAsync("mod");
        var reviewedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(-5)).AddTicks(1234);
        var created = NewContribution(Tenant, "c1", "author") with
        {
            ReviewedBy = new LearnerId("mod"),
            ReviewedAt = reviewedAt,
            FeaturedBy = new LearnerId("mod"),
            FeaturedUntil = reviewedAt.AddDays(30).ToOffset(TimeSpan.FromHours(2)).AddTicks(7),
        };
        Assert.Equal(created with { Version = 1 }, await Store.CreateContributionAsync(created, "share-reviewed"));
        Assert.Equal(created with { Version = 1 }, await Store.CreateContributionAsync(created, "share-reviewed"));
        Assert.Equal(created with { Version = 1 }, await Store.GetContributionAsync(Tenant, created.Id));

        var later = reviewedAt.AddDays(1).ToOffset(TimeSpan.FromHours(9));
        var approved = await Store.UpdateContributionAsync(created with { Version = 1, ReviewedAt = later, Status = ContributionStatus.Hidden }, 1);
        Assert.Equal(later, (await Store.GetContributionAsync(Tenant, created.Id))!.ReviewedAt);
        Assert.Equal(TimeSpan.FromHours(9), (await Store.GetContributionAsync(Tenant, created.Id))!.ReviewedAt!.Value.Offset);

        Assert.Equal(created.FeaturedUntil, (await Store.GetContributionAsync(Tenant, created.Id))!.FeaturedUntil);
        var cleared = await Store.UpdateContributionAsync(approved with { ReviewedBy = null, ReviewedAt = null, FeaturedBy = null, FeaturedUntil = null }, approved.Version);
        var listed = Assert.Single(await ToListAsync(Store.ListContributionsAsync(Tenant)));
        Assert.Equal(cleared, listed);
        Assert.Null(listed.ReviewedBy);
        Assert.Null(listed.ReviewedAt);
        Assert.Null(listed.FeaturedBy);
        Assert.Null(listed.FeaturedUntil);
    }

    [Fact]
    public async Task Update_keeps_the_original_author_and_creation_time()
    {
        var v1 = await SeedContributionAsync("c1");
        var v2 = await Store.UpdateContributionAsync(v1 with { Author = new LearnerId("someone-else"), CreatedAt = T0.AddYears(1) }, 1);
        Assert.Equal(v1.Author, v2.Author);
        Assert.Equal(v1.CreatedAt, (await Store.GetContributionAsync(Tenant, v1.Id))!.CreatedAt);
    }

    [Fact]
    public async Task Update_with_a_stale_version_fails_and_keeps_the_stored_text()
    {
        var v1 = await SeedContributionAsync("c1");
        await Store.UpdateContributionAsync(v1 with { Title = "Winner" }, 1);

        var e = await Assert.ThrowsAsync<VersionConflictException>(() => Store.UpdateContributionAsync(v1 with { Title = "Loser" }, 1));
        Assert.Equal(2, e.ActualVersion);
        Assert.Equal("Winner", (await Store.GetContributionAsync(Tenant, v1.Id))!.Title);
        Assert.Equal(2, (await ToListAsync(Store.ListRevisionsAsync(Tenant, v1.Id))).Count);
    }

    [Fact]
    public async Task Revisions_of_an_unknown_contribution_fail_with_EntityNotFoundException()
    {
        await Assert.ThrowsAsync<EntityNotFoundException>(() => ToListAsync(Store.ListRevisionsAsync(Tenant, new ContributionId("none"))));
    }

    [Fact]
    public async Task List_returns_every_contribution_ordered_by_id()
    {
        foreach (var id in new[] { "c3", "c1", "c2" })
        {
            await SeedContributionAsync(id);
        }

        Assert.Equal(["c1", "c2", "c3"], (await ToListAsync(Store.ListContributionsAsync(Tenant))).Select(c => c.Id.Value));
    }

    [Fact]
    public async Task Create_retried_with_the_same_idempotency_key_writes_once()
    {
        await SeedLearnerAsync("author");
        var first = await Store.CreateContributionAsync(NewContribution(Tenant, "c1", "author"), "share-1");
        var retry = await Store.CreateContributionAsync(NewContribution(Tenant, "c1", "author"), "share-1");

        Assert.Equal(first, retry);
        Assert.Single(await ToListAsync(Store.ListContributionsAsync(Tenant)));
        Assert.Single(await ReadAllChangesAsync(Tenant), c => c.Kind == ChangeKind.ContributionCreated);
    }

    [Fact]
    public async Task A_new_contribution_has_zero_counters()
    {
        await SeedContributionAsync("c1");
        Assert.Equal(ContributionCounters.Zero, await Store.GetCountersAsync(Tenant, new ContributionId("c1")));
    }
}
