namespace SocialLearning.Evaluation;

/// <summary>A <see cref="TimeProvider"/> that the harness moves forward as it replays: the SDK sees the replay's "now".</summary>
public sealed class ReplayClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    /// <summary>Moves the clock; it never goes back.</summary>
    public void Set(DateTimeOffset now)
    {
        if (now > _now)
        {
            _now = now;
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now;

    /// <inheritdoc />
    public override long GetTimestamp() => _now.UtcTicks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
