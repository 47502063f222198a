using Microsoft.AspNetCore.Authentication.Cookies;
using SocialLearning;
using SocialLearning.AspNetCore;
using SocialLearning.Samples.WebApp;

// A small invoice editor that embeds the SocialLearning tip widget on each screen.
//   dotnet run --project samples/SocialLearning.Samples.WebApp
// then open the URL it prints. Sign-in is a demo switcher (/demo/login?user=bob): demo only, never in production.
var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

builder.Services
    .AddSocialLearning(options => options.AutoCreateSkills = true)
    .UseSampleStorage(builder.Configuration, builder.Environment)
    .AddAspNetCore(options => builder.Configuration.GetSection("SocialLearning:Web").Bind(options));

// The host's own sign-in. SocialLearning reads the learner and tenant from these claims through its resolvers.
builder.Services
    .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "invoice-demo";
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.HttpOnly = true;
        options.LoginPath = "/demo/login";
        options.Events.OnRedirectToLogin = context =>
        {
            // The widget's API calls get a 401 problem, pages get the sign-in redirect.
            if (context.Request.Path.StartsWithSegments("/social-learning"))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }

            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();
builder.Services.AddSingleton<InvoiceBook>();
builder.Services.AddHostedService<DemoStartup>();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

app.MapSocialLearning("/social-learning").RequireAuthorization();
app.MapDemoLogin();
app.MapInvoicePages();
app.MapModerationPages();

await app.RunAsync();

/// <summary>The sample's entry point, visible to the browser tests' WebApplicationFactory.</summary>
public partial class Program;
