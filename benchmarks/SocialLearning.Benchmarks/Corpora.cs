using System.Diagnostics;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Microsoft.Data.Sqlite;
using SocialLearning.Index;
using SocialLearning.Testing.Data;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace SocialLearning.Benchmarks;

/// <summary>One synthetic corpus indexed three ways: the SocialLearning index, Lucene.NET (BM25) and SQLite FTS5. Built once per size per process.</summary>
internal sealed class TipCorpus : IDisposable
{
    private static readonly Dictionary<int, TipCorpus> Cache = [];
    public static readonly TenantId Tenant = new("bench");

    public required int Size { get; init; }
    public required SyntheticCorpus Corpus { get; init; }
    public required TenantIndex Index { get; init; }
    public required IReadOnlyList<SyntheticQuery> Queries { get; init; }
    public required IReadOnlyList<TipRequest> Requests { get; init; }
    public required DateTimeOffset Now { get; init; }
    public required long IndexBytes { get; init; }
    public required long StringBytes { get; init; }
    public required long ManagedHeapDelta { get; init; }
    public required TimeSpan BuildTime { get; init; }
    public LuceneDirectory? LuceneDirectory { get; private set; }
    public IndexSearcher? LuceneSearcher { get; private set; }
    public DirectoryReader? LuceneReader { get; private set; }
    public Query[] LuceneQueries { get; private set; } = [];
    public TimeSpan LuceneBuildTime { get; private set; }
    public SqliteConnection? Sqlite { get; private set; }
    public string[] FtsQueries { get; private set; } = [];
    public TimeSpan FtsBuildTime { get; private set; }
    private string? _dir;

    public static int QueryCount { get; set; } = 1_000;

    /// <summary>Largest corpus SQLite FTS5 is built for (env SOCIALLEARNING_BENCH_FTS_MAX, default 100,000): its 1M build takes many minutes on a shared 2-core machine.</summary>
    public static int FtsMaxSize { get; } = int.TryParse(Environment.GetEnvironmentVariable("SOCIALLEARNING_BENCH_FTS_MAX"), out var max) ? max : 100_000;

    private SyntheticItem[]? _items;

    /// <summary>The generated items, materialised once and shared by the three builds.</summary>
    private IEnumerable<SyntheticItem> Items => _items ??= Corpus.Items().ToArray();

    public static TipCorpus Get(int size, bool withBaselines)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(size, out var corpus))
            {
                corpus = Build(size);
                Cache[size] = corpus;
            }

            if (withBaselines && corpus.LuceneSearcher is null)
            {
                corpus.BuildLucene();
                if (size <= FtsMaxSize)
                {
                    corpus.BuildFts5();
                }

                corpus._items = null;
            }

            return corpus;
        }
    }

    public static SyntheticCorpusOptions Options(int size) => new()
    {
        Seed = 2026,
        Contributions = size,
        Learners = Math.Max(1_000, size / 20),
        Skills = 2_000,
        ContextKeys = 5_000,
        Vocabulary = 50_000,
    };

    private static TipCorpus Build(int size)
    {
        var corpus = new SyntheticCorpus(Tenant, Options(size));
        var items = corpus.Items().ToArray();
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        var before = GC.GetTotalMemory(true);
        var watch = Stopwatch.StartNew();
        var index = new TenantIndex(Tenant, TimeSpan.FromDays(180).TotalSeconds);
        foreach (var item in items)
        {
            index.Upsert(item.Contribution, item.Counters);
        }

        index.TrimExcess();
        watch.Stop();
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        var after = GC.GetTotalMemory(true);
        var queries = corpus.Queries(QueryCount);
        var built = new TipCorpus
        {
            Size = size,
            Corpus = corpus,
            Index = index,
            Queries = queries,
            Requests = queries.Select(q => q.ToRequest(Tenant)).ToArray(),
            Now = corpus.Options.Start + corpus.Options.Span,
            IndexBytes = index.IndexBytes(),
            StringBytes = index.StringBytes(),
            ManagedHeapDelta = after - before,
            BuildTime = watch.Elapsed,
        };
        built._items = items;
        GC.KeepAlive(items);
        return built;
    }

    private static string KeyToken(string key) => "k" + key[(key.LastIndexOf('/') + 1)..];

    private static string SkillToken(string skill) => "s" + skill[(skill.LastIndexOf('-') + 1)..];

    private void BuildLucene()
    {
        _dir ??= Path.Combine(Path.GetTempPath(), "sl-bench-" + Environment.ProcessId + "-" + Size);
        System.IO.Directory.CreateDirectory(_dir);
        var watch = Stopwatch.StartNew();
        LuceneDirectory = FSDirectory.Open(Path.Combine(_dir, "lucene"));
        var similarity = new BM25Similarity(1.2f, 0.75f);
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48))
        {
            Similarity = similarity,
            OpenMode = OpenMode.CREATE,
            RAMBufferSizeMB = 256,
        };
        using (var writer = new IndexWriter(LuceneDirectory, config))
        {
            foreach (var item in Items)
            {
                var c = item.Contribution;
                var doc = new Document
                {
                    new StringField("id", c.Id.Value, Field.Store.YES),
                    new TextField("text", c.Title + " " + c.Body, Field.Store.NO),
                };
                foreach (var key in c.ContextKeys)
                {
                    doc.Add(new StringField("ctx", KeyToken(key.Value), Field.Store.NO));
                }

                foreach (var skill in c.Skills)
                {
                    doc.Add(new StringField("skill", SkillToken(skill.Value), Field.Store.NO));
                }

                writer.AddDocument(doc);
            }

            writer.ForceMerge(1);
            writer.Commit();
        }

        LuceneReader = DirectoryReader.Open(LuceneDirectory);
        LuceneSearcher = new IndexSearcher(LuceneReader) { Similarity = similarity };
        LuceneQueries = Queries.Select(q =>
        {
            var query = new BooleanQuery();
            foreach (var key in q.ContextKeys)
            {
                query.Add(new TermQuery(new Term("ctx", KeyToken(key))), Occur.SHOULD);
            }

            foreach (var skill in q.Skills)
            {
                query.Add(new TermQuery(new Term("skill", SkillToken(skill))), Occur.SHOULD);
            }

            foreach (var term in q.Terms)
            {
                query.Add(new TermQuery(new Term("text", term)), Occur.SHOULD);
            }

            return (Query)query;
        }).ToArray();
        watch.Stop();
        LuceneBuildTime = watch.Elapsed;
    }

    private void BuildFts5()
    {
        _dir ??= Path.Combine(Path.GetTempPath(), "sl-bench-" + Environment.ProcessId + "-" + Size);
        System.IO.Directory.CreateDirectory(_dir);
        var watch = Stopwatch.StartNew();
        var path = Path.Combine(_dir, "fts5.db");
        File.Delete(path);
        Sqlite = new SqliteConnection($"Data Source={path};Pooling=False");
        Sqlite.Open();
        Exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
        Exec("CREATE VIRTUAL TABLE docs USING fts5(ctx, skill, text, tokenize='unicode61');");
        using (var tx = Sqlite.BeginTransaction())
        {
            using var insert = Sqlite.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO docs(rowid, ctx, skill, text) VALUES ($id, $ctx, $skill, $text)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var ctx = insert.Parameters.Add("$ctx", SqliteType.Text);
            var skill = insert.Parameters.Add("$skill", SqliteType.Text);
            var text = insert.Parameters.Add("$text", SqliteType.Text);
            var n = 0;
            foreach (var item in Items)
            {
                var c = item.Contribution;
                id.Value = ++n;
                ctx.Value = string.Join(' ', c.ContextKeys.Select(k => KeyToken(k.Value)));
                skill.Value = string.Join(' ', c.Skills.Select(s => SkillToken(s.Value)));
                text.Value = c.Title + " " + c.Body;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        Exec("INSERT INTO docs(docs) VALUES('optimize');");
        FtsQueries = Queries.Select(q => string.Join(" OR ",
            q.ContextKeys.Select(k => "ctx:" + KeyToken(k))
                .Concat(q.Skills.Select(s => "skill:" + SkillToken(s)))
                .Concat(q.Terms.Select(t => "text:" + t)))).ToArray();
        watch.Stop();
        FtsBuildTime = watch.Elapsed;
    }

    private void Exec(string sql)
    {
        using var cmd = Sqlite!.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        LuceneReader?.Dispose();
        LuceneDirectory?.Dispose();
        Sqlite?.Dispose();
        if (_dir is not null)
        {
            try
            {
                System.IO.Directory.Delete(_dir, true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static void DisposeAll()
    {
        lock (Cache)
        {
            foreach (var c in Cache.Values)
            {
                c.Dispose();
            }

            Cache.Clear();
        }
    }
}
