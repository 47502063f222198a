namespace SocialLearning.Samples.WebApp;

internal static class SampleStorage
{
    /// <summary>
    /// Chooses where the demo keeps its data. TODO(feat/sqlite): switch the default to embedded SQLite
    /// (<c>UseSqliteStorage(...)</c>) in <c>Sample:DataDirectory</c> once that provider is merged.
    /// </summary>
    public static ISocialLearningBuilder UseSampleStorage(this ISocialLearningBuilder builder, IConfiguration configuration, IWebHostEnvironment environment)
    {
        _ = configuration;
        _ = environment;
        return builder.UseInMemoryStorage();
    }
}
