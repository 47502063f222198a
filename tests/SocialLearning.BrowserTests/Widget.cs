namespace SocialLearning.BrowserTests;

/// <summary>Helpers to read the widget (Playwright's CSS locators pierce its open shadow root).</summary>
internal static class Widget
{
    public static ILocator Tips(IPage page) => page.Locator("social-learning-tips li.sl-tip");

    public static ILocator Tip(IPage page, string id) => page.Locator($"social-learning-tips li.sl-tip[data-id=\"{id}\"]");

    public static async Task WaitReadyAsync(IPage page)
    {
        await page.WaitForFunctionAsync(
            "() => { const w = document.querySelector('social-learning-tips'); return w && ['ready','empty','error','offline'].includes(w.getAttribute('state')); }",
            null,
            new() { Timeout = 15_000 });
        var state = await page.GetAttributeAsync("social-learning-tips", "state");
        if (state is not ("ready" or "empty"))
        {
            var text = await page.Locator("social-learning-tips .sl-state").AllTextContentsAsync();
            Assert.Fail($"The widget ended in state '{state}': {string.Join(" ", text)}");
        }
    }

    public static async Task<List<string>> TitlesAsync(IPage page) =>
        [.. await page.Locator("social-learning-tips li.sl-tip .sl-title").AllTextContentsAsync()];

    /// <summary>What has focus inside the widget's shadow root (text of the element, or its name attribute).</summary>
    public static Task<string?> FocusedAsync(IPage page) => page.EvaluateAsync<string?>(
        "() => { const w = document.querySelector('social-learning-tips'); const a = w && w.shadowRoot.activeElement; return a ? (a.getAttribute('name') || a.textContent) : null; }");

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(SampleServer.ScreenshotDirectory, name + ".png"), FullPage = true });
}
