namespace SocialLearning.Evaluation;

/// <summary>Whether a corpus post is a question or an answer.</summary>
public enum CorpusPostKind
{
    /// <summary>A question (has a title and tags).</summary>
    Question = 1,

    /// <summary>An answer to a question (has a parent).</summary>
    Answer = 2,
}

/// <summary>A question or answer as the dataset holds it (final text; dumps carry no history).</summary>
public sealed record CorpusPost
{
    /// <summary>Post id, unique across questions and answers.</summary>
    public required string Id { get; init; }

    /// <summary>Question or answer.</summary>
    public required CorpusPostKind Kind { get; init; }

    /// <summary>The author, or null when the account was deleted.</summary>
    public string? AuthorId { get; init; }

    /// <summary>When it was posted (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Title (questions; empty for answers).</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>Body as stored (HTML for StackExchange, markdown or plain text for host data). Links to other posts are stripped before use.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>Tags (questions; answers inherit their question's tags through <see cref="ParentId"/>).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>For an answer: the question id.</summary>
    public string? ParentId { get; init; }

    /// <summary>For a question: the accepted answer id, if any.</summary>
    public string? AcceptedAnswerId { get; init; }
}

/// <summary>A person in the dataset.</summary>
public sealed record CorpusUser
{
    /// <summary>User id.</summary>
    public required string Id { get; init; }

    /// <summary>When the account was created; the user joins the candidate pool from then on.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Display name (not used for ranking; reports use ids).</summary>
    public string? DisplayName { get; init; }
}

/// <summary>What a vote was.</summary>
public enum CorpusVoteKind
{
    /// <summary>Up vote (anonymous in StackExchange dumps).</summary>
    Up = 1,

    /// <summary>Down vote (anonymous).</summary>
    Down = 2,

    /// <summary>The asker accepted this answer.</summary>
    Accept = 3,

    /// <summary>Favourite / bookmark (has a user in dumps).</summary>
    Favorite = 4,
}

/// <summary>A vote on a post.</summary>
public sealed record CorpusVote
{
    /// <summary>The post voted on.</summary>
    public required string PostId { get; init; }

    /// <summary>The kind.</summary>
    public required CorpusVoteKind Kind { get; init; }

    /// <summary>When (StackExchange truncates to the day: see <see cref="EvaluationCorpus.VoteTimeGranularity"/>).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The voter when known (favourites), else null.</summary>
    public string? UserId { get; init; }
}

/// <summary>What a link between posts means.</summary>
public enum CorpusLinkKind
{
    /// <summary>The post links to the other in its text.</summary>
    Linked = 1,

    /// <summary>The post was closed as a duplicate of the other.</summary>
    Duplicate = 3,
}

/// <summary>A link from one post to another (StackExchange <c>PostLinks</c>).</summary>
public sealed record CorpusLink
{
    /// <summary>The post that links.</summary>
    public required string FromPostId { get; init; }

    /// <summary>The post linked to.</summary>
    public required string ToPostId { get; init; }

    /// <summary>Linked or duplicate.</summary>
    public required CorpusLinkKind Kind { get; init; }

    /// <summary>When the link was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A tag (skill) with an optional description (the tag wiki excerpt).</summary>
public sealed record CorpusTag
{
    /// <summary>Tag name.</summary>
    public required string Name { get; init; }

    /// <summary>Description, if any.</summary>
    public string? Description { get; init; }
}

/// <summary>
/// A Q&amp;A dataset in a neutral shape: what the importers produce and the evaluation harness consumes.
/// Build one with <see cref="StackExchangeImporter"/>, <see cref="HostDataFormat"/>, or by hand.
/// </summary>
public sealed class EvaluationCorpus
{
    /// <summary>Creates a corpus; posts are ordered by creation time (then id) on the way in.</summary>
    public EvaluationCorpus(
        string name,
        IEnumerable<CorpusPost> posts,
        IEnumerable<CorpusUser>? users = null,
        IEnumerable<CorpusVote>? votes = null,
        IEnumerable<CorpusLink>? links = null,
        IEnumerable<CorpusTag>? tags = null,
        TimeSpan voteTimeGranularity = default,
        IEnumerable<string>? notes = null,
        IEnumerable<CorpusComment>? comments = null,
        IEnumerable<CorpusBadge>? badges = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(posts);
        ArgumentOutOfRangeException.ThrowIfLessThan(voteTimeGranularity, TimeSpan.Zero);
        Name = name;
        Posts = [.. posts.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal)];
        Users = [.. users ?? []];
        Votes = [.. votes ?? []];
        Links = [.. links ?? []];
        Tags = [.. tags ?? []];
        VoteTimeGranularity = voteTimeGranularity;
        Notes = [.. notes ?? []];
        Comments = [.. comments ?? []];
        Badges = [.. badges ?? []];
        var byId = new Dictionary<string, CorpusPost>(Posts.Count, StringComparer.Ordinal);
        foreach (var post in Posts)
        {
            if (!byId.TryAdd(post.Id, post))
            {
                throw new ArgumentException($"posts: the id '{post.Id}' occurs more than once.", nameof(posts));
            }
        }

        PostsById = byId;
    }

    /// <summary>A name for reports (the dump folder's name, for example).</summary>
    public string Name { get; }

    /// <summary>Questions and answers, oldest first.</summary>
    public IReadOnlyList<CorpusPost> Posts { get; }

    /// <summary>Posts by id.</summary>
    public IReadOnlyDictionary<string, CorpusPost> PostsById { get; }

    /// <summary>Users.</summary>
    public IReadOnlyList<CorpusUser> Users { get; }

    /// <summary>Votes.</summary>
    public IReadOnlyList<CorpusVote> Votes { get; }

    /// <summary>Links between posts.</summary>
    public IReadOnlyList<CorpusLink> Links { get; }

    /// <summary>Comments (optional).</summary>
    public IReadOnlyList<CorpusComment> Comments { get; }

    /// <summary>Badges (optional).</summary>
    public IReadOnlyList<CorpusBadge> Badges { get; }

    /// <summary>Tags with descriptions.</summary>
    public IReadOnlyList<CorpusTag> Tags { get; }

    /// <summary>
    /// How coarse vote timestamps are. StackExchange dumps truncate vote times to midnight, so a vote dated D
    /// may have been cast at any time that day: the harness makes it visible only from D + granularity.
    /// </summary>
    public TimeSpan VoteTimeGranularity { get; }

    /// <summary>Things the importer wants the reader of a report to know (missing optional files, skipped rows).</summary>
    public IReadOnlyList<string> Notes { get; }
}

/// <summary>A comment on a post (activity signal; not a contribution of its own).</summary>
public sealed record CorpusComment
{
    /// <summary>The post commented on.</summary>
    public required string PostId { get; init; }

    /// <summary>The commenter, when known.</summary>
    public string? UserId { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Text as stored.</summary>
    public string Text { get; init; } = string.Empty;
}

/// <summary>A badge a user earned.</summary>
public sealed record CorpusBadge
{
    /// <summary>The user.</summary>
    public required string UserId { get; init; }

    /// <summary>Badge name (a tag name for tag badges).</summary>
    public required string Name { get; init; }

    /// <summary>When it was awarded.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>True for tag badges.</summary>
    public bool TagBased { get; init; }
}
