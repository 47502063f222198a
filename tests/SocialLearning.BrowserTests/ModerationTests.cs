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
        await Widget.ScreenshotAsync(carol, "review-queue");

        await item.Locator("button", new() { HasText = "Publish" }).ClickAsync();
        await carol.Locator("main [role=status]", new() { HasText = "Done." }).WaitForAsync();
        Assert.Equal(0, await carol.Locator($".review-item[data-id='{id}']").CountAsync());

        var read = await dan.APIRequest.GetAsync($"/social-learning/contributions/{id}");
        Assert.Equal("Published", (await read.JsonAsync())!.Value.GetProperty("status").GetString());
    }
}
