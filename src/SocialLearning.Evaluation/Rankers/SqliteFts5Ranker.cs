using System.Text;
using Microsoft.Data.Sqlite;

namespace SocialLearning.Evaluation;

/// <summary>
/// Baseline: SQLite FTS5 (the e_sqlite3 build bundled with Microsoft.Data.Sqlite) ranked by <c>bm25()</c>, with the
/// <c>porter unicode61</c> tokenizer. Related: one row per question; routing: one row per answer, authors ranked by the
/// sum of their answers' scores in the top 1,000 (FTS5's bm25() is negative, smaller is better).
/// </summary>
public sealed class SqliteFts5Ranker : IEvaluationRanker, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _search;
    private int _rows;

    /// <summary>Creates the ranker over a private in-memory database.</summary>
    public SqliteFts5Ranker(EvaluationTask task)
    {
        if (task == EvaluationTask.NextSkill)
        {
            throw new ArgumentException("FTS5 ranks text for the related and routing tasks only.", nameof(task));
        }

        Task = task;
        _connection = new SqliteConnection("Data Source=:memory:");
        _connection.Open();
        using (var create = _connection.CreateCommand())
        {
            create.CommandText = "CREATE VIRTUAL TABLE docs USING fts5(pid UNINDEXED, author UNINDEXED, text, tokenize = 'porter unicode61');";
            create.ExecuteNonQuery();
        }

        _insert = _connection.CreateCommand();
        _insert.CommandText = "INSERT INTO docs (pid, author, text) VALUES ($pid, $author, $text);";
        _insert.Parameters.Add("$pid", SqliteType.Text);
        _insert.Parameters.Add("$author", SqliteType.Text);
        _insert.Parameters.Add("$text", SqliteType.Text);
        _search = _connection.CreateCommand();
        _search.CommandText = "SELECT pid, author, bm25(docs) FROM docs WHERE docs MATCH $q ORDER BY bm25(docs) LIMIT $k;";
        _search.Parameters.Add("$q", SqliteType.Text);
        _search.Parameters.Add("$k", SqliteType.Integer);
    }

    /// <inheritdoc />
    public string Name => "sqlite-fts5-bm25";

    /// <inheritdoc />
    public EvaluationTask Task { get; }

    /// <inheritdoc />
    public RankerOrigin Origin => RankerOrigin.Baseline;

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

        _insert.Parameters["$pid"].Value = post.Id;
        _insert.Parameters["$author"].Value = (object?)post.AuthorId ?? DBNull.Value;
        _insert.Parameters["$text"].Value = post.Title + "\n" + post.Text + "\n" + string.Join(' ', post.Tags);
        _insert.ExecuteNonQuery();
        _rows++;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> RankAsync(EvaluationQuery query, ReplayHistory history, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var match = MatchExpression(query.Title + "\n" + query.Text + "\n" + string.Join(' ', query.Tags));
        if (_rows == 0 || match.Length == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }

        _search.Parameters["$q"].Value = match;
        _search.Parameters["$k"].Value = Task == EvaluationTask.Related ? query.Depth + 1 : 1000;
        var ids = new List<string>();
        var byAuthor = new Dictionary<string, double>(StringComparer.Ordinal);
        using (var reader = _search.ExecuteReader())
        {
            while (reader.Read())
            {
                if (Task == EvaluationTask.Related)
                {
                    ids.Add(reader.GetString(0));
                }
                else if (!reader.IsDBNull(1))
                {
                    var author = reader.GetString(1);
                    byAuthor[author] = byAuthor.GetValueOrDefault(author) - reader.GetDouble(2);
                }
            }
        }

        return ValueTask.FromResult(Task == EvaluationTask.Related ? ids : Ranked.Top(byAuthor, query.Depth + 1));
    }

    /// <summary>An FTS5 MATCH expression: every distinct word of the text, quoted, joined with OR.</summary>
    public static string MatchExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sb = new StringBuilder();
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                sb.Append(char.ToLowerInvariant(text[i]));
            }
            else if (sb.Length > 0)
            {
                var word = sb.ToString();
                sb.Clear();
                if (seen.Add(word))
                {
                    words.Add("\"" + word + "\"");
                }
            }
        }

        return string.Join(" OR ", words);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _insert.Dispose();
        _search.Dispose();
        _connection.Dispose();
    }
}
