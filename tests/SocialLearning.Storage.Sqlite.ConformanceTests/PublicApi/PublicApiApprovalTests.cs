using System.Runtime.CompilerServices;
using PublicApiGenerator;
using SocialLearning.Storage.Sqlite;

namespace SocialLearning.Storage.Sqlite.ConformanceTests.PublicApi;

/// <summary>
/// The public surface of SocialLearning.Storage.Sqlite is approved in a committed file. A change fails here until the
/// file is updated on purpose: run the tests with SOCIALLEARNING_APPROVE_API=1 to rewrite it, then review the diff.
/// </summary>
public sealed class PublicApiApprovalTests
{
    [Fact]
    public void The_public_API_of_the_SQLite_store_matches_the_approved_file()
    {
        var api = typeof(SqliteSocialLearningStore).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // The default denies System.* and Microsoft.* namespaces, which would hide UseSqliteStorage.
            DenyNamespacePrefixes = [],
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute", "System.Runtime.CompilerServices.InternalsVisibleToAttribute"],
        }).ReplaceLineEndings("\n");
        var approvedPath = Path.Combine(SourceDirectory(), "SocialLearning.Storage.Sqlite.approved.txt");
        if (Environment.GetEnvironmentVariable("SOCIALLEARNING_APPROVE_API") == "1")
        {
            File.WriteAllText(approvedPath, api);
        }

        Assert.True(File.Exists(approvedPath), $"No approved API file at {approvedPath}. Run with SOCIALLEARNING_APPROVE_API=1 to create it.");
        var approved = File.ReadAllText(approvedPath).ReplaceLineEndings("\n");
        Assert.True(approved == api, $"The public API of SocialLearning.Storage.Sqlite changed. Expected:\n{approved}\nActual:\n{api}\nIf the change is intended, run the tests with SOCIALLEARNING_APPROVE_API=1.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
