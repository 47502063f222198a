using System.Diagnostics.CodeAnalysis;

namespace SocialLearning;

/// <summary>
/// Where in the host app a contribution helps: <c>scheme:value</c>, for example <c>route:/invoices/new</c>
/// or <c>feature:export</c>. The scheme is lower-case ASCII letters, digits and '-' starting with a letter
/// (at most 32 characters); the value is 1 to 256 printable characters without white space.
/// </summary>
public readonly record struct ContextKey
{
    /// <summary>Longest accepted key, scheme and value together.</summary>
    public const int MaxLength = 290;

    private ContextKey(string value) => Value = value;

    /// <summary>The key in <c>scheme:value</c> form.</summary>
    public string Value { get; }

    /// <summary>The part before the first ':'.</summary>
    public string Scheme => Value[..Value.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>True for <c>default(ContextKey)</c>, which no API accepts.</summary>
    [MemberNotNullWhen(false, nameof(Value))]
    public bool IsDefault => Value is null;

    /// <summary>Parses a key, throwing <see cref="ArgumentException"/> that says what is wrong.</summary>
    public static ContextKey Parse(string value, string paramName = "contextKey")
    {
        var error = Validate(value);
        if (error is not null)
        {
            throw new ArgumentException($"{paramName} '{Truncate(value)}' is not a valid context key: {error}", paramName);
        }

        return new ContextKey(value);
    }

    /// <summary>Parses a key without throwing.</summary>
    public static bool TryParse(string? value, out ContextKey key)
    {
        if (Validate(value) is null)
        {
            key = new ContextKey(value!);
            return true;
        }

        key = default;
        return false;
    }

    private static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "it is empty.";
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return "expected 'scheme:value', for example 'route:/invoices/new'.";
        }

        if (colon > 32)
        {
            return "the scheme is longer than 32 characters.";
        }

        if (value[0] is < 'a' or > 'z')
        {
            return "the scheme must start with a lower-case letter.";
        }

        for (var i = 1; i < colon; i++)
        {
            var c = value[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            {
                return "the scheme may only hold lower-case letters, digits and '-'.";
            }
        }

        var valueLength = value.Length - colon - 1;
        if (valueLength == 0)
        {
            return "the value after ':' is empty.";
        }

        if (valueLength > 256)
        {
            return "the value after ':' is longer than 256 characters.";
        }

        for (var i = colon + 1; i < value.Length; i++)
        {
            if (char.IsWhiteSpace(value[i]) || char.IsControl(value[i]))
            {
                return "the value must not contain white space or control characters.";
            }
        }

        return null;
    }

    private static string Truncate(string? value) =>
        value is null ? "(null)" : value.Length <= 40 ? value : value[..40] + "…";

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
