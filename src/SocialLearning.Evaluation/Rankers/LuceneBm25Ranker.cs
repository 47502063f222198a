using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace SocialLearning.Evaluation;

/// <summary>
/// Baseline: Lucene.NET 4.8 with <see cref="BM25Similarity"/> (k1 = 1.2, b = 0.75) set on both the
/// <see cref="IndexWriterConfig"/> and the <see cref="IndexSearcher"/> (Lucene's default is TF-IDF).
/// Related: indexes each question (title, body and tags in one field) as it is posted and searches with the new
/// question's text. Routing: indexes answers and ranks their authors by the sum of their answers' scores in the top hits.
/// Long questions produce many clauses, so the process-wide <see cref="BooleanQuery.MaxClauseCount"/> is raised to 8,192.
/// </summary>
public sealed class LuceneBm25Ranker : IEvaluationRanker, IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private readonly RAMDirectory _directory = new();
    private readonly Analyzer _analyzer;
    private readonly IndexWriter _writer;
    private readonly Dictionary<string, string?> _authors = new(StringComparer.Ordinal);
    private DirectoryReader? _reader;
    private IndexSearcher? _searcher;
    private bool _dirty;

    /// <summary>Creates the ranker; <paramref name="english"/> picks EnglishAnalyzer (stop words, Porter stemming) over StandardAnalyzer.</summary>
    public LuceneBm25Ranker(EvaluationTask task, bool english = false)
    {
        if (task == EvaluationTask.NextSkill)
        {
            throw new ArgumentException("Lucene ranks text for the related and routing tasks only.", nameof(task));
        }

        Task = task;
        Name = english ? "lucene-bm25-english" : "lucene-bm25";
        _analyzer = english ? new EnglishAnalyzer(Version) : new StandardAnalyzer(Version);
        var config = new IndexWriterConfig(Version, _analyzer) { Similarity = new BM25Similarity(1.2f, 0.75f) };
        _writer = new IndexWriter(_directory, config);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public EvaluationTask Task { get; }

    /// <inheritdoc />
    public RankerOrigin Origin => RankerOrigin.Baseline;

    static LuceneBm25Ranker() => BooleanQuery.MaxClauseCount = 8192;

    /// <inheritdoc />
    public ValueTask ObserveAsync(ReplayEvent replayEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replayEvent);
        if (replayEvent.Post is not { } post)
        {
            return ValueTask.CompletedTask;
        }

        var wanted = Task == EvaluationTask.Related ? CorpusPostKind.Question : CorpusPostKind.Answer;
        if (post.Kind != wanted || (Task == EvaluationTask.Routing && post.AuthorId is null))
        {
            return ValueTask.CompletedTask;
        }

        var document = new Document
        {
            new StringField("id", post.Id, Field.Store.YES),
            new TextField("text", DocumentText(post), Field.Store.NO),
        };
        _writer.AddDocument(document);
        _authors[post.Id] = post.AuthorId;
        _dirty = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask PrepareAsync(EvaluationQuery query, CancellationToken cancellationToken = default)
    {
        _ = Searcher();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var searcher = Searcher();
        if (searcher is null)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }

        var luceneQuery = BuildQuery(query.Title + "\n" + query.Text + "\n" + string.Join(' ', query.Tags));
        if (luceneQuery.Clauses.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }

        if (Task == EvaluationTask.Related)
        {
            var top = searcher.Search(luceneQuery, query.Depth + 1);
            return ValueTask.FromResult<IReadOnlyList<string>>([.. top.ScoreDocs.Select(d => searcher.Doc(d.Doc).Get("id"))]);
        }

        // Routing: a person's score is the sum of their answers' BM25 scores among the top 1,000 answers.
        var hits = searcher.Search(luceneQuery, 1000);
        var byAuthor = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var hit in hits.ScoreDocs)
        {
            if (_authors.GetValueOrDefault(searcher.Doc(hit.Doc).Get("id")) is { } author)
            {
                byAuthor[author] = byAuthor.GetValueOrDefault(author) + hit.Score;
            }
        }

        return ValueTask.FromResult(Ranked.Top(byAuthor, query.Depth + 1));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _reader?.Dispose();
        _writer.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }

    private static string DocumentText(HistoryPost post) => post.Title + "\n" + post.Text + "\n" + string.Join(' ', post.Tags);

    private IndexSearcher? Searcher()
    {
        if (_dirty || _reader is null)
        {
            if (_writer.NumDocs == 0)
            {
                return null;
            }

            var reader = DirectoryReader.Open(_writer, applyAllDeletes: true);
            _reader?.Dispose();
            _reader = reader;
            _searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity(1.2f, 0.75f) };
            _dirty = false;
        }

        return _searcher;
    }

    private BooleanQuery BuildQuery(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var stream = _analyzer.GetTokenStream("text", text))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                var value = term.ToString();
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }

            stream.End();
        }

        // The same as QueryParser's one SHOULD clause per occurrence (BM25Similarity has no coord factor).
        var query = new BooleanQuery();
        foreach (var (value, count) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            query.Add(new TermQuery(new Term("text", value)) { Boost = count }, Occur.SHOULD);
        }

        return query;
    }
}
