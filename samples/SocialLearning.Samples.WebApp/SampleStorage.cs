namespace SocialLearning.Samples.WebApp;

internal static class SampleStorage
{
    /// <summary>
    /// Where the demo keeps its data: embedded SQLite by default (<c>Sample:Storage</c> = <c>sqlite</c>) in
    /// <c>Sample:DataDirectory</c> (default <c>app-data/</c> under the content root), or process memory
    /// (<c>Sample:Storage</c> = <c>memory</c>) for a throwaway run.
    /// </summary>
    public static ISocialLearningBuilder UseSampleStorage(this ISocialLearningBuilder builder, IConfiguration configuration, IWebHostEnvironment environment)
    {
        if (string.Equals(configuration["Sample:Storage"], "memory", StringComparison.OrdinalIgnoreCase))
        {
            return builder.UseInMemoryStorage();
        }

        var directory = configuration["Sample:DataDirectory"];
        if (string.IsNullOrWhiteSpace(directory))
        {
            directory = Path.Combine(environment.ContentRootPath, "app-data");
        }

        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "social-learning.db");
        return builder.UseSqliteStorage($"Data Source={file}");
    }
}
