using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.AspNetCore.Endpoints;
using SocialLearning.AspNetCore.Widget;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SocialLearning HTTP API and the tip widget's assets.</summary>
public static class SocialLearningEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the API under <paramref name="prefix"/> (default <c>/social-learning</c>) and the widget at
    /// <c>{prefix}/widget/social-learning.js</c> and <c>.css</c>. Returns the API's route group so the host can add
    /// <c>RequireAuthorization()</c>, rate limiting or CORS to every API endpoint (the two static widget assets are
    /// mapped beside it and stay anonymous). Needs <c>services.AddSocialLearning().AddAspNetCore()</c>.
    /// </summary>
    public static RouteGroupBuilder MapSocialLearning(this IEndpointRouteBuilder endpoints, string prefix = "/social-learning")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (endpoints.ServiceProvider.GetService<EndpointServices>() is null)
        {
            throw new InvalidOperationException(
                "MapSocialLearning() needs the SocialLearning web services. Call builder.Services.AddSocialLearning().UseInMemoryStorage().AddAspNetCore() (or another store) first.");
        }

        var group = endpoints.MapGroup(prefix).WithTags("SocialLearning");
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (Exception e) when (!http.RequestAborted.IsCancellationRequested && Problems.FromException(e, http) is { } problem)
            {
                return problem;
            }
        });
        group.AddEndpointFilter(async (context, next) =>
        {
            // API answers are per learner: never cache them in shared caches. The widget assets set their own headers.
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context).ConfigureAwait(false);
        });

        SocialLearningEndpoints.Map(group);

        // The widget's script and stylesheet are static and hold no data: they are mapped beside the group, so that
        // RequireAuthorization() on the API does not turn a page's <script> load into a sign-in redirect.
        var assets = prefix.TrimEnd('/') + "/widget/";
        endpoints.MapGet(assets + "social-learning.js", WidgetAssets.ServeScript).WithName("SocialLearning.WidgetScript").AllowAnonymous();
        endpoints.MapGet(assets + "social-learning.css", WidgetAssets.ServeStyle).WithName("SocialLearning.WidgetStyle").AllowAnonymous();
        return group;
    }
}
