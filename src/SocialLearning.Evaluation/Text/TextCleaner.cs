using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SocialLearning.Evaluation;

/// <summary>
/// Text preparation shared by every ranker in the harness. <see cref="StripPostLinks"/> is the leakage trap:
/// a StackExchange "linked" PostLink is created from a link in the body, and the link's text is usually the
/// linked question's title, so both the link and its anchor text are removed from queries and corpus.
/// </summary>
public static partial class TextCleaner
{
    // <a href="...">text</a> whose target is a post: /questions/N, /q/N or /a/N (any host, or relative).
    [GeneratedRegex("""<a\b[^>]*?href\s*=\s*["'][^"']*?/(?:questions|q|a)/\d+[^"']*["'][^>]*>.*?</a\s*>""", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex HtmlPostLink();

    // Markdown [text](url) whose url is a post link.
    [GeneratedRegex("""\[[^\]]*\]\(\s*[^)\s]*?/(?:questions|q|a)/\d+[^)]*\)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex MarkdownPostLink();

    // Bare URLs or paths to posts.
    [GeneratedRegex("""(?:https?://[^\s"'<>()]*)?/(?:questions|q|a)/\d+[^\s"'<>()]*""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BarePostLink();

    /// <summary>Removes links to other posts (<c>/questions/N</c>, <c>/q/N</c>, <c>/a/N</c>) together with their anchor text, in HTML, markdown or bare form.</summary>
    public static string StripPostLinks(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return text;
        }

        var result = HtmlPostLink().Replace(text, " ");
        result = MarkdownPostLink().Replace(result, " ");
        return BarePostLink().Replace(result, " ");
    }

    /// <summary>Turns HTML into plain text: tags dropped (block tags become spaces), entities decoded, white space collapsed.</summary>
    public static string ToPlainText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var sb = new StringBuilder(html.Length);
        var inTag = false;
        foreach (var c in html)
        {
            if (inTag)
            {
                if (c == '>')
                {
                    inTag = false;
                    sb.Append(' ');
                }
            }
            else if (c == '<')
            {
                inTag = true;
            }
            else
            {
                sb.Append(c);
            }
        }

        var decoded = WebUtility.HtmlDecode(sb.ToString());
        return CollapseWhiteSpace(decoded);
    }

    /// <summary>The text the harness gives rankers for a post: links to posts stripped, then HTML to plain text.</summary>
    public static string Clean(string body) => ToPlainText(StripPostLinks(body));

    private static string CollapseWhiteSpace(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
            }
            else
            {
                if (space)
                {
                    sb.Append(' ');
                    space = false;
                }

                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
