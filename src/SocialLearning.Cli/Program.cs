return await SocialLearning.Cli.CliApp.RunAsync(args).ConfigureAwait(false);
