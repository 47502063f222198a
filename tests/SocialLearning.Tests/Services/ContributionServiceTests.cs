namespace SocialLearning.Tests.Services;

public sealed class ContributionServiceTests
{
    [Fact]
    public async Task Sharing_stores_a_published_tip_with_trimmed_title_parsed_keys_and_the_clock_time()
    {
        using var host = await TestHost.CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip("  Use templates  "));

        Assert.Equal("Use templates", tip.Title);
        Assert.Equal(ContributionStatus.Published, tip.Status);
        Assert.Equal([ContextKey.Parse("route:/invoices/new")], tip.ContextKeys);
        Assert.Equal(host.Clock.GetUtcNow(), tip.CreatedAt);
        Assert.Equal(tip, await host.Contributions.GetAsync(host.Tenant, tip.Id));
    }

    [Theory]
    [InlineData("", "request.Title")]
    [InlineData("   ", "request.Title")]
    public async Task An_empty_title_is_rejected_naming_the_field(string title, string field)
    {
        using var host = await TestHost.CreateAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.ShareAsync(host.Tip() with { Title = title }));
        Assert.Equal(field, e.ParamName);
    }

    [Fact]
    public async Task Oversized_title_and_body_are_rejected_naming_the_field_and_limit()
    {
        using var host = await TestHost.CreateAsync(o => o.MaxBodyLength = 50);
        var title = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.ShareAsync(host.Tip(new string('t', 201))));
        var body = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.ShareAsync(host.Tip() with { Body = new string('b', 51) }));

        Assert.Equal("request.Title", title.ParamName);
        Assert.Contains("200", title.Message, StringComparison.Ordinal);
        Assert.Equal("request.Body", body.ParamName);
        Assert.Contains("50", body.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_context_key_is_rejected_naming_its_index()
    {
        using var host = await TestHost.CreateAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.ShareAsync(host.Tip() with { ContextKeys = ["route:/ok", "not a key"] }));
        Assert.Equal("request.ContextKeys[1]", e.ParamName);
    }

    [Fact]
    public async Task An_unknown_skill_is_rejected_naming_its_index_unless_auto_create_is_on()
    {
        using var strict = await TestHost.CreateAsync();
        var e = await Assert.ThrowsAsync<EntityNotFoundException>(() => strict.Contributions.ShareAsync(strict.Tip("t", "invoicing", "unknown-skill")));
        Assert.Equal("request.Skills[1]", e.Field);
        Assert.Empty(await ToListAsync(strict.Store.ListContributionsAsync(strict.Tenant)));

        using var lenient = await TestHost.CreateAsync(o => o.AutoCreateSkills = true);
        await lenient.Contributions.ShareAsync(lenient.Tip("t", "invoicing", "new-skill"));
        Assert.NotNull(await lenient.Store.GetSkillAsync(lenient.Tenant, new SkillId("new-skill")));
    }

    [Fact]
    public async Task An_unknown_author_is_rejected()
    {
        using var host = await TestHost.CreateAsync();
        var e = await Assert.ThrowsAsync<EntityNotFoundException>(() => host.Contributions.ShareAsync(host.Tip() with { Author = new LearnerId("ghost") }));
        Assert.Equal("request.Author", e.Field);
    }

    [Fact]
    public async Task Answers_need_a_question_parent_and_links_need_an_http_url()
    {
        using var host = await TestHost.CreateAsync();
        var noParent = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.ShareAsync(host.Tip() with { Kind = ContributionKind.Answer }));
        Assert.Equal("request.ParentId", noParent.ParamName);

        var tip = await host.Contributions.ShareAsync(host.Tip());
        var notAQuestion = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.ShareAsync(host.Tip() with { Kind = ContributionKind.Answer, ParentId = tip.Id }));
        Assert.Equal("request.ParentId", notAQuestion.ParamName);

        var badUrl = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.ShareAsync(host.Tip() with { Kind = ContributionKind.ResourceLink, Url = new Uri("javascript:alert(1)") }));
        Assert.Equal("request.Url", badUrl.ParamName);
    }

    [Fact]
    public async Task Editing_keeps_revisions_and_a_stale_version_conflicts()
    {
        using var host = await TestHost.CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip());
        var edited = await host.Contributions.EditAsync(new EditContributionRequest { Tenant = host.Tenant, Id = tip.Id, Editor = host.Bob, ExpectedVersion = 1, Body = "Clearer body" });

        Assert.Equal(2, edited.Version);
        Assert.Equal(host.Bob, edited.UpdatedBy);
        Assert.Equal(host.Ada, edited.Author);
        await Assert.ThrowsAsync<VersionConflictException>(() => host.Contributions.EditAsync(new EditContributionRequest { Tenant = host.Tenant, Id = tip.Id, Editor = host.Ada, ExpectedVersion = 1, Title = "stale" }));
        var revisions = await host.Contributions.GetRevisionsAsync(host.Tenant, tip.Id);
        Assert.Equal(["Save time with **templates**.", "Clearer body"], revisions.Select(r => r.Body));
    }

    [Fact]
    public async Task Peer_edits_can_be_turned_off_and_only_the_author_changes_status()
    {
        using var host = await TestHost.CreateAsync(o => o.AllowPeerEdits = false);
        var tip = await host.Contributions.ShareAsync(host.Tip());
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Contributions.EditAsync(new EditContributionRequest { Tenant = host.Tenant, Id = tip.Id, Editor = host.Bob, ExpectedVersion = 1, Body = "x" }));

        using var open = await TestHost.CreateAsync();
        var tip2 = await open.Contributions.ShareAsync(open.Tip());
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => open.Contributions.EditAsync(new EditContributionRequest { Tenant = open.Tenant, Id = tip2.Id, Editor = open.Bob, ExpectedVersion = 1, Status = ContributionStatus.Archived }));
        var archived = await open.Contributions.EditAsync(new EditContributionRequest { Tenant = open.Tenant, Id = tip2.Id, Editor = open.Ada, ExpectedVersion = 1, Status = ContributionStatus.Archived });
        Assert.Equal(ContributionStatus.Archived, archived.Status);
    }

    [Fact]
    public async Task Feedback_is_one_vote_per_learner_and_self_votes_are_rejected()
    {
        using var host = await TestHost.CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip());

        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, tip.Id, FeedbackKind.Helpful);
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Bob, tip.Id, FeedbackKind.Helpful);
        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Contributions.GiveFeedbackAsync(host.Tenant, host.Ada, tip.Id, FeedbackKind.Helpful));
        await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Ada, tip.Id, FeedbackKind.Saved);

        var counters = await host.Contributions.GetCountersAsync(host.Tenant, tip.Id);
        Assert.Equal((1L, 1L), (counters.Helpful, counters.Saves));
    }

    [Fact]
    public async Task Only_the_question_author_can_accept_an_answer()
    {
        using var host = await TestHost.CreateAsync();
        await host.Learners.UpsertAsync(host.Tenant, new LearnerId("carol"), "Carol");
        var question = await host.Contributions.ShareAsync(host.Tip("How do I void an invoice?") with { Kind = ContributionKind.Question });
        var answer = await host.Contributions.ShareAsync(host.Tip("Use the void button") with { Author = host.Bob, Kind = ContributionKind.Answer, ParentId = question.Id });

        await Assert.ThrowsAsync<SocialLearningForbiddenException>(() => host.Contributions.GiveFeedbackAsync(host.Tenant, new LearnerId("carol"), answer.Id, FeedbackKind.Accepted));
        var accepted = await host.Contributions.GiveFeedbackAsync(host.Tenant, host.Ada, answer.Id, FeedbackKind.Accepted);
        Assert.Equal(1, accepted.Counters.Accepts);
    }

    [Fact]
    public async Task Flags_from_three_distinct_learners_hide_a_published_tip()
    {
        using var host = await TestHost.CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip());
        for (var i = 0; i < 3; i++)
        {
            await host.Learners.UpsertAsync(host.Tenant, new LearnerId("f" + i), "Flagger " + i);
        }

        host.Clock.Advance(TimeSpan.FromDays(1)); // flags count from learners known for TrustedFlaggerMinimumAge
        await host.Contributions.FlagAsync(host.Tenant, new LearnerId("f0"), tip.Id, "spam");
        await host.Contributions.FlagAsync(host.Tenant, new LearnerId("f0"), tip.Id, "spam again");
        await host.Contributions.FlagAsync(host.Tenant, new LearnerId("f1"), tip.Id, "spam");
        Assert.Equal(ContributionStatus.Published, (await host.Contributions.GetAsync(host.Tenant, tip.Id)).Status);

        await host.Contributions.FlagAsync(host.Tenant, new LearnerId("f2"), tip.Id, "spam");
        Assert.Equal(ContributionStatus.Hidden, (await host.Contributions.GetAsync(host.Tenant, tip.Id)).Status);
    }

    [Fact]
    public async Task A_flag_needs_a_reason()
    {
        using var host = await TestHost.CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip());
        var e = await Assert.ThrowsAsync<ArgumentException>(() => host.Contributions.FlagAsync(host.Tenant, host.Bob, tip.Id, " "));
        Assert.Equal("reason", e.ParamName);
    }

    [Fact]
    public async Task Another_tenants_contribution_is_not_found()
    {
        using var host = await TestHost.CreateAsync();
        var tip = await host.Contributions.ShareAsync(host.Tip());
        var other = new TenantId("other-tenant");
        await host.Learners.UpsertAsync(other, host.Bob, "Bob elsewhere");

        await Assert.ThrowsAsync<EntityNotFoundException>(() => host.Contributions.GetAsync(other, tip.Id));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => host.Contributions.GiveFeedbackAsync(other, host.Bob, tip.Id, FeedbackKind.NotHelpful));
        Assert.Equal(0, (await host.Contributions.GetCountersAsync(host.Tenant, tip.Id)).NotHelpful);
    }

    [Fact]
    public async Task A_cancelled_share_writes_nothing()
    {
        using var host = await TestHost.CreateAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Contributions.ShareAsync(host.Tip(), cts.Token));
        Assert.Empty(await ToListAsync(host.Store.ListContributionsAsync(host.Tenant)));
    }

    [Fact]
    public async Task A_retried_share_with_an_idempotency_key_returns_the_same_tip()
    {
        using var host = await TestHost.CreateAsync();
        var first = await host.Contributions.ShareAsync(host.Tip() with { IdempotencyKey = "k1" });
        var retry = await host.Contributions.ShareAsync(host.Tip() with { IdempotencyKey = "k1" });
        Assert.Equal(first.Id, retry.Id);
        Assert.Single(await ToListAsync(host.Store.ListContributionsAsync(host.Tenant)));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var x in source)
        {
            list.Add(x);
        }

        return list;
    }
}
