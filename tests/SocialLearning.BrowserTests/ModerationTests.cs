namespace SocialLearning.BrowserTests;

[Collection(SampleServerCollection.Name)]
public sealed class ModerationTests(SampleServer server)
{
    [Fact]
    public async Task A_moderator_publishes_a_tip_sent_for_review_and_its_author_then_sees_it_published()
    {
        // Dan sends a tip to review through the same API the widget uses.
        var (danContext, dan) = await server.SignInAsync("dan", "/invoices");
        await using var danScope = danContext;
        var title = "<img src=x onerror=\"window.__pwned=1\"> Review me " + Guid.NewGuid().ToString("N")[..6];
        var shared = await dan.APIRequest.PostAsync("/social-learning/contributions", new()
        {
            DataObject = new { title, body = "Check the **period** on retainers. <script>window.__pwned=2</script> [x](javascript:window.__pwned=3)", contextKeys = new[] { "route:/invoices" }, status = "PendingReview" },
        });
        Assert.Equal(201, shared.Status);
        var id = (await shared.JsonAsync())!.Value.GetProperty("id").GetString()!;

        // Alice has no moderator role: the page refuses her.
        var (aliceContext, alice) = await server.SignInAsync("alice", "/invoices");
        await using (aliceContext)
        {
            Assert.Equal(403, (await alice.GotoAsync("/moderation"))!.Status);
            Assert.Equal(0, await alice.Locator("nav a[href='/moderation']").CountAsync());
        }

        // Carol does: the queue shows Dan's tip next to the seeded ones, with the seeded flag's reason.
        var (carolContext, carol) = await server.SignInAsync("carol", "/moderation");
        await using var carolScope = carolContext;
        var item = carol.Locator($".review-item[data-id='{id}']");
        Assert.Equal(title, await item.Locator("h2").InnerTextAsync());
        Assert.Equal("period", await item.Locator(".review-body strong").InnerTextAsync());
        Assert.Equal(0, await item.Locator(".review-body script, .review-body a[href^='javascript'], h2 img").CountAsync());
        Assert.True(await carol.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        Assert.Contains("Sent for review", await item.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("The export button moved", await carol.Locator(".review-item[data-id='demo-export-filter'] .flags").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("How do I split one invoice across two cost centres?", await carol.Locator("ul.unanswered").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("invoicing", await carol.Locator("table.gaps").InnerTextAsync(), StringComparison.Ordinal);
        // The seed has Dan voting helpful on four of Bob's tips (other tests on this server may add votes): the report
        // shows it, for Carol to judge.
        var patterns = await carol.Locator("ul.votes li").AllInnerTextsAsync();
        Assert.Contains(patterns, p => p.StartsWith("Dan Whitfield gave 4 of their helpful votes", StringComparison.Ordinal) && p.Contains("to Bob Okafor", StringComparison.Ordinal));
        await Widget.ScreenshotAsync(carol, "review-queue");

        await item.Locator("button", new() { HasText = "Publish" }).ClickAsync();
        await carol.Locator("main [role=status]", new() { HasText = "Done." }).WaitForAsync();
        Assert.Equal(0, await carol.Locator($".review-item[data-id='{id}']").CountAsync());

        var read = await dan.APIRequest.GetAsync($"/social-learning/contributions/{id}");
        Assert.Equal("Published", (await read.JsonAsync())!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_tip_the_learning_team_features_leads_the_widget_with_a_badge()
    {
        const string id = "demo-credit-note";
        const string title = "Never edit an invoice that was sent";
        var (aliceContext, alice) = await server.SignInAsync("alice", "/invoices");
        await using var aliceScope = aliceContext;
        await Widget.WaitReadyAsync(alice);
        var before = await Widget.TitlesAsync(alice);
        Assert.Contains(title, before);
        Assert.NotEqual(title, before[0]);
        Assert.Equal(0, await alice.Locator("social-learning-tips .sl-featured").CountAsync());

        // Carol (a moderator) features Bob's seeded tip through the API; Alice then sees it first, with the badge.
        var (carolContext, carol) = await server.SignInAsync("carol", "/invoices");
        await using var carolScope = carolContext;
        var read = await carol.APIRequest.GetAsync($"/social-learning/contributions/{id}");
        Assert.Equal(200, read.Status);
        var featured = await carol.APIRequest.PostAsync($"/social-learning/moderation/contributions/{id}/feature", new()
        {
            DataObject = new { until = DateTimeOffset.UtcNow.AddDays(7) },
            Headers = new Dictionary<string, string> { ["If-Match"] = read.Headers["etag"] },
        });
        Assert.Equal(200, featured.Status);

        await alice.ReloadAsync();
        await Widget.WaitReadyAsync(alice);
        var first = Widget.Tips(alice).First;
        Assert.Equal(title, await first.Locator(".sl-title").InnerTextAsync());
        Assert.Equal("Recommended by the learning team", await first.Locator(".sl-featured").InnerTextAsync());
        Assert.Equal(1, await alice.Locator("social-learning-tips .sl-featured").CountAsync());
        Assert.Equal(before.Count, (await Widget.TitlesAsync(alice)).Count);
        await Widget.ScreenshotAsync(alice, "widget-featured");

        // Taken back: the badge goes and the ranker's order returns.
        var current = await carol.APIRequest.GetAsync($"/social-learning/contributions/{id}");
        var removed = await carol.APIRequest.DeleteAsync($"/social-learning/moderation/contributions/{id}/feature", new()
        {
            Headers = new Dictionary<string, string> { ["If-Match"] = current.Headers["etag"] },
        });
        Assert.Equal(200, removed.Status);
        await alice.ReloadAsync();
        await Widget.WaitReadyAsync(alice);
        Assert.Equal(0, await alice.Locator("social-learning-tips .sl-featured").CountAsync());
        Assert.Equal(before, await Widget.TitlesAsync(alice));
    }

    [Fact]
    public async Task The_review_page_features_a_most_helpful_tip_and_stops_featuring_it()
    {
        var (carolContext, carol) = await server.SignInAsync("carol", "/moderation");
        await using var carolScope = carolContext;
        var first = carol.Locator("ul.curate li.curate-item").First;
        var id = await first.GetAttributeAsync("data-id");
        Assert.False(string.IsNullOrEmpty(id));
        await first.Locator("button", new() { HasText = "Feature on its screens for 30 days" }).ClickAsync();
        await carol.Locator("main [role=status]", new() { HasText = "Done." }).WaitForAsync();

        var item = carol.Locator($"ul.curate li.curate-item[data-id='{id}']");
        Assert.StartsWith("Featured until", await item.Locator("button").InnerTextAsync(), StringComparison.Ordinal);
        var read = await carol.APIRequest.GetAsync($"/social-learning/contributions/{id}");
        Assert.True((await read.JsonAsync())!.Value.TryGetProperty("featuredUntil", out _));

        await item.Locator("button").ClickAsync();
        await carol.Locator("main [role=status]", new() { HasText = "Done." }).WaitForAsync();
        Assert.Equal("Feature on its screens for 30 days", await carol.Locator($"ul.curate li.curate-item[data-id='{id}'] button").InnerTextAsync());
    }
}
