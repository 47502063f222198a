using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SocialLearning.BrowserTests;

/// <summary>
/// The sample app (the README's main job) on a real Kestrel port on 127.0.0.1, with its default embedded SQLite
/// store in a temporary directory, plus Debian's Chromium driven by Playwright. One per test run.
/// </summary>
public sealed class SampleServer : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "sl-browser-" + Guid.NewGuid().ToString("N"));
    private Factory? _factory;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = string.Empty;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>$SOCIALLEARNING_ARTIFACTS/browser-screenshots</c>, else <c>artifacts/browser-screenshots</c> in the repository.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("SOCIALLEARNING_ARTIFACTS") is { Length: > 0 } artifacts)
            {
                var configured = Path.Combine(artifacts, "browser-screenshots");
                Directory.CreateDirectory(configured);
                return configured;
            }

            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "global.json")))
            {
                dir = dir.Parent;
            }

            var path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "browser-screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("SOCIALLEARNING_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{chromium}'. Install Debian's chromium (scripts/setup.d/30-chromium.sh does: apt-get install -y chromium) or set SOCIALLEARNING_CHROMIUM.");
        }

        Directory.CreateDirectory(_dataDirectory);
        _factory = new Factory(_dataDirectory);
        _factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The sample server reported no address.");
        BaseUrl = addresses.First().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) signed in as <paramref name="user"/>, on <paramref name="path"/>.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> SignInAsync(string user, string path = "/invoices/new")
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, BaseURL = BaseUrl });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync($"/demo/login?user={user}&returnUrl={Uri.EscapeDataString(path)}");
        if (response is null || !response.Ok)
        {
            throw new InvalidOperationException($"Signing in as {user} answered {response?.Status}.");
        }

        return (context, page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp directory is cleaned by the OS.
        }
    }

    private sealed class Factory(string dataDirectory) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Sample:Storage", "sqlite");
            builder.UseSetting("Sample:DataDirectory", dataDirectory);
            // The XSS test shares 120 payloads from one learner; the limits themselves are covered by the endpoint tests.
            builder.UseSetting("SocialLearning:Web:RateLimits:Enabled", "false");
            builder.UseSetting("urls", "http://127.0.0.1:0");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SampleServerCollection : ICollectionFixture<SampleServer>
{
    public const string Name = "sample server";
}
