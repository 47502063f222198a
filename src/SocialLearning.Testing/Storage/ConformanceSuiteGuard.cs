using System.Reflection;
using Xunit;

namespace SocialLearning.Testing.Storage;

/// <summary>
/// Fails when a store's test project forgets one of the conformance suites. Subclass it once in the test project:
/// <c>public sealed class SuiteGuard : ConformanceSuiteGuard;</c>
/// </summary>
public abstract class ConformanceSuiteGuard
{
    /// <summary>Every generic abstract suite in this package.</summary>
    public static IReadOnlyList<Type> Suites { get; } = typeof(ConformanceSuiteGuard).Assembly.GetTypes()
        .Where(t => t.IsAbstract && t.IsGenericTypeDefinition && t.IsPublic && t.Name.Contains("ConformanceTests", StringComparison.Ordinal)
                    && t.Namespace == typeof(ConformanceSuiteGuard).Namespace // store suites only, not the ranker suites
                    && t.GetGenericTypeDefinition() != typeof(StoreConformanceTestBase<>))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    [Fact]
    public void Every_conformance_suite_is_run_by_this_test_project()
    {
        var assembly = GetType().Assembly;
        var covered = assembly.GetTypes()
            .Where(t => !t.IsAbstract)
            .SelectMany(BaseTypes)
            .Where(t => t.IsGenericType)
            .Select(t => t.GetGenericTypeDefinition())
            .ToHashSet();
        var missing = Suites.Where(s => !covered.Contains(s)).Select(s => s.Name[..s.Name.IndexOf('`', StringComparison.Ordinal)]).ToList();
        Assert.True(Suites.Count >= 9, $"Expected at least 9 suites, found {Suites.Count}.");
        Assert.True(missing.Count == 0, $"{assembly.GetName().Name} does not run these conformance suites: {string.Join(", ", missing)}. Add a one-line subclass of each.");
    }

    private static IEnumerable<Type> BaseTypes(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            yield return t;
        }
    }
}
