using System.Globalization;

namespace SocialLearning.Evaluation;

/// <summary>
/// Signed numbers for the reports. A two-section custom format ("+0.000;-0.000") renders a negative value that rounds to
/// zero as "-+0.000" in .NET, so every signed figure goes through these, whose third section prints such values as 0.
/// </summary>
internal static class Signed
{
    /// <summary>A difference with three decimals: +0.012, -0.034, 0.000.</summary>
    public static string Difference(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    /// <summary>A relative difference in whole percent: +12%, -3%, 0%.</summary>
    public static string Percent(double value) => value.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture);
}
