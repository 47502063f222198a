using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SocialLearning.AspNetCore.Identity;

namespace SocialLearning.AspNetCore.Endpoints;

/// <summary>Thrown when a write is over the learner's limit; answered 429 with <c>Retry-After</c>.</summary>
internal sealed class RateLimitedException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Per-learner token buckets (System.Threading.RateLimiting) for posts and votes. Partitioned by tenant, learner
/// and whether the learner is new, so one learner's limit never touches another's.
/// </summary>
internal sealed class WriteRateLimiter : IDisposable
{
    private readonly SocialLearningRateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly PartitionedRateLimiter<Caller> _posts;
    private readonly PartitionedRateLimiter<Caller> _votes;

    public WriteRateLimiter(IOptions<SocialLearningWebOptions> options, TimeProvider time)
    {
        _options = options.Value.RateLimits;
        _time = time;
        _posts = PartitionedRateLimiter.Create<Caller, (TenantId, LearnerId, bool)>(caller =>
        {
            var isNew = IsNew(caller);
            var interval = isNew ? _options.NewLearnerPostInterval : _options.PostInterval;
            return RateLimitPartition.GetTokenBucketLimiter((caller.Tenant, caller.Id, isNew), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = 1,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = interval,
                QueueLimit = 0,
                AutoReplenishment = false,
            });
        });
        _votes = PartitionedRateLimiter.Create<Caller, (TenantId, LearnerId)>(caller =>
            RateLimitPartition.GetTokenBucketLimiter((caller.Tenant, caller.Id), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = _options.VotesPerDay,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromDays(1) / _options.VotesPerDay,
                QueueLimit = 0,
                AutoReplenishment = false,
            }));
    }

    public void AcquirePost(Caller caller) => Acquire(_posts, caller, "posts", IsNew(caller) ? _options.NewLearnerPostInterval : _options.PostInterval);

    public void AcquireVote(Caller caller) => Acquire(_votes, caller, "votes", TimeSpan.FromDays(1) / _options.VotesPerDay);

    public void Dispose()
    {
        _posts.Dispose();
        _votes.Dispose();
    }

    private bool IsNew(Caller caller) => _time.GetUtcNow() - caller.Learner.CreatedAt < _options.NewLearnerPeriod;

    private void Acquire(PartitionedRateLimiter<Caller> limiter, Caller caller, string what, TimeSpan fallback)
    {
        if (!_options.Enabled)
        {
            return;
        }

        using var lease = limiter.AttemptAcquire(caller);
        if (lease.IsAcquired)
        {
            return;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : fallback;
        throw new RateLimitedException($"Too many {what}: try again in {Math.Ceiling(retryAfter.TotalSeconds)} seconds.", retryAfter);
    }
}
