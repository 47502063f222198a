using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SocialLearning.AspNetCore.Widget;

/// <summary>The widget's script and stylesheet, embedded in the assembly and served with ETag and cache headers.</summary>
internal static class WidgetAssets
{
    private static readonly Lazy<Asset> Script = new(() => Load("SocialLearning.Widget.social-learning.js", "text/javascript; charset=utf-8"));
    private static readonly Lazy<Asset> Style = new(() => Load("SocialLearning.Widget.social-learning.css", "text/css; charset=utf-8"));

    public static IResult ServeScript(HttpContext http, EndpointOptionsAccessor options) => Serve(http, Script.Value, options.MaxAge);

    public static IResult ServeStyle(HttpContext http, EndpointOptionsAccessor options) => Serve(http, Style.Value, options.MaxAge);

    private static IResult Serve(HttpContext http, Asset asset, TimeSpan maxAge)
    {
        var headers = http.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = $"public, max-age={((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture)}";
        headers.XContentTypeOptions = "nosniff";
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Count > 0 && ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(new EntityTagHeaderValue(asset.ETag), useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(WidgetAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded widget asset '{name}' is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12));
        return new Asset(bytes, contentType, $"\"{hash}\"");
    }

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}

/// <summary>The asset cache lifetime from options, resolved once.</summary>
internal sealed class EndpointOptionsAccessor(Microsoft.Extensions.Options.IOptions<SocialLearningWebOptions> options)
{
    public TimeSpan MaxAge { get; } = options.Value.WidgetAssetMaxAge;
}
