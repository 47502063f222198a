using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SocialLearning.Tests.Recommendations;

/// <summary>Ranker names in <see cref="RecommendationOptions"/> are checked when the options are first read, naming the option.</summary>
public sealed class RankerNameValidationTests
{
    private static OptionsValidationException Invalid(Action<RecommendationOptions> configure, Action<ISocialLearningBuilder>? build = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddSocialLearning().UseInMemoryStorage().ConfigureRecommendations(configure);
        build?.Invoke(builder);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RecommendationOptions>>().Value);
    }

    [Fact]
    public void Mmr_over_itself_is_rejected_instead_of_overflowing_the_stack_at_the_first_request()
    {
        var e = Invalid(o => o.MmrBaseRanker = "mmr");
        Assert.Contains("RecommendationOptions.MmrBaseRanker must not be 'mmr'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rrf_fusing_itself_or_mmr_over_rrf_fusing_mmr_is_rejected()
    {
        var self = Invalid(o => o.RrfTipRankers.Add("rrf"));
        Assert.Contains("RecommendationOptions.RrfTipRankers[4] must not be 'rrf'", self.Message, StringComparison.Ordinal);

        var loop = Invalid(o =>
        {
            o.MmrBaseRanker = "rrf";
            o.RrfTipRankers.Add("mmr");
        });
        Assert.Contains("each would call the other without end", loop.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unregistered_names_are_rejected_naming_the_option_and_listing_the_registered_rankers()
    {
        var e = Invalid(o =>
        {
            o.DefaultTipRanker = "blnd";
            o.DefaultPeerRanker = "fuson";
            o.MmrBaseRanker = "nope";
            o.RrfTipRankers.Clear();
            o.TipExperiment = new RankerExperiment { Name = "x" };
            o.TipExperiment.Variants["blend"] = 1;
            o.TipExperiment.Variants["typo"] = 1;
        });

        Assert.Contains("RecommendationOptions.DefaultTipRanker 'blnd' is not a registered tip ranker. Registered: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("bayesian, blend, bm25", e.Message, StringComparison.Ordinal);
        Assert.Contains("RecommendationOptions.DefaultPeerRanker 'fuson' is not a registered peer ranker", e.Message, StringComparison.Ordinal);
        Assert.Contains("RecommendationOptions.MmrBaseRanker 'nope' is not a registered tip ranker", e.Message, StringComparison.Ordinal);
        Assert.Contains("RecommendationOptions.RrfTipRankers must name at least one tip ranker", e.Message, StringComparison.Ordinal);
        Assert.Contains("RecommendationOptions.TipExperiment.Variants['typo'] 'typo' is not a registered tip ranker", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Variants['blend']", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_ranker_can_be_the_default_and_the_base_of_mmr_and_rrf()
    {
        var services = new ServiceCollection();
        services.AddSocialLearning().UseInMemoryStorage()
            .ConfigureRecommendations(o =>
            {
                o.DefaultTipRanker = "mine";
                o.MmrBaseRanker = "mine";
                o.RrfTipRankers.Add("mine");
                o.RrfTipRankers.Add("mmr");
            })
            .AddTipRanker<Mine>("mine");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<RecommendationOptions>>().Value;

        Assert.Equal("mine", options.DefaultTipRanker);
    }

    private sealed class Mine : ITipRanker
    {
        public void Score(TipRankingContext context, Span<double> scores) => scores.Clear();

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
        {
        }
    }
}
