using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SocialLearning.Samples.WebApp;

/// <summary>Seeds the demo data and warms the recommendation index before the server takes requests, then prints the URL to open.</summary>
internal sealed class DemoStartup(IServiceProvider services, IConfiguration configuration, IHostApplicationLifetime lifetime, IServer server) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue("Sample:Seed", true))
        {
            await DemoData.SeedAsync(services, cancellationToken);
        }

        // Load each tenant's recommendation index now, so that the first widget request is not the one that waits.
        var index = services.GetRequiredService<IRecommendationIndex>();
        foreach (var tenant in DemoUsers.All.Select(u => u.Tenant).Distinct().Select(t => new TenantId(t)))
        {
            await index.RefreshAsync(tenant, cancellationToken);
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                Console.WriteLine($"Invoice demo with SocialLearning tips: open {url}/ in a browser (switch users at {url}/demo/login).");
            }
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
