namespace SocialLearning.BrowserTests;

[Collection(SampleServerCollection.Name)]
public sealed class StateTests(SampleServer server)
{
    [Fact]
    public async Task Widget_shows_empty_error_and_offline_states_and_recovers()
    {
        var (context, page) = await server.SignInAsync("alice", "/invoices");
        await using var _ = context;
        await Widget.WaitReadyAsync(page);
        var widget = page.Locator("social-learning-tips");

        // Empty: the recommender has nothing (the engine falls back to popular tips, so the answer is stubbed here).
        await page.RouteAsync("**/social-learning/tips*", route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = """{"items":[],"ranker":"stub"}""" }));
        await page.EvaluateAsync("() => document.querySelector('social-learning-tips').setAttribute('context', 'route:/nothing-here-yet')");
        await page.WaitForFunctionAsync("() => document.querySelector('social-learning-tips').getAttribute('state') === 'empty'");
        Assert.Contains("No tips for this screen yet", await page.Locator("social-learning-tips .sl-state").InnerTextAsync(), StringComparison.Ordinal);
        await page.UnrouteAsync("**/social-learning/tips*");

        // Error: the API fails; "Try again" recovers once it works again.
        await page.RouteAsync("**/social-learning/tips*", route => route.FulfillAsync(new() { Status = 500, ContentType = "application/problem+json", Body = """{"title":"Boom","status":500,"detail":"The server had a bad day."}""" }));
        await page.EvaluateAsync("() => document.querySelector('social-learning-tips').setAttribute('context', 'route:/invoices')");
        await page.WaitForFunctionAsync("() => document.querySelector('social-learning-tips').getAttribute('state') === 'error'");
        Assert.Contains("The server had a bad day.", await page.Locator("social-learning-tips .sl-state").InnerTextAsync(), StringComparison.Ordinal);
        await Widget.ScreenshotAsync(page, "widget-error");
        await page.UnrouteAsync("**/social-learning/tips*");
        await page.Locator("social-learning-tips button", new() { HasText = "Try again" }).ClickAsync();
        await Widget.WaitReadyAsync(page);
        Assert.Equal("ready", await widget.GetAttributeAsync("state"));

        // Offline and back online.
        await context.SetOfflineAsync(true);
        await page.WaitForFunctionAsync("() => document.querySelector('social-learning-tips').getAttribute('state') === 'offline'");
        Assert.Contains("offline", await page.Locator("social-learning-tips .sl-state").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        await Widget.ScreenshotAsync(page, "widget-offline");
        await context.SetOfflineAsync(false);
        await Widget.WaitReadyAsync(page);
        Assert.Equal("ready", await widget.GetAttributeAsync("state"));
        Assert.True(await Widget.Tips(page).CountAsync() > 0);
    }
}
