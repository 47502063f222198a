using SocialLearning.Ranking;
using Xunit;

namespace SocialLearning.Tests.Recommendations;

/// <summary>Each formula against values worked out by hand (the arithmetic is in the comments).</summary>
public sealed class FormulaTests
{
    [Fact]
    public void Idf_is_the_lucene_8_form()
    {
        // N = 10, df = 2: ln(1 + (10 - 2 + 0.5) / (2 + 0.5)) = ln(1 + 3.4) = ln 4.4 = 1.48160454...
        Assert.Equal(1.4816045409242156, Formulas.Idf(10, 2), 12);
        // df = N still positive: ln(1 + 0.5 / 10.5) = 0.04652001...
        Assert.Equal(0.046520015634892, Formulas.Idf(10, 10), 12);
    }

    [Fact]
    public void Bm25_term_frequency_saturates_and_normalises_length()
    {
        // tf 2, len 10, avg 5, k1 1.2, b 0.75: 2 · 2.2 / (2 + 1.2 · (0.25 + 0.75 · 2)) = 4.4 / 4.1 = 1.07317073...
        Assert.Equal(4.4 / 4.1, Formulas.Bm25Tf(2, 10, 5, 1.2, 0.75), 12);
        // Average length: tf (k1+1)/(tf+k1) = 1 · 2.2 / 2.2 = 1.
        Assert.Equal(1.0, Formulas.Bm25Tf(1, 5, 5, 1.2, 0.75), 12);
    }

    [Fact]
    public void Wilson_lower_bound_matches_the_closed_form()
    {
        // 8 of 10, z 1.96: p .8, z² 3.8416; centre .8 + .19208 = .99208; margin 1.96 · √((.16 + .09604) / 10) = 1.96 · .160012 = .3136235;
        // (.99208 − .3136235) / 1.38416 = .4901568...
        Assert.Equal(0.49015684, Formulas.Wilson(8, 10, 1.96), 6);
        Assert.Equal(0, Formulas.Wilson(0, 0, 1.96));
        Assert.True(Formulas.Wilson(80, 100, 1.96) > Formulas.Wilson(8, 10, 1.96));
    }

    [Fact]
    public void Bayesian_average_pulls_towards_the_prior()
    {
        // (5 · 0.5 + 3) / (5 + 3) = 5.5 / 8 = 0.6875
        Assert.Equal(0.6875, Formulas.Bayesian(3, 3, 5, 0.5), 12);
        Assert.Equal(0.5, Formulas.Bayesian(0, 0, 5, 0.5), 12);
    }

    [Fact]
    public void Hot_decays_with_gravity()
    {
        // (10 − 2) / (22 + 2)^1.8 = 8 / 24^1.8; 24^1.8 = 305.06, so 0.0262247
        Assert.Equal(8 / Math.Pow(24, 1.8), Formulas.Hot(10, 2, 22, 1.8), 12);
        Assert.Equal(0.0262247, Formulas.Hot(10, 2, 22, 1.8), 6);
    }

    [Fact]
    public void Reciprocal_rank_fusion_and_z_score()
    {
        Assert.Equal(1.0 / 61, Formulas.Rrf(1, 60), 15);
        // (9 − 1) / √10 = 2.5298...
        Assert.Equal(8 / Math.Sqrt(10), Formulas.ZScore(9, 1), 12);
        Assert.Equal(0, Formulas.ZScore(0, 0));
    }

    [Fact]
    public void Freshness_halves_every_half_life()
    {
        Assert.Equal(0.25, Formulas.Freshness(2 * 3600, 3600), 12);
        Assert.Equal(1.0, Formulas.Freshness(-5, 3600), 12);
    }

    [Fact]
    public void Personalised_pagerank_on_a_three_node_chain()
    {
        // 0 → 1 → 2, restart .15 to node 0 only, node 2 dangling (gives its mass back to node 0).
        // Stationary: r1 = .85 r0, r2 = .85 r1, r0 = .15 + .85 r2 ⇒ r0 (1 − .85³) = .15 ⇒ r0 = .15 / .385875 = .388727...
        var rank = SocialLearning.Graph.PageRank.Compute(3, [0, 1], [1, 2], null, [1, 0, 0], 0.15, 200, scaleToCount: false);
        var r0 = 0.15 / (1 - Math.Pow(0.85, 3));
        Assert.Equal(r0, rank[0], 5);
        Assert.Equal(0.85 * r0, rank[1], 5);
        Assert.Equal(0.85 * 0.85 * r0, rank[2], 5);
    }
}
