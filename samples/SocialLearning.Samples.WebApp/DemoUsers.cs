using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SocialLearning.Samples.WebApp;

/// <summary>The demo's people. Two tenants show that one organisation never sees the other's tips.</summary>
internal static class DemoUsers
{
    public static readonly DemoUser[] All =
    [
        new("alice", "Alice Moreau", "acme", "Acme Ltd", "accounts-payable", ["clerk"], "New in accounts payable"),
        new("bob", "Bob Okafor", "acme", "Acme Ltd", "accounts-payable", ["senior-accountant"], "Knows VAT inside out"),
        new("carol", "Carol Lindqvist", "acme", "Acme Ltd", "finance", ["finance-lead", "moderator"], "Runs month-end and moderates tips"),
        new("dan", "Dan Whitfield", "acme", "Acme Ltd", "sales-ops", ["clerk"], "Invoices for the sales team"),
        new("zoe", "Zoe Tanaka", "globex", "Globex GmbH", "finance", ["accountant"], "Another company: sees only Globex tips"),
        new("max", "Max Keller", "globex", "Globex GmbH", "finance", ["controller", "moderator"], "Globex's approver and moderator"),
    ];

    public static DemoUser? Find(string? id) => All.FirstOrDefault(u => string.Equals(u.Id, id, StringComparison.Ordinal));

    /// <summary>DEMO ONLY: signs in whoever is named in the query. A real host uses its own sign-in.</summary>
    public static void MapDemoLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/demo/login", async (HttpContext http, string? user, string? returnUrl) =>
        {
            var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
                ? returnUrl
                : "/invoices/new";
            if (user is null)
            {
                return Results.Content(Layout.LoginPage(target), "text/html; charset=utf-8");
            }

            var demo = Find(user);
            if (demo is null)
            {
                return Results.Problem(statusCode: 400, title: "Unknown demo user.", detail: $"Pick one of: {string.Join(", ", All.Select(u => u.Id))}.");
            }

            var identity = new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.NameIdentifier, demo.Id),
                    new Claim(ClaimTypes.Name, demo.Name),
                    new Claim("tenant_id", demo.Tenant),
                    new Claim("team", demo.Team),
                    .. demo.Roles.Select(r => new Claim(ClaimTypes.Role, r)),
                ],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.LocalRedirect(target);
        });

        app.MapPost("/demo/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/demo/login");
        });
    }
}

internal sealed record DemoUser(string Id, string Name, string Tenant, string TenantName, string Team, string[] Roles, string Blurb);
