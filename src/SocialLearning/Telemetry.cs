using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SocialLearning;

/// <summary>The names under which the SDK publishes traces and metrics, for OpenTelemetry's <c>AddSource</c> / <c>AddMeter</c>.</summary>
public static class SocialLearningTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> name: <c>SocialLearning</c>.</summary>
    public const string Name = "SocialLearning";

    internal static readonly ActivitySource ActivitySource = new(Name);
    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> ContributionsShared =
        Meter.CreateCounter<long>("sociallearning.contributions.shared", description: "Contributions shared.");

    internal static readonly Counter<long> InteractionsRecorded =
        Meter.CreateCounter<long>("sociallearning.interactions.recorded", description: "Interactions recorded, by kind and outcome.");

    internal static readonly Counter<long> ModerationDecisions =
        Meter.CreateCounter<long>("sociallearning.moderation.decisions", description: "Moderators' decisions, by decision (approved, hidden).");
}
