using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace SocialLearning.BrowserTests;

[Collection(SampleServerCollection.Name)]
public sealed class WidgetTests(SampleServer server)
{
    [Fact]
    public async Task Widget_shows_the_tips_for_the_pages_context()
    {
        var (context, page) = await server.SignInAsync("alice", "/invoices/new");
        await using var _ = context;
        await Widget.WaitReadyAsync(page);
        var newInvoiceTitles = await Widget.TitlesAsync(page);
        await Widget.ScreenshotAsync(page, "widget-new-invoice");

        await page.GotoAsync("/customers");
        await Widget.WaitReadyAsync(page);
        var customerTitles = await Widget.TitlesAsync(page);
        await Widget.ScreenshotAsync(page, "widget-customers");

        Assert.Contains("Pick the customer first: the VAT rate follows", newInvoiceTitles);
        Assert.Contains("Business customers in another EU country: use 0 % and say why", newInvoiceTitles);
        Assert.DoesNotContain("Invoices over 10,000 need a second approver", newInvoiceTitles); // another tenant's tip
        Assert.Contains("Check a new customer's VAT number before the first invoice", customerTitles);
        Assert.NotEqual(newInvoiceTitles[0], customerTitles[0]);
    }

    [Fact]
    public async Task Helpful_persists_across_a_reload()
    {
        var (context, page) = await server.SignInAsync("dan", "/customers");
        await using var _ = context;
        await Widget.WaitReadyAsync(page);
        var tip = Widget.Tips(page).Filter(new() { HasText = "Net 30" }).First;
        var id = await tip.GetAttributeAsync("data-id");
        Assert.NotNull(id);
        var helpful = Widget.Tip(page, id).Locator("button[data-feedback=Helpful]");
        Assert.Equal("false", await helpful.GetAttributeAsync("aria-pressed"));

        var response = page.WaitForResponseAsync(r => r.Url.Contains($"/contributions/{id}/feedback", StringComparison.Ordinal));
        await helpful.ClickAsync();
        Assert.Equal(200, (await response).Status);
        await page.ReloadAsync();
        await Widget.WaitReadyAsync(page);

        Assert.Equal("true", await Widget.Tip(page, id).Locator("button[data-feedback=Helpful]").GetAttributeAsync("aria-pressed"));
        Assert.Equal("false", await Widget.Tip(page, id).Locator("button[data-feedback=NotHelpful]").GetAttributeAsync("aria-pressed"));
    }

    [Fact]
    public async Task A_tip_shared_by_one_learner_is_recommended_to_another_on_the_same_screen()
    {
        var title = "Round totals to the cent before VAT " + Guid.NewGuid().ToString("N")[..6];
        var (aliceContext, alice) = await server.SignInAsync("alice", "/invoices/new");
        await using (aliceContext)
        {
            await Widget.WaitReadyAsync(alice);
            await alice.Locator("social-learning-tips button", new() { HasText = "Share a tip here" }).ClickAsync();
            await alice.Locator("social-learning-tips input[name=title]").FillAsync(title);
            await alice.Locator("social-learning-tips textarea[name=body]").FillAsync("Round each **line** first, then add VAT: the totals then match the customer's system.");
            await alice.Locator("social-learning-tips button[type=submit]").ClickAsync();
            await alice.Locator("social-learning-tips .sl-status").Filter(new() { HasText = "shared" }).WaitForAsync();
        }

        var (bobContext, bob) = await server.SignInAsync("bob", "/invoices/new");
        await using var _ = bobContext;
        await Widget.WaitReadyAsync(bob);
        var titles = await Widget.TitlesAsync(bob);
        await Widget.ScreenshotAsync(bob, "widget-shared-tip-seen-by-colleague");
        Assert.Contains(title, titles);
    }

    [Fact]
    public async Task Why_this_shows_the_explanation()
    {
        var (context, page) = await server.SignInAsync("carol", "/invoices/new");
        await using var _ = context;
        await Widget.WaitReadyAsync(page);
        var first = Widget.Tips(page).First;
        var why = first.Locator("button.sl-why-button");
        Assert.Equal("false", await why.GetAttributeAsync("aria-expanded"));
        Assert.False(await first.Locator(".sl-why").IsVisibleAsync());

        await why.ClickAsync();

        Assert.Equal("true", await why.GetAttributeAsync("aria-expanded"));
        Assert.True(await first.Locator(".sl-why").IsVisibleAsync());
        var reasons = await first.Locator(".sl-why li").AllTextContentsAsync();
        Assert.NotEmpty(reasons);
        Assert.Contains(reasons, r => r.Contains("route:/invoices/new", StringComparison.Ordinal) || r.Contains("skill", StringComparison.Ordinal));
        await Widget.ScreenshotAsync(page, "widget-why-this");
    }

    [Fact]
    public async Task The_share_form_suggests_skills_by_alias_and_a_skill_typed_by_alias_is_stored_by_id()
    {
        var (context, page) = await server.SignInAsync("alice", "/invoices/new");
        await using var _ = context;
        await Widget.WaitReadyAsync(page);
        await page.Locator("social-learning-tips button", new() { HasText = "Share a tip here" }).ClickAsync();
        var skills = page.Locator("social-learning-tips input[name=skills]");

        // "sales" starts the alias "sales tax" of the skill VAT: the suggestion keeps what was typed before the comma.
        await skills.FillAsync("invoicing, sales");
        var suggestion = page.Locator("social-learning-tips datalist option[value='invoicing, VAT']");
        await suggestion.WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await page.Locator("social-learning-tips input[name=title]").FillAsync("Reverse charge needs the customer's VAT number " + Guid.NewGuid().ToString("N")[..6]);
        await page.Locator("social-learning-tips textarea[name=body]").FillAsync("Check it in VIES before you send the invoice.");
        await skills.FillAsync("Invoicing, Sales tax");
        var created = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.EndsWith("/contributions", StringComparison.Ordinal));
        await page.Locator("social-learning-tips button[type=submit]").ClickAsync();
        var response = await created;

        Assert.Equal(201, response.Status);
        var json = await response.JsonAsync();
        Assert.Equal(["invoicing", "vat"], json!.Value.GetProperty("skills").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Ask_a_colleague_lists_recommended_peers()
    {
        var (context, page) = await server.SignInAsync("alice", "/invoices/new");
        await using var _ = context;
        await Widget.WaitReadyAsync(page);
        await page.Locator("social-learning-tips button", new() { HasText = "Ask a colleague" }).ClickAsync();
        await page.Locator("social-learning-tips .sl-peer").First.WaitForAsync();
        var names = await page.Locator("social-learning-tips .sl-peer-name").AllTextContentsAsync();
        Assert.Contains("Bob Okafor", names);
        Assert.DoesNotContain("Alice Moreau", names);
        Assert.DoesNotContain("Zoe Tanaka", names);
    }

    [Fact]
    public async Task Keyboard_only_use_works()
    {
        var (context, page) = await server.SignInAsync("carol", "/customers");
        await using var _ = context;
        await Widget.WaitReadyAsync(page);

        // Tab from the top of the page to the widget's first control.
        for (var i = 0; i < 40 && (await Widget.FocusedAsync(page)) != "Share a tip here"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("Share a tip here", await Widget.FocusedAsync(page));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("title", await Widget.FocusedAsync(page));
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal("Share a tip here", await Widget.FocusedAsync(page));
        Assert.False(await page.Locator("social-learning-tips form").IsVisibleAsync());

        await page.Keyboard.PressAsync("Enter");
        var title = "Keyboard tip " + Guid.NewGuid().ToString("N")[..6];
        await page.Keyboard.TypeAsync(title);
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("body", await Widget.FocusedAsync(page));
        await page.Keyboard.TypeAsync("Typed without a mouse.");
        await page.Keyboard.PressAsync("Enter"); // a new line in the textarea, not a submit
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("skills", await Widget.FocusedAsync(page));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Share tip", await Widget.FocusedAsync(page));
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("social-learning-tips .sl-status").Filter(new() { HasText = "shared" }).WaitForAsync();
        Assert.Equal("Share a tip here", await Widget.FocusedAsync(page));

        // On to the first tip's feedback buttons; Space presses "Helpful".
        for (var i = 0; i < 10 && (await Widget.FocusedAsync(page)) != "Helpful"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("Helpful", await Widget.FocusedAsync(page));
        var firstHelpful = Widget.Tips(page).First.Locator("button[data-feedback=Helpful]");
        var response = page.WaitForResponseAsync(r => r.Url.Contains("/feedback", StringComparison.Ordinal));
        await page.Keyboard.PressAsync("Space");
        Assert.Equal(200, (await response).Status);
        Assert.Equal("true", await firstHelpful.GetAttributeAsync("aria-pressed"));

        // "Why this?" opens with Enter.
        for (var i = 0; i < 10 && (await Widget.FocusedAsync(page)) != "Why this?"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await page.Keyboard.PressAsync("Enter");
        Assert.True(await Widget.Tips(page).First.Locator(".sl-why").IsVisibleAsync());
        await Widget.ScreenshotAsync(page, "widget-keyboard");
    }

    [Fact]
    public async Task Accessibility_scan_finds_no_serious_or_critical_violations()
    {
        var (context, page) = await server.SignInAsync("alice", "/invoices/new");
        await using var _ = context;
        await Widget.WaitReadyAsync(page);
        var closed = await page.RunAxe();

        // Open every panel too: the share form, "ask a colleague" and a "why this?" explanation.
        await page.Locator("social-learning-tips button", new() { HasText = "Share a tip here" }).ClickAsync();
        await page.Locator("social-learning-tips button", new() { HasText = "Ask a colleague" }).ClickAsync();
        await page.Locator("social-learning-tips .sl-peer").First.WaitForAsync();
        await Widget.Tips(page).First.Locator("button.sl-why-button").ClickAsync();
        var open = await page.RunAxe();
        await Widget.ScreenshotAsync(page, "widget-panels-open");

        var serious = closed.Violations.Concat(open.Violations)
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
        Assert.True(closed.Passes.Length > 10, "axe ran too few checks to be meaningful");
    }
}
