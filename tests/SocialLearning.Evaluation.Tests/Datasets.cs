namespace SocialLearning.Evaluation.Tests;

/// <summary>Finds the shared datasets: SOCIALLEARNING_DATASETS, or a folder with shared/datasets above the test directory.</summary>
internal static class Datasets
{
    public static string Root()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SOCIALLEARNING_DATASETS");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            Assert.True(Directory.Exists(fromEnv), $"SOCIALLEARNING_DATASETS points to '{fromEnv}', which does not exist.");
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "datasets");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"The shared datasets were not found: no 'shared/datasets' folder above {AppContext.BaseDirectory} and SOCIALLEARNING_DATASETS is not set. These tests need /work/shared/datasets (see its README).");
        return string.Empty;
    }

    public static string QuantumComputing()
    {
        var path = Path.Combine(Root(), "stackexchange-quantumcomputing");
        Assert.True(File.Exists(Path.Combine(path, "Posts.xml")), $"'{path}' has no Posts.xml; the StackExchange dataset is missing.");
        return path;
    }
}
