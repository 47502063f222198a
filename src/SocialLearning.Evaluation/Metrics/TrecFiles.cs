using System.Globalization;

namespace SocialLearning.Evaluation;

/// <summary>Writes TREC run and qrels files, so results can be checked with <c>trec_eval -c -m all_trec qrels run</c>.</summary>
public static class TrecFiles
{
    /// <summary>
    /// Writes a run: <c>qid Q0 docno rank score tag</c>. Scores strictly decrease with rank, so trec_eval (which
    /// sorts by score, breaking ties by docno) reproduces the ranker's order exactly.
    /// </summary>
    public static void WriteRun(TextWriter writer, string runTag, IEnumerable<(string QueryId, IReadOnlyList<string> Ranking)> rankings)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentException.ThrowIfNullOrWhiteSpace(runTag);
        ArgumentNullException.ThrowIfNull(rankings);
        var tag = runTag.Replace(' ', '_');
        foreach (var (queryId, ranking) in rankings)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var rank = 0;
            foreach (var doc in ranking)
            {
                if (!seen.Add(doc))
                {
                    continue;
                }

                rank++;
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{queryId} Q0 {doc} {rank} {ranking.Count - rank + 1} {tag}\n"));
            }
        }
    }

    /// <summary>Writes qrels: <c>qid 0 docno 1</c> for each relevant item.</summary>
    public static void WriteQrels(TextWriter writer, IEnumerable<(string QueryId, IReadOnlySet<string> Relevant)> judgements)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(judgements);
        foreach (var (queryId, relevant) in judgements)
        {
            foreach (var doc in relevant.Order(StringComparer.Ordinal))
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{queryId} 0 {doc} 1\n"));
            }
        }
    }
}
