namespace SocialLearning.AspNetCore.Tests;

/// <summary>
/// A simple stand-in for the engine's recommender (test project only): published contributions of the tenant that
/// share a context key or skill with the request, not the learner's own, not dismissed by them.
/// </summary>
internal sealed class FakeTipRecommender(ISocialLearningStore store) : ITipRecommender
{
    public async ValueTask<RecommendationResult<TipRecommendation>> RecommendAsync(TipRequest request, CancellationToken cancellationToken = default)
    {
        var dismissed = new HashSet<ContributionId>();
        await foreach (var i in store.ListInteractionsAsync(request.Tenant, learner: request.Learner, cancellationToken: cancellationToken))
        {
            if (i.Kind == InteractionKind.Dismissed)
            {
                dismissed.Add(i.ContributionId);
            }
        }

        var items = new List<TipRecommendation>();
        await foreach (var c in store.ListContributionsAsync(request.Tenant, cancellationToken))
        {
            if (c.Status != ContributionStatus.Published || c.Author == request.Learner || dismissed.Contains(c.Id))
            {
                continue;
            }

            var contexts = c.ContextKeys.Count(k => request.ContextKeys.Contains(k.Value));
            var skills = c.Skills.Count(s => request.Skills.Contains(s.Value));
            if (contexts + skills == 0)
            {
                continue;
            }

            items.Add(new TipRecommendation
            {
                ContributionId = c.Id,
                Kind = c.Kind,
                Title = c.Title,
                Author = c.Author,
                Score = (2 * contexts) + skills,
                Explanation = [new ExplanationSignal { Signal = "context", Value = contexts, Text = $"Matches {contexts} of the places you are in the app" }],
            });
        }

        return new RecommendationResult<TipRecommendation>
        {
            Items = items.OrderByDescending(i => i.Score).ThenBy(i => i.ContributionId.Value, StringComparer.Ordinal).Take(request.K).ToList(),
            Ranker = "fake",
            CandidatesScored = items.Count,
        };
    }
}

/// <summary>Authors of contributions with the requested skills, never the asker.</summary>
internal sealed class FakePeerFinder(ISocialLearningStore store) : IPeerFinder
{
    public async ValueTask<RecommendationResult<PeerRecommendation>> FindAsync(PeerRequest request, CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<LearnerId, int>();
        await foreach (var c in store.ListContributionsAsync(request.Tenant, cancellationToken))
        {
            if (c.Author != request.Asker && c.Skills.Any(s => request.Skills.Contains(s.Value)))
            {
                counts[c.Author] = counts.GetValueOrDefault(c.Author) + 1;
            }
        }

        var items = new List<PeerRecommendation>();
        foreach (var (learner, count) in counts.OrderByDescending(p => p.Value).Take(request.K))
        {
            var person = await store.GetLearnerAsync(request.Tenant, learner, cancellationToken);
            items.Add(new PeerRecommendation
            {
                Learner = learner,
                DisplayName = person?.DisplayName ?? learner.Value,
                Score = count,
                Explanation = [new ExplanationSignal { Signal = "shared", Value = count, Text = $"Shared {count} tips on these skills" }],
            });
        }

        return new RecommendationResult<PeerRecommendation> { Items = items, Ranker = "fake" };
    }
}

/// <summary>One step per known target skill.</summary>
internal sealed class FakeLearningPathPlanner(ISocialLearningStore store) : ILearningPathPlanner
{
    public async ValueTask<LearningPath> PlanAsync(LearningPathRequest request, CancellationToken cancellationToken = default)
    {
        var steps = new List<LearningStep>();
        foreach (var target in request.TargetSkills)
        {
            var skill = await store.GetSkillAsync(request.Tenant, new SkillId(target), cancellationToken)
                ?? throw new EntityNotFoundException(nameof(Skill), target, "targetSkills");
            steps.Add(new LearningStep
            {
                Skill = skill.Id,
                Name = skill.Name,
                CurrentLevel = 0,
                Tips = [],
                Mentors = [],
                Explanation = [new ExplanationSignal { Signal = "target", Value = 1, Text = "You asked for it" }],
            });
        }

        return new LearningPath { Steps = steps };
    }
}
