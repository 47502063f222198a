using SocialLearning.Evaluation;

namespace SocialLearning.Evaluation.Tests;

public sealed class MetricsTests
{
    private static readonly HashSet<string> D2AndD4 = new(StringComparer.Ordinal) { "d2", "d4" };
    private static readonly string[] FiveDocs = ["d1", "d2", "d3", "d4", "d5"];

    [Fact]
    public void Reciprocal_rank_is_one_over_the_first_relevant_rank()
    {
        Assert.Equal(0.5, RankingMetrics.ReciprocalRank(FiveDocs, D2AndD4), 12);
        Assert.Equal(0.0, RankingMetrics.ReciprocalRank(["d1", "d3"], D2AndD4), 12);
        Assert.Equal(1.0, RankingMetrics.ReciprocalRank(["d4"], D2AndD4), 12);
    }

    [Fact]
    public void Repeated_ids_count_once_as_trec_eval_does()
    {
        // d1 twice is one document: d2 is at rank 2, not 3.
        Assert.Equal(0.5, RankingMetrics.ReciprocalRank(["d1", "d1", "d2"], D2AndD4), 12);
        Assert.Equal(1.0, RankingMetrics.RecallAt(2, ["d1", "d1", "d2", "d4"], new HashSet<string> { "d2" }), 12);
    }

    [Fact]
    public void Precision_divides_by_k_not_by_the_number_retrieved()
    {
        Assert.Equal(0.0, RankingMetrics.PrecisionAt(1, FiveDocs, D2AndD4), 12);
        Assert.Equal(1.0, RankingMetrics.PrecisionAt(1, ["d2"], D2AndD4), 12);
        Assert.Equal(0.4, RankingMetrics.PrecisionAt(5, FiveDocs, D2AndD4), 12);
        Assert.Equal(0.1, RankingMetrics.PrecisionAt(10, ["d2"], D2AndD4), 12);
    }

    [Fact]
    public void Ndcg_matches_a_hand_computed_value()
    {
        // Relevant at ranks 2 and 4. DCG@3 = 1/log2(3) = 0.6309298; ideal DCG@3 = 1 + 1/log2(3) = 1.6309298.
        Assert.Equal(0.6309298 / 1.6309298, RankingMetrics.NdcgAt(3, FiveDocs, D2AndD4), 6);

        // DCG@10 = 1/log2(3) + 1/log2(5) = 0.6309298 + 0.4306766 = 1.0616064; ideal is the same 1.6309298.
        Assert.Equal(1.0616064 / 1.6309298, RankingMetrics.NdcgAt(10, FiveDocs, D2AndD4), 6);

        // The ideal ranking scores 1; nothing relevant scores 0.
        Assert.Equal(1.0, RankingMetrics.NdcgAt(10, ["d4", "d2", "d1"], D2AndD4), 12);
        Assert.Equal(0.0, RankingMetrics.NdcgAt(10, ["d1", "d3"], D2AndD4), 12);
    }

    [Fact]
    public void Ndcg_ideal_is_cut_at_k_when_there_are_more_relevant_items_than_k()
    {
        var relevant = new HashSet<string> { "a", "b", "c", "d" };

        // Top 3 all relevant: DCG@3 equals ideal DCG@3 even though a fourth relevant item is unretrieved.
        Assert.Equal(1.0, RankingMetrics.NdcgAt(3, ["a", "b", "c"], relevant), 12);
    }

    [Fact]
    public void Recall_divides_by_all_relevant_items()
    {
        Assert.Equal(0.5, RankingMetrics.RecallAt(3, FiveDocs, D2AndD4), 12);
        Assert.Equal(1.0, RankingMetrics.RecallAt(10, FiveDocs, D2AndD4), 12);
        Assert.Equal(0.0, RankingMetrics.RecallAt(1, FiveDocs, D2AndD4), 12);
    }

    [Fact]
    public void Compute_returns_metrics_in_the_order_of_Names()
    {
        var values = RankingMetrics.Compute(FiveDocs, D2AndD4);
        Assert.Equal(["MRR", "P@1", "NDCG@3", "NDCG@10", "Recall@10", "Recall@100"], RankingMetrics.Names);
        Assert.Equal(0.5, values[0], 12);
        Assert.Equal(0.0, values[1], 12);
        Assert.Equal(RankingMetrics.NdcgAt(3, FiveDocs, D2AndD4), values[2], 12);
        Assert.Equal(1.0, values[5], 12);
    }

    [Fact]
    public void Percentile_interpolates_linearly()
    {
        Assert.Equal(2.5, Statistics.Percentile([1.0, 2.0, 3.0, 4.0], 0.5), 12);
        Assert.Equal(1.0, Statistics.Percentile([1.0, 2.0, 3.0, 4.0], 0), 12);
        Assert.Equal(3.85, Statistics.Percentile([1.0, 2.0, 3.0, 4.0], 0.95), 12);
    }

    [Fact]
    public void Bootstrap_interval_of_constant_values_is_the_value_and_runs_are_reproducible()
    {
        var constant = Statistics.BootstrapMean([0.25, 0.25, 0.25, 0.25]);
        Assert.Equal(0.25, constant.Mean, 12);
        Assert.Equal(0.25, constant.Low, 12);
        Assert.Equal(0.25, constant.High, 12);

        double[] values = [0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0.5, 0.25];
        var first = Statistics.BootstrapMean(values, 1000, seed: 7);
        var second = Statistics.BootstrapMean(values, 1000, seed: 7);
        Assert.Equal(first, second);
        Assert.Equal(values.Average(), first.Mean, 12);
        Assert.True(first.Low < first.Mean && first.Mean < first.High, $"{first.Low} < {first.Mean} < {first.High}");
        Assert.True(first.Low >= 0 && first.High <= 1);
    }

    [Fact]
    public void Paired_randomisation_test_separates_identical_from_consistently_better()
    {
        double[] a = [.. Enumerable.Repeat(1.0, 20)];
        double[] b = [.. Enumerable.Repeat(0.0, 20)];

        // Identical rankers: every sign flip ties the observed difference (0), so p = 1.
        Assert.Equal(1.0, Statistics.PairedRandomizationTest(a, a, 1000), 12);

        // Only the two all-same-sign assignments (probability 2 / 2^20) reach |mean| = 1: p is the +1-corrected floor.
        var p = Statistics.PairedRandomizationTest(a, b, 1000);
        Assert.True(p <= 2.0 / 1001, $"p = {p}");
        Assert.Throws<ArgumentException>(() => Statistics.PairedRandomizationTest(a, [1.0], 100));
    }

    [Fact]
    public void Trec_files_have_the_standard_columns_and_strictly_decreasing_scores()
    {
        using var run = new StringWriter();
        TrecFiles.WriteRun(run, "my run", [("q1", ["d3", "d1", "d3", "d2"])]);
        Assert.Equal("q1 Q0 d3 1 4 my_run\nq1 Q0 d1 2 3 my_run\nq1 Q0 d2 3 2 my_run\n", run.ToString());

        using var qrels = new StringWriter();
        TrecFiles.WriteQrels(qrels, [("q1", new HashSet<string> { "d2", "d1" })]);
        Assert.Equal("q1 0 d1 1\nq1 0 d2 1\n", qrels.ToString());
    }

    [Fact]
    public void Reciprocal_rank_fusion_adds_one_over_k_plus_rank()
    {
        // a: 1/61 + 1/62; b: 1/62 + 1/61; c: 1/63. a and b tie and are ordered by id.
        var fused = Fusion.Reciprocal([["a", "b", "c"], ["b", "a"]], 10);
        Assert.Equal(["a", "b", "c"], fused);
    }
}
