using SocialLearning.Index;
using SocialLearning.Recommendations;
using Xunit;

namespace SocialLearning.Tests.Recommendations;

/// <summary>Query term selection against weights worked out by hand.</summary>
public sealed class QueryTermsTests
{
    private static Vocabulary TenDocuments(out int alpha, out int beta, out int gamma)
    {
        // 10 documents: alpha in 1, beta in 5, gamma in all 10.
        var terms = new Vocabulary(withFrequencies: true);
        alpha = terms.GetOrAdd("alpha");
        beta = terms.GetOrAdd("beta");
        gamma = terms.GetOrAdd("gamma");
        for (var d = 0; d < 10; d++)
        {
            if (d == 0)
            {
                terms.List(alpha).Add(d, 1, 10);
            }

            if (d < 5)
            {
                terms.List(beta).Add(d, 1, 10);
            }

            terms.List(gamma).Add(d, 1, 10);
        }

        return terms;
    }

    [Fact]
    public void Keeps_the_terms_with_the_highest_query_frequency_times_idf_in_text_order()
    {
        var terms = TenDocuments(out var alpha, out var beta, out _);
        // alpha: 1 · ln(1 + 9.5 / 1.5) = ln 7.333 = 1.992; beta: 3 · ln(1 + 5.5 / 5.5) = 3 ln 2 = 2.079;
        // gamma: 1 · ln(1 + 0.5 / 10.5) = 0.047. Budget 2 keeps beta and alpha, listed in text order (alpha first).
        Span<int> selected = stackalloc int[8];
        var n = QueryTerms.Select(terms, "gamma alpha beta unknown beta beta", 2, 10, selected);
        Assert.Equal([alpha, beta], selected[..n].ToArray());
    }

    [Fact]
    public void A_short_text_keeps_every_indexed_term_once_in_text_order()
    {
        var terms = TenDocuments(out var alpha, out var beta, out var gamma);
        Span<int> selected = stackalloc int[8];
        var n = QueryTerms.Select(terms, "gamma alpha beta unknown beta beta", 3, 10, selected);
        Assert.Equal([gamma, alpha, beta], selected[..n].ToArray());
    }

    [Fact]
    public void Ties_go_to_the_earlier_term_and_no_budget_selects_nothing()
    {
        // x and y both in 1 of 10 documents and once in the query: equal weight, so budget 1 keeps the first in the text.
        var terms = new Vocabulary(withFrequencies: true);
        var x = terms.GetOrAdd("x1");
        var y = terms.GetOrAdd("y1");
        terms.List(x).Add(0, 1, 5);
        terms.List(y).Add(1, 1, 5);
        Span<int> selected = stackalloc int[8];
        Assert.Equal(1, QueryTerms.Select(terms, "y1 x1", 1, 10, selected));
        Assert.Equal(y, selected[0]);
        Assert.Equal(1, QueryTerms.Select(terms, "x1 y1", 1, 10, selected));
        Assert.Equal(x, selected[0]);
        Assert.Equal(0, QueryTerms.Select(terms, "x1 y1", 0, 10, selected));
    }
}
