using System.Diagnostics;
using Microsoft.Extensions.Options;
using SocialLearning.AspNetCore.Rendering;

namespace SocialLearning.AspNetCore.Tests;

public sealed class RendererTests
{
    private static readonly SafeMarkdownRenderer Renderer = new(Options.Create(new SocialLearningWebOptions()));

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](java&#x09;script:alert(1))")]
    [InlineData("[x](&#106;avascript:alert(1))")]
    [InlineData("[x](%6Aavascript:alert(1))")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[x]( javascript:alert(1))")]
    [InlineData("[x](<javascript:alert(1)>)")]
    [InlineData("[x][r]\n\n[r]: javascript:alert(1)")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[x](vbscript:msgbox(1))")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<form><input name=x></form>")]
    [InlineData("<p style=\"background:url(javascript:alert(1))\">x</p>")]
    public void Hostile_markdown_renders_without_script_vectors(string markdown)
    {
        var html = Renderer.RenderHtml(markdown);
        AssertSafe(html);
    }

    /// <summary>Parses the HTML as a browser would and checks every element and attribute against the allowlist.</summary>
    internal static void AssertSafe(string html)
    {
        var allowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "html", "head", "body", "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6" };
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        foreach (var element in document.All)
        {
            Assert.True(allowedTags.Contains(element.LocalName), $"element <{element.LocalName}> in: {html}");
            foreach (var attribute in element.Attributes)
            {
                Assert.True(attribute.Name is "href" or "title" or "rel", $"attribute {attribute.Name} in: {html}");
                if (attribute.Name == "href")
                {
                    var href = attribute.Value.Trim();
                    Assert.True(
                        href.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                        || href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || !href.Contains(':', StringComparison.Ordinal),
                        $"href {href} in: {html}");
                }
            }
        }
    }

    [Theory]
    [InlineData("[docs](https://example.com/a)", "href=\"https://example.com/a\"")]
    [InlineData("[mail](mailto:team@example.com)", "href=\"mailto:team@example.com\"")]
    [InlineData("[page](/invoices/new)", "href=\"/invoices/new\"")]
    [InlineData("<https://example.com>", "href=\"https://example.com\"")]
    public void Safe_links_are_kept_with_rel(string markdown, string expected)
    {
        var html = Renderer.RenderHtml(markdown);
        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow ugc\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsafe_link_keeps_its_text()
    {
        var html = Renderer.RenderHtml("see [the guide](javascript:alert(1)) now");
        Assert.Contains("the guide", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<a", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_become_links_so_nothing_loads_from_elsewhere()
    {
        var html = Renderer.RenderHtml("![chart](https://example.com/c.png)");
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com/c.png\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Formatting_survives()
    {
        var html = Renderer.RenderHtml("# Head\n\n**b** *i* ~~s~~ `c`\n\n> q\n\n- one\n- two\n\n```\ncode\n```");
        foreach (var tag in new[] { "<h1>", "<strong>", "<em>", "<del>", "<code>", "<blockquote>", "<ul>", "<li>", "<pre>" })
        {
            Assert.Contains(tag, html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData('>', 15_000)]
    [InlineData('[', 19_000)]
    [InlineData('*', 19_000)]
    [InlineData('-', 9_000)]
    public void Deeply_nested_input_renders_quickly_and_bounded(char c, int count)
    {
        var markdown = c == '-' ? string.Concat(Enumerable.Range(0, count / 3).Select(i => new string(' ', Math.Min(i * 2, 600)) + "- x\n"))[..Math.Min(19_000, count * 10)] : new string(c, count) + " x";
        var watch = Stopwatch.StartNew();
        var html = Renderer.RenderHtml(markdown);
        watch.Stop();
        Assert.False(string.IsNullOrEmpty(html));
        // A generous bound: this guards against a hang (minutes), not a micro-benchmark.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Over_long_input_is_rejected_naming_the_field()
    {
        var e = Assert.Throws<ArgumentException>(() => Renderer.RenderHtml(new string('a', 20_001)));
        Assert.Equal("markdown", e.ParamName);
    }

    [Theory]
    [InlineData("https://x", true)]
    [InlineData("HTTP://x", true)]
    [InlineData("mailto:a@b", true)]
    [InlineData("/rel", true)]
    [InlineData("rel/path", true)]
    [InlineData("#frag", true)]
    [InlineData("javascript:x", false)]
    [InlineData(" \tjava\nscript:x", false)]
    [InlineData("data:x", false)]
    [InlineData("file:///etc/passwd", false)]
    public void Link_scheme_allowlist(string url, bool safe) => Assert.Equal(safe, LinkSchemes.IsSafe(url));
}
