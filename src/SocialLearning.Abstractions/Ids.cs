using System.Diagnostics.CodeAnalysis;

namespace SocialLearning;

/// <summary>Shared validation for string-backed identifiers.</summary>
internal static class IdRules
{
    public const int MaxLength = 128;

    /// <summary>The rules of <see cref="Validate"/> without the exception: non-empty, at most 128 characters, no white space or control characters.</summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    public static string Validate(string? value, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{paramName} must not be empty.", paramName);
        }

        if (value.Length > MaxLength)
        {
            throw new ArgumentException($"{paramName} must be at most {MaxLength} characters (was {value.Length}).", paramName);
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new ArgumentException($"{paramName} must not contain white space or control characters.", paramName);
            }
        }

        return value;
    }
}

/// <summary>One organisation in a multi-tenant host. Every record is scoped by tenant.</summary>
public readonly record struct TenantId
{
    /// <summary>Creates a tenant id; throws <see cref="ArgumentException"/> when empty, too long or containing white space.</summary>
    public TenantId(string value) => Value = IdRules.Validate(value, nameof(TenantId));

    /// <summary>The id as given by the host.</summary>
    public string Value { get; }

    /// <summary>True for <c>default(TenantId)</c>, which no API accepts.</summary>
    [MemberNotNullWhen(false, nameof(Value))]
    public bool IsDefault => Value is null;

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

/// <summary>A person, identified by the host's identity system.</summary>
public readonly record struct LearnerId
{
    /// <summary>Creates a learner id; throws <see cref="ArgumentException"/> when empty, too long or containing white space.</summary>
    public LearnerId(string value) => Value = IdRules.Validate(value, nameof(LearnerId));

    /// <summary>The id as given by the host.</summary>
    public string Value { get; }

    /// <summary>True for <c>default(LearnerId)</c>, which no API accepts.</summary>
    [MemberNotNullWhen(false, nameof(Value))]
    public bool IsDefault => Value is null;

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

/// <summary>A skill in a tenant's skill graph, for example <c>invoicing</c> or <c>excel-pivot-tables</c>.</summary>
public readonly record struct SkillId
{
    /// <summary>Creates a skill id; throws <see cref="ArgumentException"/> when empty, too long or containing white space.</summary>
    public SkillId(string value) => Value = IdRules.Validate(value, nameof(SkillId));

    /// <summary>
    /// Creates a skill id when <paramref name="value"/> can be one (the constructor's rules), without throwing: for text
    /// that may be an id or a skill's name, such as what a worker types.
    /// </summary>
    public static bool TryCreate([NotNullWhen(true)] string? value, out SkillId id)
    {
        id = IdRules.IsValid(value) ? new SkillId(value!) : default;
        return !id.IsDefault;
    }

    /// <summary>The id.</summary>
    public string Value { get; }

    /// <summary>True for <c>default(SkillId)</c>, which no API accepts.</summary>
    [MemberNotNullWhen(false, nameof(Value))]
    public bool IsDefault => Value is null;

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

/// <summary>A contribution (tip, how-to, question, answer or resource link).</summary>
public readonly record struct ContributionId
{
    /// <summary>Creates a contribution id; throws <see cref="ArgumentException"/> when empty, too long or containing white space.</summary>
    public ContributionId(string value) => Value = IdRules.Validate(value, nameof(ContributionId));

    /// <summary>The id.</summary>
    public string Value { get; }

    /// <summary>True for <c>default(ContributionId)</c>, which no API accepts.</summary>
    [MemberNotNullWhen(false, nameof(Value))]
    public bool IsDefault => Value is null;

    /// <summary>A new random id.</summary>
    public static ContributionId New() => new(Guid.NewGuid().ToString("N"));

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
