using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.Tests.Services;

public sealed class ModerationServiceTests
{
    private static readonly LearnerId Mod = new("mod");

    [Fact]
    public async Task Only_a_learner_with_the_moderator_role_may_read_the_queue_or_decide()
    {
        using var host = await CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip() with { Status = ContributionStatus.PendingReview });

        var read = await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Moderation.GetReviewQueueAsync(host.Tenant, host.Bob));
        Assert.Contains("'moderator'", read.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Moderation.ApproveAsync(host.Tenant, host.Bob, tip.Id, tip.Version));
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Moderation.HideAsync(host.Tenant, host.Bob, tip.Id, tip.Version));
        var ghost = await Assert.ThrowsAsync<EntityNotFoundException>(() => host.Moderation.ApproveAsync(host.Tenant, new LearnerId("ghost"), tip.Id, tip.Version));
        Assert.Equal("moderator", ghost.Field);
        Assert.Equal(ContributionStatus.PendingReview, (await host.Contributions.GetAsync(host.Tenant, tip.Id)).Status);

        // The role is an option, compared ordinally.
        using var custom = await CreateAsync(o => o.ModeratorRole = "Curator", modRole: "curator");
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => custom.Moderation.GetReviewQueueAsync(custom.Tenant, Mod));
        await custom.Learners.UpsertAsync(custom.Tenant, Mod, "Mo", roles: ["Curator"]);
        Assert.Empty(await custom.Moderation.GetReviewQueueAsync(custom.Tenant, Mod));
    }

    [Fact]
    public async Task Approving_a_pending_contribution_publishes_it_and_records_the_decision()
    {
        using var host = await CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip() with { Status = ContributionStatus.PendingReview });
        var item = Assert.Single(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod));
        Assert.Equal((tip.Id, ReviewReason.PendingReview, tip.CreatedAt), (item.Contribution.Id, item.Reason, item.Since));

        host.Clock.Advance(TimeSpan.FromMinutes(5));
        var approved = await host.Moderation.ApproveAsync(host.Tenant, Mod, tip.Id, item.Contribution.Version);

        Assert.Equal(ContributionStatus.Published, approved.Status);
        Assert.Equal(Mod, approved.ReviewedBy);
        Assert.Equal(host.Clock.GetUtcNow(), approved.ReviewedAt);
        Assert.Equal(approved, await host.Contributions.GetAsync(host.Tenant, tip.Id));
        Assert.Empty(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod));
    }

    [Fact]
    public async Task A_stale_version_is_a_conflict_and_changes_nothing()
    {
        using var host = await CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip() with { Status = ContributionStatus.PendingReview });
        await host.Contributions.EditAsync(new EditContributionRequest { Tenant = host.Tenant, Id = tip.Id, Editor = host.Ada, ExpectedVersion = 1, Title = "Changed while in review" });

        await Assert.ThrowsAsync<VersionConflictException>(() => host.Moderation.ApproveAsync(host.Tenant, Mod, tip.Id, 1));
        var stored = await host.Contributions.GetAsync(host.Tenant, tip.Id);
        Assert.Equal((ContributionStatus.PendingReview, (LearnerId?)null), (stored.Status, stored.ReviewedBy));
    }

    [Fact]
    public async Task Drafts_and_archived_contributions_cannot_be_decided_and_bad_input_names_the_field()
    {
        using var host = await CreateAsync();
        var draft = await host.Contributions.ShareAsync(host.Tip() with { Status = ContributionStatus.Draft });

        var e = await Assert.ThrowsAsync<ArgumentException>(() => host.Moderation.ApproveAsync(host.Tenant, Mod, draft.Id, draft.Version));
        Assert.Equal("contribution", e.ParamName);
        Assert.Contains("Draft", e.Message, StringComparison.Ordinal);
        Assert.Equal("contribution", (await Assert.ThrowsAsync<EntityNotFoundException>(() => host.Moderation.HideAsync(host.Tenant, Mod, new ContributionId("none"), 1))).Field);
        Assert.Equal("expectedVersion", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Moderation.HideAsync(host.Tenant, Mod, draft.Id, 0))).ParamName);
        Assert.Equal("limit", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Moderation.GetReviewQueueAsync(host.Tenant, Mod, 0))).ParamName);
        Assert.Equal("limit", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Moderation.GetReviewQueueAsync(host.Tenant, Mod, 501))).ParamName);
    }

    [Fact]
    public async Task Flags_hide_a_tip_a_moderator_restores_it_and_only_new_flags_can_hide_it_again()
    {
        using var host = await CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip());
        await FlagAsync(host, tip.Id, "f0", "f1", "f2");
        var hidden = Assert.Single(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod));
        Assert.Equal(ReviewReason.Hidden, hidden.Reason);
        Assert.Equal(["f0", "f1", "f2"], hidden.Flags.Select(f => f.Learner.Value));
        Assert.Equal("reason of f1", hidden.Flags[1].Reason);

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var restored = await host.Moderation.ApproveAsync(host.Tenant, Mod, tip.Id, hidden.Contribution.Version);
        Assert.Equal(ContributionStatus.Published, restored.Status);
        host.Clock.Advance(TimeSpan.FromSeconds(1));

        // Two new flags: below the threshold of three since the decision, so it stays up and waits in the queue.
        await FlagAsync(host, tip.Id, "f3", "f4");
        Assert.Equal(ContributionStatus.Published, (await host.Contributions.GetAsync(host.Tenant, tip.Id)).Status);
        var flagged = Assert.Single(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod));
        Assert.Equal(ReviewReason.Flagged, flagged.Reason);
        Assert.Equal(["f3", "f4"], flagged.Flags.Select(f => f.Learner.Value));
        Assert.Equal(flagged.Flags[0].FlaggedAt, flagged.Since);

        await FlagAsync(host, tip.Id, "f5");
        Assert.Equal(ContributionStatus.Hidden, (await host.Contributions.GetAsync(host.Tenant, tip.Id)).Status);
    }

    [Fact]
    public async Task Flags_from_accounts_newer_than_TrustedFlaggerMinimumAge_are_shown_but_hide_nothing()
    {
        using var host = await CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip());
        host.Clock.Advance(TimeSpan.FromHours(1));
        foreach (var fresh in new[] { "n0", "n1", "n2" })
        {
            await host.Learners.UpsertAsync(host.Tenant, new LearnerId(fresh), fresh);
            host.Clock.Advance(TimeSpan.FromHours(1));
            await host.Contributions.FlagAsync(host.Tenant, new LearnerId(fresh), tip.Id, "made up");
        }

        Assert.Equal(ContributionStatus.Published, (await host.Contributions.GetAsync(host.Tenant, tip.Id)).Status);
        var item = Assert.Single(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod));
        Assert.Equal(ReviewReason.Flagged, item.Reason);
        Assert.Equal([false, false, false], item.Flags.Select(f => f.Trusted));

        // Two learners known for a day and a moderator made minutes ago: three trusted flags hide it.
        await FlagAsync(host, tip.Id, "t0", "t1");
        Assert.Equal(ContributionStatus.Published, (await host.Contributions.GetAsync(host.Tenant, tip.Id)).Status);
        var newModerator = new LearnerId("new-mod");
        await host.Learners.UpsertAsync(host.Tenant, newModerator, "New moderator", roles: ["moderator"]);
        await host.Contributions.FlagAsync(host.Tenant, newModerator, tip.Id, "confirmed");
        Assert.Equal(ContributionStatus.Hidden, (await host.Contributions.GetAsync(host.Tenant, tip.Id)).Status);
        Assert.Equal([false, false, false, true, true, true], Assert.Single(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod)).Flags.Select(f => f.Trusted));

        // Zero trusts everyone: the same three fresh flags hide it.
        using var open = await CreateAsync(o => o.TrustedFlaggerMinimumAge = TimeSpan.Zero);
        var other = await open.Contributions.ShareAsync(open.Tip());
        foreach (var fresh in new[] { "n0", "n1", "n2" })
        {
            await open.Learners.UpsertAsync(open.Tenant, new LearnerId(fresh), fresh);
            await open.Contributions.FlagAsync(open.Tenant, new LearnerId(fresh), other.Id, "made up");
        }

        Assert.Equal(ContributionStatus.Hidden, (await open.Contributions.GetAsync(open.Tenant, other.Id)).Status);
    }

    [Fact]
    public async Task A_moderator_hides_or_rejects_and_the_author_cannot_publish_it_again()
    {
        using var host = await CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip());
        var pending = await host.Contributions.ShareAsync(host.Tip("Second") with { Status = ContributionStatus.PendingReview });
        var hidden = await host.Moderation.HideAsync(host.Tenant, Mod, tip.Id, tip.Version);
        var rejected = await host.Moderation.HideAsync(host.Tenant, Mod, pending.Id, pending.Version);
        Assert.Equal((ContributionStatus.Hidden, ContributionStatus.Hidden), (hidden.Status, rejected.Status));
        Assert.Empty(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod));

        foreach (var status in new[] { ContributionStatus.Published, ContributionStatus.Draft, ContributionStatus.PendingReview })
        {
            await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Contributions.EditAsync(
                new EditContributionRequest { Tenant = host.Tenant, Id = tip.Id, Editor = host.Ada, ExpectedVersion = hidden.Version, Status = status }));
        }

        // The author may still improve the text; that puts it back in front of a moderator.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var edited = await host.Contributions.EditAsync(new EditContributionRequest { Tenant = host.Tenant, Id = tip.Id, Editor = host.Ada, ExpectedVersion = hidden.Version, Body = "Fixed." });
        var back = Assert.Single(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod));
        Assert.Equal((tip.Id, ReviewReason.Hidden, edited.UpdatedAt), (back.Contribution.Id, back.Reason, back.Since));

        var archived = await host.Contributions.EditAsync(new EditContributionRequest { Tenant = host.Tenant, Id = tip.Id, Editor = host.Ada, ExpectedVersion = edited.Version, Status = ContributionStatus.Archived });
        Assert.Equal(ContributionStatus.Archived, archived.Status);
    }

    [Fact]
    public async Task A_contribution_pending_review_is_published_by_a_moderator_not_by_its_author()
    {
        using var host = await CreateAsync();
        var pending = await host.Contributions.ShareAsync(host.Tip() with { Status = ContributionStatus.PendingReview });
        var e = await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Contributions.EditAsync(
            new EditContributionRequest { Tenant = host.Tenant, Id = pending.Id, Editor = host.Ada, ExpectedVersion = 1, Status = ContributionStatus.Published }));
        Assert.Contains("IModerationService.ApproveAsync", e.Message, StringComparison.Ordinal);

        // Not even a moderator, by editing: the decision goes through the moderation service, which records it.
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Contributions.EditAsync(
            new EditContributionRequest { Tenant = host.Tenant, Id = pending.Id, Editor = Mod, ExpectedVersion = 1, Status = ContributionStatus.Published }));

        var withdrawn = await host.Contributions.EditAsync(
            new EditContributionRequest { Tenant = host.Tenant, Id = pending.Id, Editor = host.Ada, ExpectedVersion = 1, Status = ContributionStatus.Draft });
        Assert.Equal(ContributionStatus.Draft, withdrawn.Status);
    }

    [Fact]
    public async Task With_RequireReview_what_non_moderators_publish_waits_for_review()
    {
        using var host = await CreateAsync(o => o.RequireReview = true);
        var shared = await host.Contributions.ShareAsync(host.Tip());
        Assert.Equal(ContributionStatus.PendingReview, shared.Status);

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var draft = await host.Contributions.ShareAsync(host.Tip("Draft first") with { Status = ContributionStatus.Draft });
        var published = await host.Contributions.EditAsync(
            new EditContributionRequest { Tenant = host.Tenant, Id = draft.Id, Editor = host.Ada, ExpectedVersion = 1, Status = ContributionStatus.Published });
        Assert.Equal(ContributionStatus.PendingReview, published.Status);

        var byModerator = await host.Contributions.ShareAsync(host.Tip("From the learning team") with { Author = Mod });
        Assert.Equal(ContributionStatus.Published, byModerator.Status);

        Assert.Equal([shared.Id, draft.Id], (await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod)).Select(i => i.Contribution.Id));
        Assert.Single(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod, limit: 1));

        using var open = await CreateAsync();
        Assert.Equal(ContributionStatus.Published, (await open.Contributions.ShareAsync(open.Tip())).Status);
    }

    [Fact]
    public async Task The_queue_is_oldest_first_and_skips_what_needs_no_decision()
    {
        using var host = await CreateAsync();
        var first = await host.Contributions.ShareAsync(host.Tip("First") with { Status = ContributionStatus.PendingReview });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var clean = await host.Contributions.ShareAsync(host.Tip("Clean"));
        var flagged = await host.Contributions.ShareAsync(host.Tip("Flagged once"));
        await host.Contributions.ShareAsync(host.Tip("A draft") with { Status = ContributionStatus.Draft });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await host.Contributions.ShareAsync(host.Tip("Second") with { Status = ContributionStatus.PendingReview });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await FlagAsync(host, flagged.Id, "f0");

        var queue = await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod);
        Assert.Equal([first.Id, second.Id, flagged.Id], queue.Select(i => i.Contribution.Id));
        Assert.DoesNotContain(queue, i => i.Contribution.Id == clean.Id);

        // Keeping a flagged tip is an approval too: its flag is handled and it leaves the queue.
        await host.Moderation.ApproveAsync(host.Tenant, Mod, flagged.Id, flagged.Version);
        Assert.Equal([first.Id, second.Id], (await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod)).Select(i => i.Contribution.Id));
    }

    [Fact]
    public async Task Vote_patterns_report_helpful_votes_concentrated_on_one_colleague_and_whether_they_go_both_ways()
    {
        using var host = await CreateAsync();
        var tips = new Dictionary<string, List<ContributionId>>();
        foreach (var author in new[] { "r1", "r2", "a", "b", "c" })
        {
            await host.Learners.UpsertAsync(host.Tenant, new LearnerId(author), author);
            tips[author] = [];
            for (var i = 0; i < 6; i++)
            {
                tips[author].Add((await host.Contributions.ShareAsync(host.Tip($"{author} tip {i}") with { Author = new LearnerId(author) })).Id);
            }
        }

        async Task VoteAsync(string voter, string author, int count, FeedbackKind kind = FeedbackKind.Helpful)
        {
            foreach (var id in tips[author].Take(count))
            {
                host.Clock.Advance(TimeSpan.FromMinutes(1));
                await host.Contributions.GiveFeedbackAsync(host.Tenant, new LearnerId(voter), id, kind);
            }
        }

        await VoteAsync("r1", "r2", 6);                                   // all of r1's votes go to r2
        await VoteAsync("r2", "r1", 5);                                   // and r2 returns five
        await VoteAsync("r2", "a", 1);
        await VoteAsync("c", "a", 2);                                     // c spreads votes: never concentrated
        await VoteAsync("c", "b", 2);
        await VoteAsync("c", "r2", 2);
        await VoteAsync("a", "b", 6);                                     // a voted b's six up, then changed two to not helpful
        await VoteAsync("a", "b", 2, FeedbackKind.NotHelpful);

        var patterns = await host.Moderation.GetVotePatternsAsync(host.Tenant, Mod);
        Assert.Equal([("r1", "r2", 6, 1.0, 5), ("r2", "r1", 5, 5 / 6.0, 6)], patterns.Select(p => (p.Voter.Value, p.Author.Value, p.HelpfulVotes, p.Share, p.Reciprocal)));
        Assert.True(patterns[0].FirstVoteAt < patterns[0].LastVoteAt);

        // Lower thresholds bring in a's four remaining votes; a tighter share keeps only r1.
        var loose = await host.Moderation.GetVotePatternsAsync(host.Tenant, Mod, new VotePatternQuery { MinVotes = 4 });
        Assert.Contains(loose, p => p.Voter.Value == "a" && p.Author.Value == "b" && p.HelpfulVotes == 4 && p.Reciprocal == 0);
        Assert.Equal(["r1"], (await host.Moderation.GetVotePatternsAsync(host.Tenant, Mod, new VotePatternQuery { MinShare = 0.9 })).Select(p => p.Voter.Value));
        Assert.Single(await host.Moderation.GetVotePatternsAsync(host.Tenant, Mod, new VotePatternQuery { Limit = 1 }));

        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Moderation.GetVotePatternsAsync(host.Tenant, host.Bob));
        foreach (var bad in new[] { new VotePatternQuery { MinVotes = 0 }, new VotePatternQuery { MinShare = 0 }, new VotePatternQuery { MinShare = 1.5 }, new VotePatternQuery { Limit = 0 } })
        {
            var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Moderation.GetVotePatternsAsync(host.Tenant, Mod, bad));
            Assert.Matches("query\\.(MinVotes|MinShare|Limit)", e.Message);
        }
    }

    [Fact]
    public async Task A_learner_whose_flags_moderators_keep_overturning_no_longer_hides_anything()
    {
        using var host = await CreateAsync();

        // "serial" flags three tips that a moderator then approves: three overturned flags.
        for (var i = 0; i < 3; i++)
        {
            var tip = await host.Contributions.ShareAsync(host.Tip($"Fine tip {i}"));
            await FlagAsync(host, tip.Id, "serial");
            var flagged = await host.Contributions.GetAsync(host.Tenant, tip.Id);
            await host.Moderation.ApproveAsync(host.Tenant, Mod, tip.Id, flagged.Version);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        // A flag on a tip a moderator then hid was right, not overturned.
        var bad = await host.Contributions.ShareAsync(host.Tip("Bad tip"));
        await FlagAsync(host, bad.Id, "fair");
        await host.Moderation.HideAsync(host.Tenant, Mod, bad.Id, (await host.Contributions.GetAsync(host.Tenant, bad.Id)).Version);

        // Now serial and two others flag a tip: serial's flag does not count, so it stays published; a third trusted
        // colleague hides it.
        var target = await host.Contributions.ShareAsync(host.Tip("Target"));
        await FlagAsync(host, target.Id, "serial", "fair", "t1");
        Assert.Equal(ContributionStatus.Published, (await host.Contributions.GetAsync(host.Tenant, target.Id)).Status);
        var item = Assert.Single(await host.Moderation.GetReviewQueueAsync(host.Tenant, Mod));
        Assert.Equal([("serial", false, 3), ("fair", true, 0), ("t1", true, 0)], item.Flags.Select(f => (f.Learner.Value, f.Trusted, f.Overturned)));
        await FlagAsync(host, target.Id, "t2");
        Assert.Equal(ContributionStatus.Hidden, (await host.Contributions.GetAsync(host.Tenant, target.Id)).Status);

        // With the rule off the same three flags hide it.
        using var off = await CreateAsync(o => o.UntrustedAfterOverturnedFlags = 0);
        for (var i = 0; i < 3; i++)
        {
            var tip = await off.Contributions.ShareAsync(off.Tip($"Fine tip {i}"));
            await FlagAsync(off, tip.Id, "serial");
            await off.Moderation.ApproveAsync(off.Tenant, Mod, tip.Id, (await off.Contributions.GetAsync(off.Tenant, tip.Id)).Version);
        }

        var other = await off.Contributions.ShareAsync(off.Tip("Target"));
        await FlagAsync(off, other.Id, "serial", "fair", "t1");
        Assert.Equal(ContributionStatus.Hidden, (await off.Contributions.GetAsync(off.Tenant, other.Id)).Status);
        Assert.Contains("UntrustedAfterOverturnedFlags", Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new ServiceCollection().AddSocialLearning(o => o.UntrustedAfterOverturnedFlags = -1).UseInMemoryStorage().Services.BuildServiceProvider()
                .GetRequiredService<Microsoft.Extensions.Options.IOptions<SocialLearningOptions>>().Value).Message, StringComparison.Ordinal);
    }

    private static async Task<TestHost> CreateAsync(Action<SocialLearningOptions>? configure = null, string modRole = "moderator")
    {
        var host = await TestHost.CreateAsync(configure);
        await host.Learners.UpsertAsync(host.Tenant, Mod, "Mo", roles: [modRole]);
        return host;
    }

    /// <summary>Flags from learners known for a day (trusted), one second apart.</summary>
    private static async Task FlagAsync(TestHost host, ContributionId id, params string[] flaggers)
    {
        foreach (var flagger in flaggers)
        {
            await host.Learners.UpsertAsync(host.Tenant, new LearnerId(flagger), flagger);
        }

        host.Clock.Advance(TimeSpan.FromDays(1));
        foreach (var flagger in flaggers)
        {
            await host.Contributions.FlagAsync(host.Tenant, new LearnerId(flagger), id, "reason of " + flagger);
            host.Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }
}

public sealed class LearningTeamCancellationTests
{
    [Fact]
    public async Task Every_report_honours_a_cancelled_token()
    {
        using var host = await TestHost.CreateAsync();
        var mod = new LearnerId("mod");
        await host.Learners.UpsertAsync(host.Tenant, mod, "Mo", roles: ["moderator"]);
        await host.Contributions.ShareAsync(host.Tip());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Moderation.GetReviewQueueAsync(host.Tenant, mod, cancellationToken: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Moderation.GetVotePatternsAsync(host.Tenant, mod, cancellationToken: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Services.GetRequiredService<ILearningInsights>().GetAsync(host.Tenant, cancellationToken: cancelled.Token));
        var options = new XApiExportOptions { ActivityBaseUri = new Uri("https://app.example.com/"), AccountHomePage = new Uri("https://login.example.com") };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in host.Services.GetRequiredService<IXApiExporter>().ExportAsync(host.Tenant, options, cancelled.Token))
            {
            }
        });
    }
}

public sealed class ModeratorPolicyTests
{
    private sealed class AllowList(params string[] ids) : IModeratorPolicy
    {
        public string Requirement => "needs to be on the learning team's list";

        public bool IsModerator(Learner learner) => ids.Contains(learner.Id.Value);
    }

    [Fact]
    public async Task A_host_policy_replaces_the_role_for_moderation_trust_and_review()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero)));
        services.AddSingleton<IModeratorPolicy>(new AllowList("lead"));
        services.AddSocialLearning(o => { o.AutoCreateSkills = true; o.RequireReview = true; }).UseInMemoryStorage();
        using var provider = services.BuildServiceProvider();
        var tenant = new TenantId("acme");
        var learners = provider.GetRequiredService<ILearnerService>();
        var contributions = provider.GetRequiredService<IContributionService>();
        var moderation = provider.GetRequiredService<IModerationService>();
        await learners.UpsertAsync(tenant, new LearnerId("lead"), "Lead");                          // no roles at all
        await learners.UpsertAsync(tenant, new LearnerId("mod"), "Mod", roles: ["moderator"]);     // the default role, not enough here
        await learners.UpsertAsync(tenant, new LearnerId("ann"), "Ann");

        var share = new ShareContributionRequest { Tenant = tenant, Author = new LearnerId("ann"), Title = "Tip", Body = "Body", Skills = ["x"], ContextKeys = ["route:/x"] };
        var pending = await contributions.ShareAsync(share);
        Assert.Equal(ContributionStatus.PendingReview, pending.Status);
        Assert.Equal(ContributionStatus.Published, (await contributions.ShareAsync(share with { Author = new LearnerId("lead") })).Status);

        var refused = await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => moderation.GetReviewQueueAsync(tenant, new LearnerId("mod")));
        Assert.Contains("learning team's list", refused.Message, StringComparison.Ordinal);
        var item = Assert.Single(await moderation.GetReviewQueueAsync(tenant, new LearnerId("lead")));
        Assert.Equal(ContributionStatus.Published, (await moderation.ApproveAsync(tenant, new LearnerId("lead"), item.Contribution.Id, item.Contribution.Version)).Status);
    }
}
