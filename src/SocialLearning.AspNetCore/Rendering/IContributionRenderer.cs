namespace SocialLearning.AspNetCore;

/// <summary>
/// Turns a contribution's raw markdown into HTML that is safe to insert into a page. The default renders with
/// Markdig (raw HTML off, nesting limited), filters link schemes on the parsed document to http, https and mailto,
/// and sanitises the result with a narrow HtmlSanitizer allowlist. Replace it by registering your own singleton.
/// </summary>
public interface IContributionRenderer
{
    /// <summary>Returns sanitised HTML for <paramref name="markdown"/>. Throws <see cref="ArgumentException"/> for input over the size limit.</summary>
    string RenderHtml(string markdown);
}
