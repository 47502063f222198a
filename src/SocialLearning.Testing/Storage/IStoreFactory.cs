namespace SocialLearning.Testing.Storage;

/// <summary>
/// Creates the store under test. The conformance suites create one factory per test (so it needs a public
/// parameterless constructor) and dispose it after the test. Tests use fresh random tenants, so a factory may
/// hand out stores over one shared database.
/// </summary>
public interface IStoreFactory : IAsyncDisposable
{
    /// <summary>Creates (or opens) a store ready for use.</summary>
    Task<ISocialLearningStore> CreateStoreAsync();
}
