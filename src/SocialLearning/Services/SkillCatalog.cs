using System.Collections.Concurrent;

namespace SocialLearning.Services;

/// <summary>
/// Every tenant's skills held in memory for search and for resolving what workers type, kept current from the store's
/// change feed: each read asks the feed for the tenant's changes since the snapshot's position and reads the skills
/// again only when one of them created or updated a skill. So a search costs the same on SQLite or PostgreSQL as in
/// memory, and a skill defined on another app instance is found on the next read after it commits.
/// </summary>
internal sealed class SkillCatalog(ISocialLearningStore store)
{
    /// <summary>More changes than this since the last read and the skills are read again rather than the feed paged.</summary>
    private const int FeedPage = 1_000;

    private readonly ConcurrentDictionary<TenantId, Snapshot> _tenants = new();

    /// <summary>The tenant's skills as of now (the store's order), with their labels indexed for search.</summary>
    public async ValueTask<SkillLabelIndex> GetAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        if (_tenants.TryGetValue(tenant, out var snapshot))
        {
            var batch = await store.ReadChangesAsync(snapshot.Position, FeedPage, tenant, cancellationToken).ConfigureAwait(false);
            if (batch.Changes.Count < FeedPage && !batch.Changes.Any(static c => c.Kind is ChangeKind.SkillCreated or ChangeKind.SkillUpdated))
            {
                if (batch.LastPosition > snapshot.Position)
                {
                    _tenants.TryUpdate(tenant, snapshot with { Position = batch.LastPosition }, snapshot);
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

        var fresh = new Snapshot(head, new SkillLabelIndex(skills));
        _tenants[tenant] = fresh;
        return fresh.Labels;
    }

    private sealed record Snapshot(long Position, SkillLabelIndex Labels);
}
