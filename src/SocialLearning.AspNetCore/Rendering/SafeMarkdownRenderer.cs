using System.Collections.Concurrent;
using Ganss.Xss;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.Extensions.Options;

namespace SocialLearning.AspNetCore.Rendering;

/// <summary>
/// Markdown to safe HTML in three walls: Markdig with raw HTML disabled and a nesting limit; a link-scheme
/// allowlist applied on the parsed document (Markdig with HTML disabled still emits <c>javascript:</c> links);
/// then HtmlSanitizer with a narrow allowlist (no forms, inputs, images, style or classes).
/// </summary>
internal sealed class SafeMarkdownRenderer : IContributionRenderer
{
    private static readonly string[] AllowedTags =
    [
        "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    ];

    private readonly MarkdownPipeline _pipeline;
    private readonly HtmlSanitizer _sanitizer;
    private readonly SocialLearningWebOptions _options;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    public SafeMarkdownRenderer(IOptions<SocialLearningWebOptions> options)
    {
        _options = options.Value;
        var builder = new MarkdownPipelineBuilder().UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough);
        builder.MaximumNestingDepth = _options.MaxMarkdownNestingDepth;
        _pipeline = builder.DisableHtml().Build();

        _sanitizer = new HtmlSanitizer();
        _sanitizer.AllowedTags.Clear();
        foreach (var tag in AllowedTags)
        {
            _sanitizer.AllowedTags.Add(tag);
        }

        _sanitizer.AllowedAttributes.Clear();
        _sanitizer.AllowedAttributes.Add("href");
        _sanitizer.AllowedAttributes.Add("title");
        _sanitizer.AllowedAttributes.Add("rel");
        _sanitizer.AllowedCssProperties.Clear();
        _sanitizer.AllowedAtRules.Clear();
        _sanitizer.AllowedClasses.Clear();
        _sanitizer.AllowDataAttributes = false;
        _sanitizer.AllowCssCustomProperties = false;
        _sanitizer.AllowedSchemes.Clear();
        foreach (var scheme in LinkSchemes.Allowed)
        {
            _sanitizer.AllowedSchemes.Add(scheme);
        }

        _sanitizer.UriAttributes.Clear();
        _sanitizer.UriAttributes.Add("href");
        _sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow ugc");
            }
        };
    }

    public string RenderHtml(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        if (markdown.Length > _options.MaxMarkdownLength)
        {
            throw new ArgumentException($"markdown must be at most {_options.MaxMarkdownLength} characters (was {markdown.Length}).", nameof(markdown));
        }

        if (_cache.TryGetValue(markdown, out var cached))
        {
            return cached;
        }

        string html;
        try
        {
            var document = Markdown.Parse(markdown, _pipeline);
            FilterLinks(document);
            html = _sanitizer.Sanitize(document.ToHtml(_pipeline));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InsufficientExecutionStackException)
        {
            // Input beyond the nesting limit (or otherwise pathological): show it as plain text instead of failing.
            html = "<p>" + System.Net.WebUtility.HtmlEncode(markdown) + "</p>";
        }

        if (_cache.Count >= _options.RenderCacheSize)
        {
            _cache.Clear();
        }

        _cache.TryAdd(markdown, html);
        return html;
    }

    /// <summary>Removes links whose scheme is not allowed and turns images into links (no remote loads under CSP).</summary>
    private static void FilterLinks(MarkdownDocument document)
    {
        foreach (var inline in document.Descendants<Inline>().ToList())
        {
            switch (inline)
            {
                case LinkInline link:
                    link.IsImage = false;
                    if (!LinkSchemes.IsSafe(link.Url))
                    {
                        Unwrap(link);
                    }

                    break;
                case AutolinkInline autolink when !LinkSchemes.IsSafe(autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url):
                    autolink.ReplaceBy(new LiteralInline(autolink.Url));
                    break;
            }
        }
    }

    private static void Unwrap(LinkInline link)
    {
        // Keep the link's text, drop the link itself.
        var parent = link.Parent;
        if (parent is null)
        {
            return;
        }

        Inline? child = link.FirstChild;
        if (child is null)
        {
            link.ReplaceBy(new LiteralInline(string.Empty));
            return;
        }

        var anchor = (Inline)link;
        while (child is not null)
        {
            var next = child.NextSibling;
            child.Remove();
            anchor.InsertAfter(child);
            anchor = child;
            child = next;
        }

        link.Remove();
    }
}

/// <summary>The link schemes the renderer lets through.</summary>
internal static class LinkSchemes
{
    public static readonly string[] Allowed = ["http", "https", "mailto"];

    /// <summary>
    /// True for relative URLs and for absolute ones with an allowed scheme. Browsers ignore tabs, new lines and
    /// leading control characters or spaces in a URL, so they are removed before the scheme is read.
    /// </summary>
    public static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return true;
        }

        Span<char> buffer = stackalloc char[Math.Min(url.Length, 64)];
        var length = 0;
        foreach (var c in url)
        {
            if (c <= ' ' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                continue;
            }

            if (c is '/' or '?' or '#')
            {
                return true; // relative: a path, query or fragment comes before any scheme separator
            }

            if (c == ':')
            {
                var scheme = buffer[..length];
                foreach (var allowed in Allowed)
                {
                    if (scheme.Equals(allowed, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (length == buffer.Length)
            {
                return false; // an over-long scheme-like prefix: refuse rather than guess
            }

            buffer[length++] = c;
        }

        return true;
    }
}
