using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SocialLearning.Cli;

/// <summary>
/// Writes a skill graph (a JSON file from <c>import --esco/--onet</c>, or ESCO or O*NET read directly) into a tenant of a
/// SQLite or PostgreSQL store through <see cref="ISkillService.ImportAsync"/>.
/// </summary>
internal sealed class SeedSkillsCommand : AsyncCommand<SeedSkillsCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--graph <FILE>")]
        [Description("A skill graph JSON file written by 'import --esco' or 'import --onet'.")]
        public string? Graph { get; init; }

        [CommandOption("--esco <DIR>")]
        [Description("A folder with ESCO's CSV download, read directly.")]
        public string? Esco { get; init; }

        [CommandOption("--language <CODE>")]
        [Description("With --esco: the language of the files to read. Default en.")]
        public string Language { get; init; } = "en";

        [CommandOption("--onet <DIR>")]
        [Description("An O*NET text release folder, read directly.")]
        public string? Onet { get; init; }

        [CommandOption("--sqlite <FILE>")]
        [Description("The SocialLearning SQLite store file to write into (created when missing).")]
        public string? Sqlite { get; init; }

        [CommandOption("--postgres <CONNECTION>")]
        [Description("A PostgreSQL connection string, or env:NAME to read it from the environment variable NAME. The schema must exist (the app creates it); it is never migrated here.")]
        public string? Postgres { get; init; }

        [CommandOption("--schema <NAME>")]
        [Description("The PostgreSQL schema. Default sociallearning.")]
        public string Schema { get; init; } = "sociallearning";

        [CommandOption("--tenant <ID>")]
        [Description("The tenant to write the skills into.")]
        public string? Tenant { get; init; }

        public override ValidationResult Validate() =>
            new[] { Graph, Esco, Onet }.Count(v => v is not null) != 1 ? ValidationResult.Error("Give exactly one of --graph, --esco or --onet.")
            : Esco is null && Language != "en" ? ValidationResult.Error("--language goes with --esco.")
            : new[] { Sqlite, Postgres }.Count(v => v is not null) != 1 ? ValidationResult.Error("Give exactly one of --sqlite or --postgres.")
            : string.IsNullOrWhiteSpace(Tenant) ? ValidationResult.Error("--tenant is required.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var tenant = new TenantId(settings.Tenant!);
            var (source, graph) = Read(settings);
            var (skills, edges) = graph.ToDefinitions();
            var services = new ServiceCollection();
            var builder = services.AddSocialLearning();
            CliStore.UseStore(builder, settings.Sqlite, settings.Postgres, settings.Schema);
            var provider = services.BuildServiceProvider();
            await using var disposing = provider.ConfigureAwait(false);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await provider.GetRequiredService<ISkillService>().ImportAsync(tenant, skills, edges, cancellationToken).ConfigureAwait(false);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            Console.WriteLine($"{source}: {skills.Count} skills and {edges.Count} edges into tenant '{tenant}' in {elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"skills: {result.SkillsCreated} created, {result.SkillsUpdated} updated, {result.SkillsUnchanged} unchanged; edges: {result.EdgesAdded} added, {result.EdgesUpdated} updated, {result.EdgesUnchanged} unchanged");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or JsonException
            or SocialLearningException or System.Data.Common.DbException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 2;
        }
    }

    private static (string Source, SkillGraphData Graph) Read(Settings settings)
    {
        if (settings.Esco is { } esco)
        {
            return ("ESCO", EscoSkillGraph.Load(esco, settings.Language));
        }

        if (settings.Onet is { } onet)
        {
            return ("O*NET", OnetSkillGraph.Load(onet));
        }

        using var stream = File.OpenRead(settings.Graph!);
        var graph = JsonSerializer.Deserialize(stream, EvaluationJsonContext.Default.SkillGraphData)
            ?? throw new InvalidDataException($"{settings.Graph} holds no skill graph.");
        return (settings.Graph!, graph);
    }
}
