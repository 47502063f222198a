using SocialLearning.Evaluation;

namespace SocialLearning.Cli;

internal static class DatasetLoader
{
    public static EvaluationCorpus Load(string path, IProgress<string>? progress = null)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("--dataset is required: a StackExchange dump folder or a host data JSON file.");
        }

        if (Directory.Exists(path))
        {
            return StackExchangeImporter.Load(path, progress);
        }

        if (File.Exists(path))
        {
            return HostDataFormat.Read(path);
        }

        throw new ArgumentException($"--dataset '{path}' is neither a folder nor a file.");
    }
}
