using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SocialLearning.Index;

/// <summary>
/// The per-tenant indexes of this process. A tenant's index is built from the store on first use (the head
/// position is recorded before the load, then the feed is followed from there, so nothing is missed; changes
/// re-read entities and counters, so one seen twice is harmless) and caught up with the store's change feed
/// before a request is answered (see <see cref="RecommendationOptions.StoreCheckInterval"/>).
/// </summary>
internal sealed class RecommendationIndex(
    ISocialLearningStore store,
    IOptions<RecommendationOptions> options,
    IOptions<SocialLearningOptions> socialLearningOptions,
    TimeProvider time) : IRecommendationIndex
{
    private const int BatchSize = 1000;
    private readonly ConcurrentDictionary<TenantId, TenantIndex> _tenants = new();
    private readonly RecommendationOptions _options = options.Value;
    private readonly TimeSpan _proficiencyHalfLife = socialLearningOptions.Value.ProficiencyHalfLife;

    public ISocialLearningStore Store => store;

    /// <summary>The tenant's index, loaded and caught up with the store.</summary>
    public ValueTask<TenantIndex> GetCurrentAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var index = _tenants.GetOrAdd(tenant, static (t, o) => new TenantIndex(t, o.AffinityHalfLife.TotalSeconds, o.WilsonZ, o.ThreadExpansion, o.TitleWeight), _options);
        if (index.Loaded && _options.StoreCheckInterval > TimeSpan.Zero
            && time.GetElapsedTime(index.LastHeadCheck) < _options.StoreCheckInterval)
        {
            return ValueTask.FromResult(index);
        }

        return RefreshAsync(index, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask RefreshAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        if (tenant.IsDefault)
        {
            throw new ArgumentException("tenant must not be default.", nameof(tenant));
        }

        var index = _tenants.GetOrAdd(tenant, static (t, o) => new TenantIndex(t, o.AffinityHalfLife.TotalSeconds, o.WilsonZ, o.ThreadExpansion, o.TitleWeight), _options);
        _ = await RefreshAsync(index, cancellationToken).ConfigureAwait(false);

        // And what requests derive from the index (ExpertiseRank, activity, transitions, the learned model), if
        // built before: requests serve these stale and rebuild them in the background, this brings them up to date.
        await index.Derived.RefreshAsync(index, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<TenantIndex> RefreshAsync(TenantIndex index, CancellationToken cancellationToken)
    {
        var checkedAt = time.GetTimestamp();
        if (!index.Loaded)
        {
            await LoadAsync(index, cancellationToken).ConfigureAwait(false);
        }

        var head = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        if (head > index.Position)
        {
            await FollowAsync(index, head, cancellationToken).ConfigureAwait(false);
        }

        index.LastHeadCheck = checkedAt;
        return index;
    }

    private async Task LoadAsync(TenantIndex index, CancellationToken cancellationToken)
    {
        await index.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (index.Loaded)
            {
                return;
            }

            var tenant = index.Tenant;
            var position = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var skill in store.ListSkillsAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                index.UpsertSkill(skill);
            }

            await ReloadEdgesAsync(index, cancellationToken).ConfigureAwait(false);
            await foreach (var learner in store.ListLearnersAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                index.UpsertLearner(learner);
            }

            var evidence = new Dictionary<LearnerId, List<ProficiencyEvidence>>();
            await foreach (var e in store.ListEvidenceAsync(tenant, null, cancellationToken).ConfigureAwait(false))
            {
                if (!evidence.TryGetValue(e.Learner, out var list))
                {
                    evidence[e.Learner] = list = [];
                }

                list.Add(e);
            }

            var now = time.GetUtcNow();
            foreach (var (learner, list) in evidence)
            {
                index.SetEvidence(learner, list, now, _proficiencyHalfLife);
            }

            // Streamed, never holding the contributions: with thread expansion, a first pass keeps only each published
            // answer's word counts by parent, so the second pass indexes every parent once with its whole thread. A
            // contribution written between the passes is also in the change feed after `position`, which the index
            // replays next, so nothing is missed (upserts are idempotent).
            if (index.ThreadExpansion)
            {
                var ignored = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var contribution in store.ListContributionsAsync(tenant, cancellationToken).ConfigureAwait(false))
                {
                    index.UpdateThread(contribution, ignored);
                    ignored.Clear();
                }
            }

            await foreach (var contribution in store.ListContributionsAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                var counters = await store.GetCountersAsync(tenant, contribution.Id, cancellationToken).ConfigureAwait(false);
                index.Upsert(contribution, counters);
            }

            var facts = new Dictionary<LearnerId, (List<int> Dismissed, List<int> Seen)>();
            await foreach (var interaction in store.ListInteractionsAsync(tenant, null, null, cancellationToken).ConfigureAwait(false))
            {
                if (interaction.Kind is not (InteractionKind.Dismissed or InteractionKind.Viewed))
                {
                    continue;
                }

                if (!facts.TryGetValue(interaction.Learner, out var sets))
                {
                    facts[interaction.Learner] = sets = ([], []);
                }

                var item = index.ItemOrdinal(interaction.ContributionId.Value);
                (interaction.Kind == InteractionKind.Dismissed ? sets.Dismissed : sets.Seen).Add(item);
            }

            foreach (var (learner, sets) in facts)
            {
                index.SetFacts(learner, [.. sets.Dismissed], [.. sets.Seen]);
            }

            index.TrimExcess();
            index.Position = position;
            index.Loaded = true;
        }
        finally
        {
            index.WriteGate.Release();
        }
    }

    private async Task FollowAsync(TenantIndex index, long head, CancellationToken cancellationToken)
    {
        await index.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (index.Position < head)
            {
                var batch = await store.ReadChangesAsync(index.Position, BatchSize, index.Tenant, cancellationToken).ConfigureAwait(false);
                await ApplyAsync(index, batch.Changes, cancellationToken).ConfigureAwait(false);
                if (batch.LastPosition <= index.Position)
                {
                    break;
                }

                index.Position = batch.LastPosition;
            }
        }
        finally
        {
            index.WriteGate.Release();
        }
    }

    private async Task ApplyAsync(TenantIndex index, IReadOnlyList<Change> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var tenant = index.Tenant;
        var skills = new HashSet<string>(StringComparer.Ordinal);
        var learners = new HashSet<string>(StringComparer.Ordinal);
        var evidence = new HashSet<string>(StringComparer.Ordinal);
        var contributions = new List<string>();
        var seenContributions = new HashSet<string>(StringComparer.Ordinal);
        var counters = new HashSet<string>(StringComparer.Ordinal);
        var facts = new List<(LearnerId, ContributionId, InteractionKind)>();
        var edges = false;
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case ChangeKind.SkillCreated or ChangeKind.SkillUpdated:
                    skills.Add(change.EntityId);
                    break;
                case ChangeKind.SkillEdgeAdded or ChangeKind.SkillEdgeRemoved:
                    edges = true;
                    break;
                case ChangeKind.LearnerCreated or ChangeKind.LearnerUpdated:
                    learners.Add(change.EntityId);
                    break;
                case ChangeKind.EvidenceAppended when change.Learner is { } learner:
                    evidence.Add(learner.Value);
                    break;
                case ChangeKind.ContributionCreated or ChangeKind.ContributionUpdated:
                    if (seenContributions.Add(change.EntityId))
                    {
                        contributions.Add(change.EntityId);
                    }

                    break;
                case ChangeKind.InteractionRecorded:
                    counters.Add(change.EntityId);
                    if (change.Learner is { } who && change.InteractionKind is InteractionKind.Dismissed or InteractionKind.Viewed)
                    {
                        facts.Add((who, new ContributionId(change.EntityId), change.InteractionKind!.Value));
                    }

                    break;
            }
        }

        foreach (var id in skills)
        {
            if (await store.GetSkillAsync(tenant, new SkillId(id), cancellationToken).ConfigureAwait(false) is { } skill)
            {
                index.UpsertSkill(skill);
            }
        }

        if (edges)
        {
            await ReloadEdgesAsync(index, cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in learners)
        {
            if (await store.GetLearnerAsync(tenant, new LearnerId(id), cancellationToken).ConfigureAwait(false) is { } learner)
            {
                index.UpsertLearner(learner);
            }
        }

        if (evidence.Count > 0)
        {
            var now = time.GetUtcNow();
            foreach (var id in evidence)
            {
                var list = new List<ProficiencyEvidence>();
                await foreach (var e in store.ListEvidenceAsync(tenant, new LearnerId(id), cancellationToken).ConfigureAwait(false))
                {
                    list.Add(e);
                }

                index.SetEvidence(new LearnerId(id), list, now, _proficiencyHalfLife);
            }
        }

        var threads = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in contributions)
        {
            var contributionId = new ContributionId(id);
            if (await store.GetContributionAsync(tenant, contributionId, cancellationToken).ConfigureAwait(false) is { } contribution)
            {
                index.UpdateThread(contribution, threads);
                var current = await store.GetCountersAsync(tenant, contributionId, cancellationToken).ConfigureAwait(false);
                index.Upsert(contribution, current);
                counters.Remove(id);
            }
        }

        // Parents whose thread text changed are re-indexed (an upsert of unchanged content is a no-op).
        foreach (var id in threads)
        {
            var contributionId = new ContributionId(id);
            if (await store.GetContributionAsync(tenant, contributionId, cancellationToken).ConfigureAwait(false) is { } parent)
            {
                var current = await store.GetCountersAsync(tenant, contributionId, cancellationToken).ConfigureAwait(false);
                index.Upsert(parent, current);
                counters.Remove(id);
            }
        }

        foreach (var id in counters)
        {
            var contributionId = new ContributionId(id);
            var current = await store.GetCountersAsync(tenant, contributionId, cancellationToken).ConfigureAwait(false);
            index.SetCounters(contributionId, current);
        }

        foreach (var (learner, contribution, kind) in facts)
        {
            index.AddFact(learner, contribution, kind);
        }
    }

    private async Task ReloadEdgesAsync(TenantIndex index, CancellationToken cancellationToken)
    {
        var edges = new List<SkillEdge>();
        await foreach (var edge in store.ListSkillEdgesAsync(index.Tenant, cancellationToken).ConfigureAwait(false))
        {
            edges.Add(edge);
        }

        index.SetEdges(edges);
    }
}
