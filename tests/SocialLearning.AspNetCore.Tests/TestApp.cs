using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SocialLearning.AspNetCore.Tests;

/// <summary>
/// A host app on the in-memory test server: header-based test sign-in (X-Test-User, X-Test-Tenant) mapped to claims,
/// read by the package's default claim resolvers; the in-memory store; test doubles for the recommenders.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app)
    {
        _app = app;
        Services = app.Services;
    }

    public IServiceProvider Services { get; }

    public ISocialLearningStore Store => Services.GetRequiredService<ISocialLearningStore>();

    public static async Task<TestApp> StartAsync(Action<SocialLearningWebOptions>? configure = null, bool autoCreateSkills = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services
            .AddSocialLearning(o =>
            {
                o.AutoCreateSkills = autoCreateSkills;
                o.TrustedFlaggerMinimumAge = TimeSpan.Zero; // learners are made on first request here; trust is tested in SocialLearning.Tests
            })
            .UseInMemoryStorage()
            .AddAspNetCore(o =>
            {
                o.RateLimits.Enabled = false;
                configure?.Invoke(o);
            });
        builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, HeaderAuthHandler>("Test", null);
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSocialLearning("/sl").RequireAuthorization();
        await app.StartAsync();
        return new TestApp(app);
    }

    /// <summary>A client signed in as <paramref name="learner"/> of <paramref name="tenant"/>; anonymous when learner is null.</summary>
    public HttpClient Client(string? learner = "alice", string tenant = "acme", string? name = null, string? roles = null)
    {
        var client = _app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/sl/");
        if (learner is not null)
        {
            client.DefaultRequestHeaders.Add("X-Test-User", learner);
            client.DefaultRequestHeaders.Add("X-Test-Tenant", tenant);
            client.DefaultRequestHeaders.Add("X-Test-Name", name ?? char.ToUpperInvariant(learner[0]) + learner[1..]);
            if (roles is not null)
            {
                client.DefaultRequestHeaders.Add("X-Test-Roles", roles);
            }
        }

        return client;
    }

    public async Task DefineSkillAsync(string tenant, string skill, string? name = null) =>
        await Services.GetRequiredService<ISkillService>().DefineSkillAsync(new TenantId(tenant), new SkillId(skill), name ?? skill);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private sealed class HeaderAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var user = Request.Headers["X-Test-User"].ToString();
            if (user.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.NameIdentifier, user),
                    new Claim(ClaimTypes.Name, Request.Headers["X-Test-Name"].ToString()),
                    new Claim("tenant_id", Request.Headers["X-Test-Tenant"].ToString()),
                    .. Request.Headers["X-Test-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)),
                ],
                "Test");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Test")));
        }
    }
}

internal static class Http
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json, string? idempotencyKey = null, string? ifMatch = null, string method = "POST")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(text), $"Expected a JSON body with status {(int)response.StatusCode}.");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()));
        return json;
    }

    public static async Task<string> ShareAsync(this HttpClient client, string title, string body = "Some **useful** text.", string contexts = "\"route:/invoices/new\"", string skills = "")
    {
        var response = await client.PostJsonAsync("contributions", $$"""{"title":{{JsonSerializer.Serialize(title)}},"body":{{JsonSerializer.Serialize(body)}},"contextKeys":[{{contexts}}],"skills":[{{skills}}]}""");
        var json = await response.JsonAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, json.ToString());
        return json.GetProperty("id").GetString()!;
    }

    public static MediaTypeHeaderValue JsonType => new("application/json");
}
