using SocialLearning.Storage;
using SocialLearning.Testing.Storage;

namespace SocialLearning.Storage.InMemory.ConformanceTests;

public sealed class InMemoryStoreFactory : IStoreFactory
{
    public Task<ISocialLearningStore> CreateStoreAsync() => Task.FromResult<ISocialLearningStore>(new InMemorySocialLearningStore());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class SuiteGuard : ConformanceSuiteGuard;

public sealed class InMemoryLearnerTests : LearnerStoreConformanceTests<InMemoryStoreFactory>;

public sealed class InMemorySkillTests : SkillStoreConformanceTests<InMemoryStoreFactory>;

public sealed class InMemoryContributionTests : ContributionStoreConformanceTests<InMemoryStoreFactory>;

public sealed class InMemoryInteractionTests : InteractionStoreConformanceTests<InMemoryStoreFactory>;

public sealed class InMemoryChangeFeedTests : ChangeFeedConformanceTests<InMemoryStoreFactory>;

public sealed class InMemoryTenantIsolationTests : TenantIsolationConformanceTests<InMemoryStoreFactory>;

public sealed class InMemoryConcurrencyTests : ConcurrencyConformanceTests<InMemoryStoreFactory>;

public sealed class InMemoryInputValidationTests : InputValidationConformanceTests<InMemoryStoreFactory>;

public sealed class InMemoryCancellationTests : CancellationConformanceTests<InMemoryStoreFactory>;

public sealed class InMemorySkillGraphBatchTests : SocialLearning.Testing.Storage.Optional.SkillGraphBatchWriterConformanceTests<InMemoryStoreFactory>;
