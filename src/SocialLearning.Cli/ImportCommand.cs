using System.ComponentModel;
using System.Text.Json;
using SocialLearning.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SocialLearning.Cli;

internal sealed class ImportCommand : Command<ImportCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--dataset <DIR>")]
        [Description("A StackExchange dump folder to convert into the host data JSON format.")]
        public string? Dataset { get; init; }

        [CommandOption("--onet <DIR>")]
        [Description("An O*NET text release folder to convert into a skill graph JSON file.")]
        public string? Onet { get; init; }

        [CommandOption("--esco <DIR>")]
        [Description("A folder with ESCO's CSV download (skills_en.csv, skillGroups_en.csv, broaderRelationsSkillPillar_en.csv, skillSkillRelations_en.csv) to convert into a skill graph JSON file.")]
        public string? Esco { get; init; }

        [CommandOption("--language <CODE>")]
        [Description("With --esco: the language of the files to read (skills_<CODE>.csv ...). Default en.")]
        public string Language { get; init; } = "en";

        [CommandOption("--out <FILE>")]
        [Description("Where to write the JSON.")]
        public string Out { get; init; } = string.Empty;

        public override ValidationResult Validate() =>
            new[] { Dataset, Onet, Esco }.Count(d => d is not null) != 1 ? ValidationResult.Error("Give exactly one of --dataset, --onet or --esco.")
            : Esco is null && Language != "en" ? ValidationResult.Error("--language goes with --esco.")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out is required.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            // The output's folder first, so that a path that cannot be written fails before the input is read.
            OutputFolder.Create(settings.Out);
            if (settings.Dataset is { } dataset)
            {
                var corpus = StackExchangeImporter.Load(dataset);
                using var stream = File.Create(settings.Out);
                HostDataFormat.Write(corpus, stream);
                Console.WriteLine($"{corpus.Name}: {corpus.Posts.Count} posts, {corpus.Users.Count} users, {corpus.Votes.Count} votes, {corpus.Links.Count} links, {corpus.Tags.Count} tags -> {settings.Out}");
                Console.WriteLine("The output is derived from StackExchange content (CC BY-SA): keep the attribution with it.");
            }
            else
            {
                var (source, graph) = settings.Onet is { } onet ? ("O*NET", OnetSkillGraph.Load(onet)) : ("ESCO", EscoSkillGraph.Load(settings.Esco!, settings.Language));
                using var stream = File.Create(settings.Out);
                JsonSerializer.Serialize(stream, graph, EvaluationJsonContext.Default.SkillGraphData);
                Console.WriteLine($"{source}: {graph.Skills.Count} skills, {graph.Edges.Count(e => e.Kind == SkillEdgeKind.Broader)} broader and {graph.Edges.Count(e => e.Kind == SkillEdgeKind.Related)} related edges -> {settings.Out}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or System.Xml.XmlException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 2;
        }
    }
}

internal sealed class ReportCommand : Command<ReportCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--json <FILE>")]
        [Description("A report written by 'evaluate --json'.")]
        public string Json { get; init; } = string.Empty;

        [CommandOption("--html <FILE>")]
        [Description("Write the self-contained HTML report here.")]
        public string? Html { get; init; }

        [CommandOption("--split <SPLIT>")]
        [Description("Which split to print: test (default) or validation.")]
        public string Split { get; init; } = "test";

        [CommandOption("--markdown <FILE>")]
        [Description("Write Markdown tables of the chosen split here.")]
        public string? Markdown { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Json) ? ValidationResult.Error("--json is required.")
            : Split is not ("test" or "validation") ? ValidationResult.Error("--split must be test or validation.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        EvaluationReport? report;
        try
        {
            using var stream = File.OpenRead(settings.Json);
            report = JsonSerializer.Deserialize(stream, EvaluationJsonContext.Default.EvaluationReport);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Cannot read {settings.Json}: {ex.Message}[/]");
            return 2;
        }

        if (report is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{settings.Json} holds no report.[/]");
            return 2;
        }

        ConsoleReport.Write(report, settings.Split);
        try
        {
            if (settings.Html is { } html)
            {
                OutputFolder.Create(html);
                File.WriteAllText(html, HtmlReport.Render(report));
                Console.WriteLine($"wrote {html}");
            }

            if (settings.Markdown is { } markdown)
            {
                OutputFolder.Create(markdown);
                File.WriteAllText(markdown, MarkdownReport.Render(report, settings.Split));
                Console.WriteLine($"wrote {markdown}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Cannot write the report: {ex.Message}[/]");
            return 2;
        }

        return 0;
    }
}

/// <summary>Output files' folders, created before the work that fills them so that a bad path fails at once.</summary>
internal static class OutputFolder
{
    /// <summary>The folder <paramref name="file"/> will be written in.</summary>
    public static string Of(string file) => Path.GetDirectoryName(Path.GetFullPath(file))!;

    /// <summary>Creates the folder <paramref name="file"/> will be written in (nothing if it exists).</summary>
    public static void Create(string file) => Directory.CreateDirectory(Of(file));
}
