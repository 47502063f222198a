namespace SocialLearning.Evaluation;

/// <summary>
/// Everything the harness has replayed so far, with the counts simple rankers need. At query time it holds only
/// events strictly before the query. Read-only to rankers; the harness applies events.
/// </summary>
public sealed class ReplayHistory
{
    private static readonly IReadOnlyDictionary<string, int> NoCounts = new Dictionary<string, int>(StringComparer.Ordinal);
    private readonly Dictionary<string, HistoryPost> _posts = new(StringComparer.Ordinal);
    private readonly List<HistoryPost> _questions = [];
    private readonly List<string> _users = [];
    private readonly HashSet<string> _userSet = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HistoryPost>> _answersByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _answerTagsByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _acceptedTagsByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _acceptedByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _questionsByTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _answersByTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _cooccurrence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _up = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _down = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _answerersByQuestion = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _acceptedAnswerByQuestion = new(StringComparer.Ordinal);

    /// <summary>Time of the last applied event.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>Questions so far, oldest first.</summary>
    public IReadOnlyList<HistoryPost> Questions => _questions;

    /// <summary>Users who have joined so far, in join order.</summary>
    public IReadOnlyList<string> Users => _users;

    /// <summary>Tags with their question counts so far.</summary>
    public IReadOnlyDictionary<string, int> QuestionsByTag => _questionsByTag;

    /// <summary>Tags with their answer counts so far (answers inherit their question's tags).</summary>
    public IReadOnlyDictionary<string, int> AnswersByTag => _answersByTag;

    /// <summary>People who have answered at least once so far, with their answers oldest first.</summary>
    public IReadOnlyDictionary<string, List<HistoryPost>> AnswersByUser => _answersByUser;

    /// <summary>A post observed so far, or null.</summary>
    public HistoryPost? GetPost(string id) => _posts.GetValueOrDefault(id);

    /// <summary>True when the user has joined.</summary>
    public bool HasUser(string id) => _userSet.Contains(id);

    /// <summary>Answers by the user so far.</summary>
    public int AnswerCount(string user) => _answersByUser.TryGetValue(user, out var list) ? list.Count : 0;

    /// <summary>Accepted answers by the user so far.</summary>
    public int AcceptedCount(string user) => _acceptedByUser.GetValueOrDefault(user);

    /// <summary>The user's answer count per tag so far.</summary>
    public IReadOnlyDictionary<string, int> AnswerTags(string user) => _answerTagsByUser.TryGetValue(user, out var d) ? d : NoCounts;

    /// <summary>The user's accepted-answer count per tag so far.</summary>
    public IReadOnlyDictionary<string, int> AcceptedTags(string user) => _acceptedTagsByUser.TryGetValue(user, out var d) ? d : NoCounts;

    /// <summary>How often other tags appeared on the same question as <paramref name="tag"/> so far.</summary>
    public IReadOnlyDictionary<string, int> CooccurringTags(string tag) => _cooccurrence.TryGetValue(tag, out var d) ? d : NoCounts;

    /// <summary>Up votes visible so far.</summary>
    public int UpVotes(string postId) => _up.GetValueOrDefault(postId);

    /// <summary>Down votes visible so far.</summary>
    public int DownVotes(string postId) => _down.GetValueOrDefault(postId);

    /// <summary>Who answered the question so far.</summary>
    public IReadOnlyList<string> AnswerersOf(string questionId) => _answerersByQuestion.TryGetValue(questionId, out var list) ? list : [];

    /// <summary>The accepted answer of the question, if accepted so far.</summary>
    public string? AcceptedAnswerOf(string questionId) => _acceptedAnswerByQuestion.GetValueOrDefault(questionId);

    internal void Apply(ReplayEvent e)
    {
        Now = e.At;
        switch (e.Kind)
        {
            case ReplayEventKind.UserJoined when e.UserId is not null:
                AddUser(e.UserId);
                break;
            case ReplayEventKind.PostCreated when e.Post is not null:
                AddPost(e.Post);
                break;
            case ReplayEventKind.Vote when e.Vote is not null:
                AddVote(e.Vote);
                break;
            default:
                break;
        }
    }

    private void AddUser(string id)
    {
        if (_userSet.Add(id))
        {
            _users.Add(id);
        }
    }

    private void AddPost(HistoryPost post)
    {
        if (!_posts.TryAdd(post.Id, post))
        {
            return;
        }

        if (post.Kind == CorpusPostKind.Question)
        {
            _questions.Add(post);
            foreach (var tag in post.Tags)
            {
                _questionsByTag[tag] = _questionsByTag.GetValueOrDefault(tag) + 1;
                foreach (var other in post.Tags)
                {
                    if (!string.Equals(tag, other, StringComparison.Ordinal))
                    {
                        Increment(_cooccurrence, tag, other);
                    }
                }
            }

            return;
        }

        foreach (var tag in post.Tags)
        {
            _answersByTag[tag] = _answersByTag.GetValueOrDefault(tag) + 1;
        }

        if (post.AuthorId is null)
        {
            return;
        }

        AddUser(post.AuthorId);
        if (!_answersByUser.TryGetValue(post.AuthorId, out var answers))
        {
            _answersByUser[post.AuthorId] = answers = [];
        }

        answers.Add(post);
        foreach (var tag in post.Tags)
        {
            Increment(_answerTagsByUser, post.AuthorId, tag);
        }

        if (post.ParentId is not null)
        {
            if (!_answerersByQuestion.TryGetValue(post.ParentId, out var answerers))
            {
                _answerersByQuestion[post.ParentId] = answerers = [];
            }

            if (!answerers.Contains(post.AuthorId, StringComparer.Ordinal))
            {
                answerers.Add(post.AuthorId);
            }
        }
    }

    private void AddVote(CorpusVote vote)
    {
        switch (vote.Kind)
        {
            case CorpusVoteKind.Up:
                _up[vote.PostId] = _up.GetValueOrDefault(vote.PostId) + 1;
                break;
            case CorpusVoteKind.Down:
                _down[vote.PostId] = _down.GetValueOrDefault(vote.PostId) + 1;
                break;
            case CorpusVoteKind.Accept:
                if (_posts.TryGetValue(vote.PostId, out var answer) && answer.AuthorId is { } author && answer.ParentId is { } question
                    && _acceptedAnswerByQuestion.TryAdd(question, answer.Id))
                {
                    _acceptedByUser[author] = _acceptedByUser.GetValueOrDefault(author) + 1;
                    foreach (var tag in answer.Tags)
                    {
                        Increment(_acceptedTagsByUser, author, tag);
                    }
                }

                break;
            default:
                break;
        }
    }

    private static void Increment(Dictionary<string, Dictionary<string, int>> map, string key, string inner)
    {
        if (!map.TryGetValue(key, out var counts))
        {
            map[key] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        counts[inner] = counts.GetValueOrDefault(inner) + 1;
    }
}
