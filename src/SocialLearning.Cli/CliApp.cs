using Spectre.Console.Cli;

namespace SocialLearning.Cli;

/// <summary>The <c>sociallearning</c> command line: <c>import</c>, <c>seed-skills</c>, <c>evaluate</c>, <c>report</c>, <c>insights</c>, <c>export-xapi</c>.</summary>
public static class CliApp
{
    /// <summary>Runs the command line with the given arguments and returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("sociallearning");
            config.AddCommand<ImportCommand>("import").WithDescription("Convert a StackExchange dump to the host data JSON format, or ESCO or O*NET to a skill graph JSON file.");
            config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate rankers on a StackExchange dump folder or a host data JSON file.");
            config.AddCommand<SeedSkillsCommand>("seed-skills").WithDescription("Write a skill graph (a JSON file from 'import', or ESCO or O*NET directly) into a tenant of a SQLite or PostgreSQL store; running it again writes only what changed.");
            config.AddCommand<ReportCommand>("report").WithDescription("Print a saved JSON report and render it as HTML.");
            config.AddCommand<InsightsCommand>("insights").WithDescription("Print a tenant's skill gaps, trends and unanswered questions, from a SQLite store or a StackExchange dump.");
            config.AddCommand<ExportXApiCommand>("export-xapi").WithDescription("Write a tenant's activity as xAPI statements for a Learning Record Store, from a SQLite store or a StackExchange dump.");
        });
        return app.RunAsync(args);
    }
}
