using SocialLearning.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("sociallearning");
    config.AddCommand<ImportCommand>("import").WithDescription("Convert a StackExchange dump to the host data JSON format, or O*NET to a skill graph JSON file.");
    config.AddCommand<ReportCommand>("report").WithDescription("Print a saved JSON report and render it as HTML.");
    config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate rankers on a StackExchange dump folder or a host data file.");
});
return await app.RunAsync(args).ConfigureAwait(false);
