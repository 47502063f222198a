using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SocialLearning.Services;

/// <summary>
/// Every tenant's skills held in memory for search and for resolving what workers type, kept current from the store's
/// change feed: each read asks the feed for the tenant's changes since the snapshot's position and reads the skills
/// again only when one of them created or updated a skill. So a search costs the same on SQLite or PostgreSQL as in
/// memory, and a skill defined on another app instance is found on the next read after it commits. At most
/// <see cref="SocialLearningOptions.SkillCatalogCapacity"/> skills are held over all tenants: reading a tenant's skills
/// past it drops the tenants read least recently.
/// </summary>
internal sealed class SkillCatalog(ISocialLearningStore store, IOptions<SocialLearningOptions> options, TimeProvider time)
{
    /// <summary>More changes than this since the last read and the skills are read again rather than the feed paged.</summary>
    private const int FeedPage = 1_000;

    private readonly ConcurrentDictionary<TenantId, Snapshot> _tenants = new();
    private readonly Lock _evicting = new();
    private readonly int _capacity = options.Value.SkillCatalogCapacity;
    private long _held;

    /// <summary>How many skills are held over all tenants (for tests and diagnostics).</summary>
    public long HeldSkills => Interlocked.Read(ref _held);

    /// <summary>The tenants held.</summary>
    public int HeldTenants => _tenants.Count;

    /// <summary>The tenant's skills as of now (the store's order), with their labels indexed for search.</summary>
    public async ValueTask<SkillLabelIndex> GetAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        if (_tenants.TryGetValue(tenant, out var snapshot))
        {
            var batch = await store.ReadChangesAsync(snapshot.Position, FeedPage, tenant, cancellationToken).ConfigureAwait(false);
            if (batch.Changes.Count < FeedPage && !batch.Changes.Any(static c => c.Kind is ChangeKind.SkillCreated or ChangeKind.SkillUpdated))
            {
                snapshot.Touch(time.GetTimestamp());
                if (batch.LastPosition > snapshot.Position)
                {
                    var moved = new Snapshot(batch.LastPosition, snapshot.Labels, time.GetTimestamp());
                    if (_tenants.TryUpdate(tenant, moved, snapshot))
                    {
                        return moved.Labels;
                    }
                }

                return snapshot.Labels;
            }
        }

        // The head before the listing: a skill change after it is seen by the next read (at worst read twice).
        var head = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        var skills = new List<Skill>();
        await foreach (var skill in store.ListSkillsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            skills.Add(skill);
        }

        var fresh = new Snapshot(head, new SkillLabelIndex(skills), time.GetTimestamp());
        Put(tenant, fresh);
        return fresh.Labels;
    }

    private void Put(TenantId tenant, Snapshot fresh)
    {
        // Not AddOrUpdate: it may run its delegates more than once, and the count must change once per write.
        var added = (long)fresh.Labels.Skills.Count;
        while (true)
        {
            if (_tenants.TryGetValue(tenant, out var old))
            {
                if (_tenants.TryUpdate(tenant, fresh, old))
                {
                    Interlocked.Add(ref _held, added - old.Labels.Skills.Count);
                    break;
                }
            }
            else if (_tenants.TryAdd(tenant, fresh))
            {
                Interlocked.Add(ref _held, added);
                break;
            }
        }

        if (Interlocked.Read(ref _held) <= _capacity)
        {
            return;
        }

        lock (_evicting)
        {
            // Least recently read first; never the tenant just read.
            foreach (var (other, snapshot) in _tenants.Where(p => p.Key != tenant).OrderBy(p => p.Value.LastRead).ToList())
            {
                if (Interlocked.Read(ref _held) <= _capacity)
                {
                    break;
                }

                if (_tenants.TryRemove(KeyValuePair.Create(other, snapshot)))
                {
                    Interlocked.Add(ref _held, -snapshot.Labels.Skills.Count);
                }
            }
        }
    }

    private sealed class Snapshot(long position, SkillLabelIndex labels, long lastRead)
    {
        private long _lastRead = lastRead;

        public long Position { get; } = position;

        public SkillLabelIndex Labels { get; } = labels;

        public long LastRead => Volatile.Read(ref _lastRead);

        public void Touch(long now) => Volatile.Write(ref _lastRead, now);
    }
}
