using System.Text.Json;

namespace SocialLearning.BrowserTests;

/// <summary>
/// Hostile contributions shared through the API and rendered by the widget in a real browser under the sample's
/// strict CSP: none may run script (each payload calls a hook or alert() the test watches) and none may even trip
/// the CSP (which would mean something unsafe reached the DOM and only the second wall stopped it).
/// </summary>
[Collection(SampleServerCollection.Name)]
public sealed class XssTests(SampleServer server)
{
    private const int BatchSize = 20;

    private static readonly string[] Vectors =
    [
        "<script>{js}</script>",
        "<img src=x onerror=\"{js}\">",
        "<svg onload=\"{js}\">",
        "<svg><script>{js}</script></svg>",
        "<iframe src=\"javascript:{js}\"></iframe>",
        "<a href=\"javascript:{js}\">click</a>",
        "[click](javascript:{js})",
        "[click](JAVASCRIPT:{js})",
        "[click](java&#x09;script:{js})",
        "[click](&#x6A;avascript:{js})",
        "[click]( javascript:{js} )",
        "[click](<javascript:{js}>)",
        "<javascript:{js}>",
        "[click][r]\n\n[r]: javascript:{js}",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](data:text/html,<script>{js}</script>)",
        "![x](javascript:{js})",
        "![x](x\" onerror=\"{js})",
        "[x](https://example.com\" onclick=\"{js})",
        "<details open ontoggle=\"{js}\">",
        "<body onload=\"{js}\">",
        "<input autofocus onfocus=\"{js}\">",
        "<math><mtext><table><mglyph><style><img src=x onerror=\"{js}\">",
        "<noscript><p title=\"</noscript><img src=x onerror={js}>\">",
        "<style>@import 'javascript:{js}';</style>",
        "<object data=\"javascript:{js}\"></object>",
        "<embed src=\"javascript:{js}\">",
        "<form action=\"javascript:{js}\"><button>go</button></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:{js}\">",
        "<base href=\"javascript:{js}//\">",
        "`<img src=x onerror={js}>`",
        "<svg><a xlink:href=\"javascript:{js}\"><text x=\"20\" y=\"20\">x</text></a></svg>",
        "[x](vbscript:{js})",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{js}\">x</a>",
        "[x](javas\tcript:{js})",
        "<scr<script>ipt>{js}</script>",
        "\"><script>{js}</script>",
        "<<script>script>{js}<</script>/script>",
        "<video><source onerror=\"{js}\"></video>",
        "<audio src=x onerror=\"{js}\">",
        "<marquee onstart=\"{js}\">x</marquee>",
        "[x](javascript&colon;{js})",
        "[x](\u0001javascript:{js})",
        "<a href=\"jav&#x0A;ascript:{js}\">x</a>",
        "*emphasis <img src=x onerror={js}>*",
        "> <script>{js}</script>",
        "- [x](javascript:{js})",
        "[a](javascript:{js} \"title\")",
        "<x onclick=\"{js}\">click</x>",
        "<img src=\"x\" onerror=\"{js}\"/><svg/onload={js}>",
        "[![x](javascript:{js})](javascript:{js})",
        "<link rel=stylesheet href=\"data:text/css,*{}\">",
        "[x](//example.com/%0Ajavascript:{js})",
        "<isindex type=image src=1 onerror={js}>",
        "<template><script>{js}</script></template>",
    ];

    [Fact]
    public async Task Hostile_contributions_never_run_script_or_trip_the_csp()
    {
        var payloads = new List<(string Title, string Body)>();
        var n = 0;
        foreach (var vector in Vectors)
        {
            n++;
            payloads.Add(($"Body vector {n}", vector.Replace("{js}", $"__xss({n})", StringComparison.Ordinal)));
        }

        foreach (var vector in Vectors)
        {
            n++;
            payloads.Add(($"{vector.Replace("{js}", $"alert({n})", StringComparison.Ordinal)} #{n}", "Plain body."));
        }

        foreach (var vector in Vectors.Take(10))
        {
            n++;
            var both = vector.Replace("{js}", $"__xss({n})", StringComparison.Ordinal);
            payloads.Add(($"{both} #{n}", $"{both}\n\n{both}"));
        }

        Assert.True(payloads.Count >= 100, $"only {payloads.Count} payloads");
        var run = Guid.NewGuid().ToString("N")[..6];
        var batches = payloads.Chunk(BatchSize).ToList();

        // Dan (playing the attacker) shares every payload through the API, each batch on its own screen.
        var (malloryContext, _) = await server.SignInAsync("dan");
        await using (malloryContext)
        {
            for (var b = 0; b < batches.Count; b++)
            {
                foreach (var (title, body) in batches[b])
                {
                    var response = await malloryContext.APIRequest.PostAsync($"{server.BaseUrl}/social-learning/contributions", new()
                    {
                        DataObject = new { title, body, contextKeys = new[] { $"route:/xss-{run}/{b}" } },
                    });
                    Assert.True(response.Status == 201, $"sharing '{title}' answered {response.Status}: {await response.TextAsync()}");
                }
            }
        }

        var (context, page) = await server.SignInAsync("carol");
        await using var _ = context;
        var dialogs = new List<string>();
        var consoleCsp = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                consoleCsp.Add(message.Text);
            }
        };
        await context.AddInitScriptAsync("""
            window.__xssHits = [];
            window.__xss = function (n) { window.__xssHits.push('hook:' + n); };
            window.__csp = [];
            document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); }, true);
            """);
        await page.ReloadAsync();
        await Widget.WaitReadyAsync(page);

        // The detectors work: a direct hook call is seen, and an inline script is blocked and reported by the CSP.
        await page.EvaluateAsync("() => window.__xss('probe')");
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = '__xss(\"inline\")'; document.body.appendChild(s); }");
        await page.WaitForFunctionAsync("() => window.__csp.length > 0", null, new() { Timeout = 5_000 });
        Assert.Equal(["hook:probe"], await page.EvaluateAsync<string[]>("() => window.__xssHits"));
        await page.EvaluateAsync("() => { window.__xssHits = []; window.__csp = []; }");
        consoleCsp.Clear();

        var rendered = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            await page.EvaluateAsync(
                "([ctx]) => { const w = document.querySelector('social-learning-tips'); w.removeAttribute('skills'); w.setAttribute('k', '20'); w.setAttribute('context', ctx); }",
                new object[] { new[] { $"route:/xss-{run}/{b}" } });
            await Widget.WaitReadyAsync(page);
            var shown = await Widget.Tips(page).CountAsync();
            Assert.True(shown == batches[b].Length, $"batch {b}: {shown} of {batches[b].Length} shown: {string.Join(" | ", await Widget.TitlesAsync(page))}");

            // Titles are shown as text, exactly as typed.
            var titles = await Widget.TitlesAsync(page);
            foreach (var (title, _) in batches[b])
            {
                Assert.Contains(title.Trim(), titles.Select(t => t.Trim()));
            }

            // Open every "why this?" so the whole tip is on screen, and scroll it through.
            foreach (var why in await page.Locator("social-learning-tips button.sl-why-button").AllAsync())
            {
                await why.ClickAsync();
            }

            var problems = await page.EvaluateAsync<string[]>(DomAudit);
            Assert.True(problems.Length == 0, $"batch {b}: " + string.Join("\n", problems));
            rendered += batches[b].Length;
            if (b == 0)
            {
                await Widget.ScreenshotAsync(page, "widget-xss-batch");
            }
        }

        await page.WaitForTimeoutAsync(500); // let any late error/load handlers fire
        var hits = await page.EvaluateAsync<string[]>("() => window.__xssHits");
        var csp = await page.EvaluateAsync<string[]>("() => window.__csp");
        Assert.Equal(payloads.Count, rendered);
        Assert.True(hits.Length == 0, "script ran: " + string.Join(", ", hits));
        Assert.True(dialogs.Count == 0, "dialogs: " + string.Join(", ", dialogs));
        Assert.True(csp.Length == 0, "CSP violations: " + string.Join("\n", csp));
        Assert.True(consoleCsp.Count == 0, "CSP console errors: " + string.Join("\n", consoleCsp));
    }

    /// <summary>Everything in the widget's tip list is on the allowlist: tags, attributes and link schemes.</summary>
    private const string DomAudit = """
        () => {
          const root = document.querySelector('social-learning-tips').shadowRoot;
          const problems = [];
          const contentTags = new Set(['P','BR','HR','STRONG','EM','B','I','DEL','S','CODE','PRE','BLOCKQUOTE','UL','OL','LI','A','H1','H2','H3','H4','H5','H6']);
          // The widget's own chrome (its share form) is not user content; every tip is under .sl-list.
          for (const el of root.querySelectorAll('.sl-list *')) {
            for (const attr of el.attributes) {
              if (attr.name.toLowerCase().startsWith('on')) problems.push('event handler ' + attr.name + ' on ' + el.tagName);
              if (['src','srcdoc','formaction','action','xlink:href','style'].includes(attr.name.toLowerCase())) problems.push(attr.name + ' on ' + el.tagName);
            }
            if (['SCRIPT','IFRAME','OBJECT','EMBED','IMG','SVG','svg','FORM','BASE','META','STYLE','VIDEO','AUDIO','MATH','math'].includes(el.tagName)) problems.push('element ' + el.tagName);
          }
          for (const content of root.querySelectorAll('.sl-content')) {
            for (const el of content.querySelectorAll('*')) {
              if (!contentTags.has(el.tagName)) problems.push('content element ' + el.tagName);
            }
          }
          for (const a of root.querySelectorAll('a[href]')) {
            const url = new URL(a.getAttribute('href'), document.baseURI);
            if (!['http:','https:','mailto:'].includes(url.protocol)) problems.push('link scheme ' + url.protocol);
          }
          return problems;
        }
        """;
}
