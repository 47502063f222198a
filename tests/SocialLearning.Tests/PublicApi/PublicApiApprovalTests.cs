using System.Reflection;
using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace SocialLearning.Tests.PublicApi;

/// <summary>
/// The public surface of each package is approved in a committed file. A change to the public API fails here until
/// the approved file is updated on purpose: run the tests with SOCIALLEARNING_APPROVE_API=1 to rewrite it, then review the diff.
/// </summary>
public sealed class PublicApiApprovalTests
{
    public static TheoryData<string> Packages => new()
    {
        "SocialLearning.Abstractions",
        "SocialLearning",
        "SocialLearning.Testing",
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_public_API_matches_the_approved_file(string package)
    {
        var assembly = Assembly.Load(package);
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions { DenyNamespacePrefixes = [], ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute", "System.Runtime.CompilerServices.InternalsVisibleToAttribute"] })
            .ReplaceLineEndings("\n");
        var approvedPath = Path.Combine(SourceDirectory(), package + ".approved.txt");
        if (Environment.GetEnvironmentVariable("SOCIALLEARNING_APPROVE_API") == "1")
        {
            File.WriteAllText(approvedPath, api);
        }

        Assert.True(File.Exists(approvedPath), $"No approved API file at {approvedPath}. Run with SOCIALLEARNING_APPROVE_API=1 to create it.");
        var approved = File.ReadAllText(approvedPath).ReplaceLineEndings("\n");
        if (approved != api)
        {
            File.WriteAllText(Path.ChangeExtension(approvedPath, null).Replace(".approved", ".received", StringComparison.Ordinal) + ".txt", api);
        }

        Assert.True(approved == api, $"The public API of {package} changed. Compare {package}.received.txt with the approved file; if the change is intended, run the tests with SOCIALLEARNING_APPROVE_API=1.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
