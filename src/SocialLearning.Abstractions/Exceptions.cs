namespace SocialLearning;

/// <summary>Base of every error the SDK raises on purpose. <see cref="ErrorCode"/> is stable and machine-readable.</summary>
public class SocialLearningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocialLearningException(string errorCode, string message, Exception? innerException = null)
        : base(message, innerException) => ErrorCode = errorCode;

    /// <summary>Creates the exception with a generic code.</summary>
    public SocialLearningException()
        : this("social_learning_error", "A SocialLearning error occurred.")
    {
    }

    /// <summary>Creates the exception with a generic code.</summary>
    public SocialLearningException(string message)
        : this("social_learning_error", message)
    {
    }

    /// <summary>Creates the exception with a generic code.</summary>
    public SocialLearningException(string message, Exception innerException)
        : this("social_learning_error", message, innerException)
    {
    }

    /// <summary>Stable, machine-readable code such as <c>not_found</c> or <c>version_conflict</c>.</summary>
    public string ErrorCode { get; }
}

/// <summary>The id does not exist in the tenant (or belongs to another tenant, which looks the same).</summary>
public sealed class EntityNotFoundException : SocialLearningException
{
    /// <summary>Creates the exception.</summary>
    public EntityNotFoundException(string entityType, string id, string? field = null)
        : base("not_found", $"{entityType} '{id}' was not found.")
    {
        EntityType = entityType;
        Id = id;
        Field = field;
    }

    /// <summary>The entity type, for example <c>Contribution</c>.</summary>
    public string EntityType { get; }

    /// <summary>The id that was not found.</summary>
    public string Id { get; }

    /// <summary>The input field that held the id, when known.</summary>
    public string? Field { get; }
}

/// <summary>A record with that id already exists.</summary>
public sealed class DuplicateEntityException : SocialLearningException
{
    /// <summary>Creates the exception.</summary>
    public DuplicateEntityException(string entityType, string id)
        : base("duplicate", $"{entityType} '{id}' already exists.")
    {
        EntityType = entityType;
        Id = id;
    }

    /// <summary>The entity type.</summary>
    public string EntityType { get; }

    /// <summary>The id.</summary>
    public string Id { get; }
}

/// <summary>An update was based on a version that is no longer current (optimistic concurrency).</summary>
public sealed class VersionConflictException : SocialLearningException
{
    /// <summary>Creates the exception.</summary>
    public VersionConflictException(string entityType, string id, long expectedVersion, long actualVersion)
        : base("version_conflict", $"{entityType} '{id}' is at version {actualVersion}, not the expected version {expectedVersion}. Read it again and retry.")
    {
        EntityType = entityType;
        Id = id;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The entity type.</summary>
    public string EntityType { get; }

    /// <summary>The id.</summary>
    public string Id { get; }

    /// <summary>The version the caller expected.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version that is stored.</summary>
    public long ActualVersion { get; }
}

/// <summary>A prerequisite edge would close a cycle. <see cref="Cycle"/> names it, first skill repeated last.</summary>
public sealed class SkillGraphCycleException : SocialLearningException
{
    /// <summary>Creates the exception.</summary>
    public SkillGraphCycleException(IReadOnlyList<SkillId> cycle)
        : base("prerequisite_cycle", $"The prerequisite edge would create a cycle: {string.Join(" -> ", cycle)}.")
        => Cycle = cycle;

    /// <summary>The skills on the cycle in edge order, the first repeated at the end.</summary>
    public IReadOnlyList<SkillId> Cycle { get; }
}

/// <summary>The caller may not do this (for example edit someone else's contribution without being a moderator).</summary>
public sealed class SocialLearningForbiddenException : SocialLearningException
{
    /// <summary>Creates the exception.</summary>
    public SocialLearningForbiddenException(string message)
        : base("forbidden", message)
    {
    }
}

/// <summary>The store failed in a way the caller cannot fix by changing input (corrupt file, unreachable server, newer schema).</summary>
public sealed class SocialLearningStorageException : SocialLearningException
{
    /// <summary>Creates the exception.</summary>
    public SocialLearningStorageException(string message, Exception? innerException = null)
        : base("storage_error", message, innerException)
    {
    }
}
