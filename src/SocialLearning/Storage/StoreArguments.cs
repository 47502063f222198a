namespace SocialLearning.Storage;

/// <summary>Argument checks every store shares, so providers reject bad input the same way.</summary>
public static class StoreArguments
{
    /// <summary>Largest page of the change feed a caller may ask for.</summary>
    public const int MaxChangeBatch = 10_000;

    /// <summary>Throws when a tenant id is default.</summary>
    public static void Tenant(TenantId tenant, string paramName = "tenant")
    {
        if (tenant.IsDefault)
        {
            throw new ArgumentException("The tenant id must be set.", paramName);
        }
    }

    /// <summary>Throws when an entity is null or its tenant id is default.</summary>
    public static void Entity<T>([System.Diagnostics.CodeAnalysis.NotNull] T? entity, TenantId tenant, string paramName)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entity, paramName);
        if (tenant.IsDefault)
        {
            throw new ArgumentException($"{paramName}.Tenant must be set.", paramName);
        }
    }

    /// <summary>
    /// The checks of <see cref="ISkillGraphBatchWriter.AddSkillGraphAsync"/>: lists set, every skill and edge of
    /// <paramref name="tenant"/>, no skill id twice.
    /// </summary>
    public static void SkillGraph(TenantId tenant, IReadOnlyList<Skill> skills, IReadOnlyList<SkillEdge> edges)
    {
        Tenant(tenant);
        ArgumentNullException.ThrowIfNull(skills);
        ArgumentNullException.ThrowIfNull(edges);
        var ids = new HashSet<SkillId>(skills.Count);
        for (var i = 0; i < skills.Count; i++)
        {
            Entity(skills[i], tenant, $"skills[{i}]");
            if (skills[i].Tenant != tenant)
            {
                throw new ArgumentException($"skills[{i}] belongs to tenant '{skills[i].Tenant}', not '{tenant}'.", $"skills[{i}]");
            }

            if (!ids.Add(skills[i].Id))
            {
                throw new ArgumentException($"skills[{i}]: the id '{skills[i].Id}' is in the batch twice.", $"skills[{i}]");
            }
        }

        for (var i = 0; i < edges.Count; i++)
        {
            Entity(edges[i], tenant, $"edges[{i}]");
            if (edges[i].Tenant != tenant)
            {
                throw new ArgumentException($"edges[{i}] belongs to tenant '{edges[i].Tenant}', not '{tenant}'.", $"edges[{i}]");
            }
        }
    }

    /// <summary>Throws when an idempotency key is present but blank or longer than 200 characters.</summary>
    public static void IdempotencyKey(string? key)
    {
        if (key is not null && (string.IsNullOrWhiteSpace(key) || key.Length > 200))
        {
            throw new ArgumentException("idempotencyKey must be null or 1 to 200 non-blank characters.", nameof(key));
        }
    }

    /// <summary>Throws when an expected version is below 1.</summary>
    public static void ExpectedVersion(long expectedVersion)
    {
        if (expectedVersion < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedVersion), expectedVersion, "expectedVersion must be 1 or more.");
        }
    }

    /// <summary>Throws for a negative position or a batch size outside 1 to <see cref="MaxChangeBatch"/>.</summary>
    public static void ChangeRange(long afterPosition, int maxCount)
    {
        if (afterPosition < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(afterPosition), afterPosition, "afterPosition must be 0 or more.");
        }

        if (maxCount is < 1 or > MaxChangeBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"maxCount must be between 1 and {MaxChangeBatch}.");
        }
    }

    /// <summary>Throws for an interaction kind that is not defined.</summary>
    public static void Interaction(Interaction interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        Tenant(interaction.Tenant, "interaction.Tenant");
        if (!Enum.IsDefined(interaction.Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(interaction), interaction.Kind, "interaction.Kind is not a defined interaction kind.");
        }

        if (interaction.ContributionId.IsDefault)
        {
            throw new ArgumentException("interaction.ContributionId must be set.", nameof(interaction));
        }

        if (interaction.Learner.IsDefault)
        {
            throw new ArgumentException("interaction.Learner must be set.", nameof(interaction));
        }
    }

    /// <summary>The id used for a skill edge in the change feed: <c>from|to|kind</c>.</summary>
    public static string EdgeEntityId(SkillId from, SkillId to, SkillEdgeKind kind) =>
        $"{from.Value}|{to.Value}|{kind}";
}
