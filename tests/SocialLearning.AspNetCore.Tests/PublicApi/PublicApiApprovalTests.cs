using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace SocialLearning.AspNetCore.Tests.PublicApi;

/// <summary>
/// The public surface of SocialLearning.AspNetCore is approved in a committed file. Run the tests with
/// SOCIALLEARNING_APPROVE_API=1 to rewrite it after an intended change, then review the diff.
/// </summary>
public sealed class PublicApiApprovalTests
{
    [Fact]
    public void The_public_API_matches_the_approved_file()
    {
        var api = typeof(IContributionRenderer).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute", "System.Runtime.CompilerServices.InternalsVisibleToAttribute"],
        }).ReplaceLineEndings("\n");
        var approvedPath = Path.Combine(SourceDirectory(), "SocialLearning.AspNetCore.approved.txt");
        if (Environment.GetEnvironmentVariable("SOCIALLEARNING_APPROVE_API") == "1")
        {
            File.WriteAllText(approvedPath, api);
        }

        Assert.True(File.Exists(approvedPath), $"No approved API file at {approvedPath}. Run with SOCIALLEARNING_APPROVE_API=1 to create it.");
        var approved = File.ReadAllText(approvedPath).ReplaceLineEndings("\n");
        if (approved != api)
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "SocialLearning.AspNetCore.received.txt"), api);
        }

        Assert.True(approved == api, "The public API of SocialLearning.AspNetCore changed. Compare SocialLearning.AspNetCore.received.txt with the approved file; if the change is intended, run the tests with SOCIALLEARNING_APPROVE_API=1.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
