using Microsoft.Extensions.Options;

namespace SocialLearning.Services;

internal sealed class LearnerService(ISocialLearningStore store, IOptions<SocialLearningOptions> options, TimeProvider time) : ILearnerService
{
    private readonly SocialLearningOptions _options = options.Value;

    public async Task<Learner> UpsertAsync(TenantId tenant, LearnerId id, string displayName, string? team = null, IReadOnlyList<string>? roles = null, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(id, nameof(id));
        var name = Guard.Text(displayName, nameof(displayName), 200).Trim();
        var cleanTeam = team is null ? null : Guard.Text(team, nameof(team), 200);
        var cleanRoles = Guard.Labels(roles, nameof(roles));
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetLearnerAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            try
            {
                if (current is null)
                {
                    return await store.CreateLearnerAsync(
                        new Learner { Tenant = tenant, Id = id, DisplayName = name, Team = cleanTeam, Roles = cleanRoles, CreatedAt = time.GetUtcNow() },
                        null,
                        cancellationToken).ConfigureAwait(false);
                }

                if (current.DisplayName == name && current.Team == cleanTeam && current.Roles.SequenceEqual(cleanRoles))
                {
                    return current;
                }

                return await store.UpdateLearnerAsync(
                    current with { DisplayName = name, Team = cleanTeam, Roles = cleanRoles },
                    current.Version,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (SocialLearningException e) when (attempt < 5 && e is DuplicateEntityException or VersionConflictException)
            {
                // Lost a race with another writer: read again.
            }
        }
    }

    public async Task<Learner> GetAsync(TenantId tenant, LearnerId id, CancellationToken cancellationToken = default)
    {
        Guard.Tenant(tenant);
        Guard.Set(id, nameof(id));
        return await store.GetLearnerAsync(tenant, id, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(nameof(Learner), id.Value, nameof(id));
    }

    public async Task RecordEvidenceAsync(ProficiencyEvidence evidence, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        Guard.Tenant(evidence.Tenant, "evidence.Tenant");
        Guard.Set(evidence.Learner, "evidence.Learner");
        Guard.Set(evidence.Skill, "evidence.Skill");
        if (!Enum.IsDefined(evidence.Source))
        {
            throw new ArgumentOutOfRangeException(nameof(evidence), evidence.Source, "evidence.Source is not a defined evidence source.");
        }

        if (!(evidence.Level >= 0 && evidence.Level <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(evidence), evidence.Level, "evidence.Level must be between 0 and 1.");
        }

        if (evidence.Source is EvidenceSource.PeerEndorsement or EvidenceSource.Manager)
        {
            if (evidence.GivenBy is not { } by || by.IsDefault)
            {
                throw new ArgumentException($"evidence.GivenBy is required for {evidence.Source} evidence.", "evidence.GivenBy");
            }

            if (by == evidence.Learner)
            {
                throw new SocialLearningForbiddenException($"A learner cannot give {evidence.Source} evidence about themselves.");
            }

            _ = await store.GetLearnerAsync(evidence.Tenant, by, cancellationToken).ConfigureAwait(false)
                ?? throw new EntityNotFoundException(nameof(Learner), by.Value, "evidence.GivenBy");
        }

        var stamped = evidence.ObservedAt == default ? evidence with { ObservedAt = time.GetUtcNow() } : evidence;
        await store.AppendEvidenceAsync(stamped, idempotencyKey, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LearnerProfile> GetProfileAsync(TenantId tenant, LearnerId id, CancellationToken cancellationToken = default)
    {
        var learner = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var evidence = new List<ProficiencyEvidence>();
        await foreach (var e in store.ListEvidenceAsync(tenant, id, cancellationToken).ConfigureAwait(false))
        {
            evidence.Add(e);
        }

        return new LearnerProfile { Learner = learner, Skills = Proficiency.Compute(evidence, time.GetUtcNow(), _options.ProficiencyHalfLife) };
    }
}
