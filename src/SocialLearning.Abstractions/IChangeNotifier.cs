namespace SocialLearning;

/// <summary>
/// Optional companion of <see cref="ISocialLearningStore"/>: lets a follower of the change feed sleep until new
/// changes are committed instead of polling <see cref="ISocialLearningStore.ReadChangesAsync"/> in a tight loop.
/// A follower checks <c>store is IChangeNotifier</c> and otherwise polls.
/// </summary>
/// <remarks>
/// A wake-up is a hint, not a delivery: the follower still reads the feed from its own position, so a lost or
/// coalesced notification costs latency, never a change. Implementations fall back to polling when their
/// notification channel is down.
/// </remarks>
public interface IChangeNotifier
{
    /// <summary>
    /// Completes with true as soon as a change with a position greater than <paramref name="afterPosition"/> is
    /// committed (immediately when one already is), or with false when <paramref name="timeout"/> passes first.
    /// </summary>
    Task<bool> WaitForChangesAsync(long afterPosition, TimeSpan timeout, CancellationToken cancellationToken = default);
}
