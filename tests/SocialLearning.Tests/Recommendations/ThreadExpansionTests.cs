using Xunit;
using static SocialLearning.Tests.Recommendations.EngineFixture;

namespace SocialLearning.Tests.Recommendations;

/// <summary><see cref="RecommendationOptions.ThreadExpansion"/>: a question's text covers its published answers.</summary>
public sealed class ThreadExpansionTests
{
    private static TipRequest Questions(string text, string ranker) => Request("bob", text: text, k: 10, ranker: ranker) with
    {
        Kinds = [ContributionKind.Question],
    };

    [Theory]
    [InlineData("bm25", true)]
    [InlineData("blend", true)]
    [InlineData("bm25", false)]
    public async Task An_answers_words_make_its_question_retrievable_by_them(string ranker, bool expansion)
    {
        await using var f = new EngineFixture(o => o.ThreadExpansion = expansion);
        await f.Learner("ann");
        await f.Learner("bob");
        var question = await f.Share("ann", "Entangled pairs", "How are they measured", kind: ContributionKind.Question);
        await f.Share("ann", "Other question", "Unrelated words here", kind: ContributionKind.Question);
        await f.Share("bob", "Answer", "Use a Bell measurement with tomography", kind: ContributionKind.Answer, parent: question.Id);

        // The index loads here, with the answer already in the store.
        var ids = await f.Ids(Questions("tomography", ranker));
        if (expansion)
        {
            Assert.Equal([question.Id.Value], ids);
        }
        else
        {
            Assert.Empty(ids);
        }
    }

    [Fact]
    public async Task An_answer_arriving_later_through_the_feed_updates_its_question()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        var question = await f.Share("ann", "Entangled pairs", "How are they measured", kind: ContributionKind.Question);
        Assert.Empty(await f.Ids(Questions("tomography", "bm25")));   // index loaded, no answer yet
        Assert.Equal([question.Id.Value], await f.Ids(Questions("entangled", "bm25")));

        // An answer written straight to the store reaches the index through the change feed.
        var answer = await f.Store.CreateContributionAsync(new Contribution
        {
            Tenant = T1,
            Id = new ContributionId("answer-1"),
            Kind = ContributionKind.Answer,
            Author = new LearnerId("bob"),
            Title = "Answer",
            Body = "Use state tomography",
            ParentId = question.Id,
            CreatedAt = f.Time.GetUtcNow(),
        });
        Assert.Equal([question.Id.Value], await f.Ids(Questions("tomography", "bm25")));
        Assert.Equal([question.Id.Value], await f.Ids(Questions("entangled", "bm25")));   // its own words still count

        // Editing the answer replaces its words in the question's thread.
        var edited = await f.Store.UpdateContributionAsync(answer with { Body = "Use a swap test" }, answer.Version);
        Assert.Empty(await f.Ids(Questions("tomography", "bm25")));
        Assert.Equal([question.Id.Value], await f.Ids(Questions("swap", "bm25")));

        // An answer that is no longer published no longer counts.
        await f.Store.UpdateContributionAsync(edited with { Status = ContributionStatus.Hidden }, edited.Version);
        Assert.Empty(await f.Ids(Questions("swap", "bm25")));
        Assert.Equal([question.Id.Value], await f.Ids(Questions("entangled", "bm25")));
    }

    [Fact]
    public async Task The_question_ranks_higher_when_its_answers_repeat_the_query_words()
    {
        await using var f = new EngineFixture();
        await f.Learner("ann");
        await f.Learner("bob");
        var plain = await f.Share("ann", "Qubit noise", "Decoherence question", kind: ContributionKind.Question);
        var answered = await f.Share("ann", "Qubit errors", "Decoherence question", kind: ContributionKind.Question);
        Assert.Equal(2, (await f.Ids(Questions("decoherence", "bm25"))).Count);
        await f.Share("bob", "Answer", "Decoherence from the bath; decoherence times T1 and T2", kind: ContributionKind.Answer, parent: answered.Id);

        Assert.Equal([answered.Id.Value, plain.Id.Value], await f.Ids(Questions("decoherence", "bm25")));
    }

    [Fact]
    public void Title_weight_outside_1_to_5_is_rejected_naming_the_option()
    {
        var validator = new RecommendationOptionsValidator();
        var result = validator.Validate(null, new RecommendationOptions { TitleWeight = 0 });
        Assert.True(result.Failed);
        Assert.Contains("TitleWeight", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new RecommendationOptions { TitleWeight = 3 }).Succeeded);
    }

    [Fact]
    public void Non_finite_blend_weights_are_rejected_naming_each_weight()
    {
        // NaN or infinite weights would make every blend score NaN (or ±∞) and the ranking arbitrary.
        var validator = new RecommendationOptionsValidator();
        var options = new RecommendationOptions();
        options.Blend.Freshness = double.NaN;
        options.Blend.Quality = double.PositiveInfinity;
        options.Blend.Text = double.NegativeInfinity;

        var result = validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("RecommendationOptions.Blend.Freshness must be a finite number; it was ", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RecommendationOptions.Blend.Quality", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RecommendationOptions.Blend.Text", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Blend.Context", result.FailureMessage, StringComparison.Ordinal);

        // Zero and negative weights are allowed: MaxScore's bounds take max(0, w) of each term.
        var allowed = new RecommendationOptions();
        allowed.Blend.Text = 0;
        allowed.Blend.Freshness = -1;
        Assert.True(validator.Validate(null, allowed).Succeeded);
    }
}
