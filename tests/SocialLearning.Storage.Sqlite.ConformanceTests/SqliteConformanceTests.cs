using SocialLearning.Testing.Storage;

namespace SocialLearning.Storage.Sqlite.ConformanceTests;

public sealed class SuiteGuard : ConformanceSuiteGuard;

public sealed class SqliteLearnerTests : LearnerStoreConformanceTests<SqliteStoreFactory>;

public sealed class SqliteSkillTests : SkillStoreConformanceTests<SqliteStoreFactory>;

public sealed class SqliteContributionTests : ContributionStoreConformanceTests<SqliteStoreFactory>;

public sealed class SqliteInteractionTests : InteractionStoreConformanceTests<SqliteStoreFactory>;

public sealed class SqliteChangeFeedTests : ChangeFeedConformanceTests<SqliteStoreFactory>;

public sealed class SqliteTenantIsolationTests : TenantIsolationConformanceTests<SqliteStoreFactory>;

public sealed class SqliteConcurrencyTests : ConcurrencyConformanceTests<SqliteStoreFactory>;

public sealed class SqliteInputValidationTests : InputValidationConformanceTests<SqliteStoreFactory>;

public sealed class SqliteCancellationTests : CancellationConformanceTests<SqliteStoreFactory>;

public sealed class SqliteSkillGraphBatchTests : SocialLearning.Testing.Storage.Optional.SkillGraphBatchWriterConformanceTests<SqliteStoreFactory>;
