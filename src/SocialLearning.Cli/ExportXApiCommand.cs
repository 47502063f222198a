using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SocialLearning.Cli;

/// <summary>
/// Writes a tenant's activity as xAPI statements (one JSON array) from a SQLite store file, or from a StackExchange
/// dump imported on the fly, for a Learning Record Store.
/// </summary>
internal sealed class ExportXApiCommand : AsyncCommand<ExportXApiCommand.Settings>
{
    internal sealed class Settings : StoreSettings
    {
        [CommandOption("--activity-base <IRI>")]
        [Description("Absolute http(s) IRI, ending with '/', that activity ids start with (for example https://app.example.com/learning/).")]
        public string ActivityBase { get; init; } = string.Empty;

        [CommandOption("--home-page <IRI>")]
        [Description("Absolute http(s) IRI of the system whose accounts the learner ids are.")]
        public string HomePage { get; init; } = string.Empty;

        [CommandOption("--from <TIME>")]
        [Description("Only statements at or after this ISO 8601 time.")]
        public string? From { get; init; }

        [CommandOption("--to <TIME>")]
        [Description("Only statements before this ISO 8601 time.")]
        public string? To { get; init; }

        [CommandOption("--no-views")]
        [Description("Leave views out (they are most of the log).")]
        public bool NoViews { get; init; }

        [CommandOption("--evidence")]
        [Description("Also export proficiency evidence (the level in each skill, and where it came from).")]
        public bool Evidence { get; init; }

        [CommandOption("--moderation")]
        [Description("Also export moderators' last decision on each contribution (approved or rejected).")]
        public bool Moderation { get; init; }

        [CommandOption("--names")]
        [Description("Put learners' display names in the actors (personal data; off by default).")]
        public bool Names { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Where to write the JSON array of statements.")]
        public string Out { get; init; } = string.Empty;

        public override ValidationResult Validate() =>
            ValidateStore() is { Successful: false } store ? store
            : string.IsNullOrWhiteSpace(ActivityBase) ? ValidationResult.Error("--activity-base is required.")
            : string.IsNullOrWhiteSpace(HomePage) ? ValidationResult.Error("--home-page is required.")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out is required.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var options = new XApiExportOptions
            {
                ActivityBaseUri = Iri(settings.ActivityBase, "--activity-base"),
                AccountHomePage = Iri(settings.HomePage, "--home-page"),
                From = CliStore.Time(settings.From, "--from"),
                To = CliStore.Time(settings.To, "--to"),
                IncludeViews = !settings.NoViews,
                IncludeEvidence = settings.Evidence,
                IncludeModeration = settings.Moderation,
                IncludeNames = settings.Names,
            };
            OutputFolder.Create(settings.Out);

            var (provider, tenant, _) = await CliStore.OpenAsync(settings, cancellationToken).ConfigureAwait(false);
            await using var providerScope = provider.ConfigureAwait(false);

            var exporter = provider.GetRequiredService<IXApiExporter>();
            var statements = exporter.ExportAsync(tenant, options, cancellationToken);
            long count;
            var stream = File.Create(settings.Out);
            await using (stream.ConfigureAwait(false))
            {
                count = await XApiStatements.WriteJsonArrayAsync(statements, stream, cancellationToken).ConfigureAwait(false);
            }

            Console.WriteLine($"{count} xAPI statements for tenant '{tenant.Value}' -> {settings.Out}");
            if (count == 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]No statements: check the tenant id ('{tenant.Value}') and the --from/--to window.[/]");
            }

            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or System.Xml.XmlException or SocialLearningStorageException or System.Data.Common.DbException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 2;
        }
    }

    private static Uri Iri(string value, string option) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"{option} must be an absolute IRI; it was '{value}'.", option);
}
