using SocialLearning.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("sociallearning");
    config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate rankers on a StackExchange dump folder or a host data file.");
});
return await app.RunAsync(args).ConfigureAwait(false);
