using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SocialLearning.Samples.WebApp;

/// <summary>Seeds the demo data before the server takes requests, then prints the URL to open.</summary>
internal sealed class DemoStartup(IServiceProvider services, IConfiguration configuration, IHostApplicationLifetime lifetime, IServer server) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue("Sample:Seed", true))
        {
            await DemoData.SeedAsync(services, cancellationToken);
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
