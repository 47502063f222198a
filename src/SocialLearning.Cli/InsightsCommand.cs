using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialLearning.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SocialLearning.Cli;

/// <summary>Prints a tenant's gaps, trends and unanswered questions (<see cref="ILearningInsights"/>) from a SQLite store file or a StackExchange dump.</summary>
internal sealed class InsightsCommand : AsyncCommand<InsightsCommand.Settings>
{
    internal sealed class Settings : StoreSettings
    {
        [CommandOption("--as-of <TIME>")]
        [Description("The window's end (ISO 8601); default now, or the last post of a --dataset.")]
        public string? AsOf { get; init; }

        [CommandOption("--window-days <DAYS>")]
        [Description("The window's length in days (trends compare it with the one before). Default 28.")]
        public double WindowDays { get; init; } = 28;

        [CommandOption("--top <N>")]
        [Description("Entries per list, 1 to 100. Default 10.")]
        public int Top { get; init; } = 10;

        [CommandOption("--json <FILE>")]
        [Description("Also write the report as JSON.")]
        public string? Json { get; init; }

        public override ValidationResult Validate() =>
            ValidateStore() is { Successful: false } store ? store
            : WindowDays is <= 0 or > 366 ? ValidationResult.Error("--window-days must be more than 0 and at most 366.")
            : Top is < 1 or > 100 ? ValidationResult.Error("--top must be between 1 and 100.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var asOf = CliStore.Time(settings.AsOf, "--as-of");
            if (settings.Json is { } json)
            {
                OutputFolder.Create(json);
            }

            var opened = await CliStore.OpenAsync(settings, cancellationToken).ConfigureAwait(false);
            await using var scope = opened.Provider.ConfigureAwait(false);
            asOf ??= opened.Corpus?.Posts.Max(p => p.CreatedAt);
            var report = await opened.Provider.GetRequiredService<ILearningInsights>().GetAsync(
                opened.Tenant,
                new InsightsRequest { AsOf = asOf, Window = TimeSpan.FromDays(settings.WindowDays), Top = settings.Top },
                cancellationToken).ConfigureAwait(false);
            Write(report, opened.Tenant);
            if (settings.Json is { } path)
            {
                var file = File.Create(path);
                await using (file.ConfigureAwait(false))
                {
                    await JsonSerializer.SerializeAsync(file, report, CliJsonContext.Default.LearningInsightsReport, cancellationToken).ConfigureAwait(false);
                }

                Console.WriteLine($"wrote {path}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or System.Xml.XmlException or SocialLearningStorageException or System.Data.Common.DbException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 2;
        }
    }

    private static void Write(LearningInsightsReport report, TenantId tenant)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{tenant.Value}[/]: {report.From:yyyy-MM-dd HH:mm} to {report.To:yyyy-MM-dd HH:mm} UTC");
        var gaps = new Table().Title("Gaps: demand per colleague who shares").AddColumns("skill", "asked in window", "open questions", "shared", "contributors", "score");
        foreach (var g in report.Gaps)
        {
            gaps.AddRow(Markup.Escape(g.Skill.Value), N(g.QuestionsAsked), N(g.OpenQuestions), N(g.Shared), N(g.Contributors), g.Score.ToString("0.00", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(gaps);
        foreach (var (title, list) in new[] { ("Rising", report.Rising), ("Falling", report.Falling) })
        {
            var table = new Table().Title(title + ": activity against the window before").AddColumns("skill", "this window", "window before", "ratio");
            foreach (var t in list)
            {
                table.AddRow(Markup.Escape(t.Skill.Value), N(t.Current), N(t.Previous), t.Ratio.ToString("0.00", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
        }

        var open = new Table().Title("Unanswered questions, oldest first").AddColumns("asked", "question", "skills");
        foreach (var q in report.Unanswered)
        {
            open.AddRow(q.AskedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Markup.Escape(q.Title), Markup.Escape(string.Join(", ", q.Skills.Select(s => s.Value))));
        }

        AnsiConsole.Write(open);
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
