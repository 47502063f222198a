using System.Text.Encodings.Web;

namespace SocialLearning.Samples.WebApp;

internal static class Layout
{
    public static string E(string value) => HtmlEncoder.Default.Encode(value);

    public static string Page(string title, string path, DemoUser user, string main, string context, string skills)
    {
        string Nav(string href, string text) =>
            $"<li><a href=\"{href}\"{(href == path ? " aria-current=\"page\"" : string.Empty)}>{E(text)}</a></li>";
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{E(title)} · Invoice demo</title>
              <link rel="stylesheet" href="/app.css">
              <script src="/social-learning/widget/social-learning.js" defer></script>
            </head>
            <body>
              <header class="top">
                <span class="brand">Invoice demo</span>
                <nav aria-label="Main"><ul>{Nav("/invoices", "Invoices")}{Nav("/invoices/new", "New invoice")}{Nav("/customers", "Customers")}{(user.Roles.Contains("moderator") ? Nav("/moderation", "Review queue") : string.Empty)}</ul></nav>
                <p class="who">Signed in as <strong>{E(user.Name)}</strong> ({E(user.TenantName)}) · <a href="/demo/login?returnUrl={Uri.EscapeDataString(path)}">switch user</a></p>
              </header>
              <div class="layout">
                <main id="main">{main}</main>
                <aside aria-label="Tips from colleagues">
                  <social-learning-tips context="{E(context)}" skills="{E(skills)}"></social-learning-tips>
                </aside>
              </div>
            </body>
            </html>
            """;
    }

    public static string LoginPage(string returnUrl)
    {
        var items = string.Concat(DemoUsers.All.Select(u =>
            $"<li><a href=\"/demo/login?user={Uri.EscapeDataString(u.Id)}&amp;returnUrl={Uri.EscapeDataString(returnUrl)}\">{E(u.Name)}</a> <span class=\"muted\">{E(u.TenantName)} · {E(u.Blurb)}</span></li>"));
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Pick a demo user · Invoice demo</title>
              <link rel="stylesheet" href="/app.css">
            </head>
            <body>
              <main id="main" class="login">
                <h1>Pick a demo user</h1>
                <p>Demo only: this page signs you in as anyone. A real host app uses its own sign-in; SocialLearning reads the learner and tenant from its claims.</p>
                <ul class="users">{items}</ul>
              </main>
            </body>
            </html>
            """;
    }
}
