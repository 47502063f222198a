using SocialLearning.Testing.Ranking;

namespace SocialLearning.Tests.Recommendations;

// Every built-in tip ranker passes the same conformance suite a host's ranker would run.
public sealed class BlendConformance : TipRankerConformanceTests { protected override string RankerName => "blend"; }

public sealed class Bm25Conformance : TipRankerConformanceTests { protected override string RankerName => "bm25"; }

public sealed class OverlapConformance : TipRankerConformanceTests { protected override string RankerName => "overlap"; }

public sealed class PersonalFitConformance : TipRankerConformanceTests { protected override string RankerName => "personal-fit"; }

public sealed class RecencyConformance : TipRankerConformanceTests { protected override string RankerName => "recency"; }

public sealed class PopularityConformance : TipRankerConformanceTests { protected override string RankerName => "popularity"; }

public sealed class WilsonConformance : TipRankerConformanceTests { protected override string RankerName => "wilson"; }

public sealed class BayesianConformance : TipRankerConformanceTests { protected override string RankerName => "bayesian"; }

public sealed class HotConformance : TipRankerConformanceTests { protected override string RankerName => "hot"; }

public sealed class RrfConformance : TipRankerConformanceTests { protected override string RankerName => "rrf"; }

public sealed class MmrConformance : TipRankerConformanceTests { protected override string RankerName => "mmr"; }

public sealed class CustomRankerConformance : TipRankerConformanceTests<CustomRankerConformance.LongestBodyFirst>
{
    /// <summary>A host-style ranker: prefers documents with more words.</summary>
    public sealed class LongestBodyFirst : ITipRanker
    {
        public void Score(TipRankingContext context, Span<double> scores)
        {
            var lengths = context.Features.Lengths;
            for (var i = 0; i < context.Candidates.Length; i++)
            {
                scores[i] = lengths[context.Candidates[i]];
            }
        }

        public void Explain(TipRankingContext context, int candidate, ICollection<ExplanationSignal> explanation) =>
            explanation.Add(new ExplanationSignal { Signal = "length", Value = context.Features.Lengths[context.Candidates[candidate]], Text = "a thorough write-up" });
    }
}

public sealed class FusionPeerConformance : PeerRankerConformanceTests { protected override string RankerName => "fusion"; }

public sealed class AnswersPeerConformance : PeerRankerConformanceTests { protected override string RankerName => "answers"; }

public sealed class ZScorePeerConformance : PeerRankerConformanceTests { protected override string RankerName => "zscore"; }

public sealed class ExpertiseRankPeerConformance : PeerRankerConformanceTests { protected override string RankerName => "expertise-rank"; }

public sealed class AffinityPeerConformance : PeerRankerConformanceTests { protected override string RankerName => "affinity"; }

public sealed class Bm25PeerConformance : PeerRankerConformanceTests { protected override string RankerName => "bm25"; }

public sealed class AvailabilityPeerConformance : PeerRankerConformanceTests { protected override string RankerName => "availability"; }

public sealed class LearnedPeerConformance : PeerRankerConformanceTests { protected override string RankerName => "learned"; }
