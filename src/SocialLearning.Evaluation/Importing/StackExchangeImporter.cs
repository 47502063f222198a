namespace SocialLearning.Evaluation;

/// <summary>
/// Reads a StackExchange data dump folder into an <see cref="EvaluationCorpus"/> (streamed, row by row).
/// Only <c>Posts.xml</c> is required; missing optional files are recorded in <see cref="EvaluationCorpus.Notes"/>.
/// Tag wikis (post types 4 and 5) become tag descriptions; other post types are ignored.
/// </summary>
public static class StackExchangeImporter
{
    /// <summary>Loads a dump folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>Posts.xml</c>.</exception>
    public static EvaluationCorpus Load(string directory, IProgress<string>? progress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The StackExchange dump folder '{directory}' does not exist.");
        }

        var notes = new List<string>();
        var postsPath = StackExchangeDump.FindFile(directory, "Posts.xml")
            ?? throw new FileNotFoundException($"The dump folder '{directory}' has no Posts.xml; it is the one file an evaluation needs.", Path.Combine(directory, "Posts.xml"));

        progress?.Report("Posts.xml");
        var posts = new List<CorpusPost>();
        var excerptByPost = new Dictionary<string, string>(StringComparer.Ordinal);
        EachRow(postsPath, "Posts.xml", row => ReadPost(row, posts, excerptByPost));

        var postIds = new HashSet<string>(posts.Select(p => p.Id), StringComparer.Ordinal);

        var users = new List<CorpusUser>();
        ReadOptional(directory, "Users.xml", notes, progress, row =>
        {
            if (row.GetValueOrDefault("Id") is { } id)
            {
                users.Add(new CorpusUser
                {
                    Id = id,
                    CreatedAt = row.GetValueOrDefault("CreationDate") is { } c ? StackExchangeDump.ParseDate(c) : default,
                    DisplayName = row.GetValueOrDefault("DisplayName"),
                });
            }
        });

        var votes = new List<CorpusVote>();
        var skippedVotes = 0;
        ReadOptional(directory, "Votes.xml", notes, progress, row =>
        {
            var postId = row.GetValueOrDefault("PostId");
            var kind = row.GetValueOrDefault("VoteTypeId") switch
            {
                "1" => CorpusVoteKind.Accept,
                "2" => CorpusVoteKind.Up,
                "3" => CorpusVoteKind.Down,
                "5" => CorpusVoteKind.Favorite,
                _ => (CorpusVoteKind?)null,
            };
            if (kind is null || postId is null || row.GetValueOrDefault("CreationDate") is not { } at)
            {
                return;
            }

            if (!postIds.Contains(postId))
            {
                skippedVotes++;
                return;
            }

            votes.Add(new CorpusVote { PostId = postId, Kind = kind.Value, At = StackExchangeDump.ParseDate(at), UserId = row.GetValueOrDefault("UserId") });
        });
        if (skippedVotes > 0)
        {
            notes.Add($"{skippedVotes} votes point to posts that are not in Posts.xml (deleted posts) and were skipped.");
        }

        var links = new List<CorpusLink>();
        ReadOptional(directory, "PostLinks.xml", notes, progress, row =>
        {
            var kind = row.GetValueOrDefault("LinkTypeId") switch
            {
                "1" => CorpusLinkKind.Linked,
                "3" => CorpusLinkKind.Duplicate,
                _ => (CorpusLinkKind?)null,
            };
            if (kind is null || row.GetValueOrDefault("PostId") is not { } from || row.GetValueOrDefault("RelatedPostId") is not { } to)
            {
                return;
            }

            links.Add(new CorpusLink
            {
                FromPostId = from,
                ToPostId = to,
                Kind = kind.Value,
                CreatedAt = row.GetValueOrDefault("CreationDate") is { } c ? StackExchangeDump.ParseDate(c) : default,
            });
        });

        var tags = new List<CorpusTag>();
        ReadOptional(directory, "Tags.xml", notes, progress, row =>
        {
            if (row.GetValueOrDefault("TagName") is { } name)
            {
                var excerptId = row.GetValueOrDefault("ExcerptPostId");
                tags.Add(new CorpusTag
                {
                    Name = name.ToLowerInvariant(),
                    Description = excerptId is not null && excerptByPost.TryGetValue(excerptId, out var text) && text.Length > 0 ? text : null,
                });
            }
        });

        var comments = new List<CorpusComment>();
        ReadOptional(directory, "Comments.xml", notes, progress, row =>
        {
            if (row.GetValueOrDefault("PostId") is { } postId && row.GetValueOrDefault("CreationDate") is { } at)
            {
                comments.Add(new CorpusComment { PostId = postId, UserId = row.GetValueOrDefault("UserId"), CreatedAt = StackExchangeDump.ParseDate(at), Text = row.GetValueOrDefault("Text") ?? string.Empty });
            }
        });

        var badges = new List<CorpusBadge>();
        ReadOptional(directory, "Badges.xml", notes, progress, row =>
        {
            if (row.GetValueOrDefault("UserId") is { } user && row.GetValueOrDefault("Name") is { } name && row.GetValueOrDefault("Date") is { } at)
            {
                badges.Add(new CorpusBadge
                {
                    UserId = user,
                    Name = name,
                    At = StackExchangeDump.ParseDate(at),
                    TagBased = string.Equals(row.GetValueOrDefault("TagBased"), "True", StringComparison.OrdinalIgnoreCase),
                });
            }
        });

        notes.Add("Dumps hold only each post's final text and tags (no edit history is used), so a question's text and tags are as last edited, possibly after the query time.");
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new EvaluationCorpus(name, posts, users, votes, links, tags, TimeSpan.FromDays(1), notes, comments, badges);
    }

    private static void ReadPost(IReadOnlyDictionary<string, string> row, List<CorpusPost> posts, Dictionary<string, string> excerptByPost)
    {
        var id = row.GetValueOrDefault("Id");
        var type = row.GetValueOrDefault("PostTypeId");
        var created = row.GetValueOrDefault("CreationDate");
        if (id is null || created is null)
        {
            return;
        }

        switch (type)
        {
            case "1":
                posts.Add(new CorpusPost
                {
                    Id = id,
                    Kind = CorpusPostKind.Question,
                    AuthorId = row.GetValueOrDefault("OwnerUserId"),
                    CreatedAt = StackExchangeDump.ParseDate(created),
                    Title = row.GetValueOrDefault("Title") ?? string.Empty,
                    Body = row.GetValueOrDefault("Body") ?? string.Empty,
                    Tags = StackExchangeDump.ParseTags(row.GetValueOrDefault("Tags")),
                    AcceptedAnswerId = row.GetValueOrDefault("AcceptedAnswerId"),
                });
                break;
            case "2":
                posts.Add(new CorpusPost
                {
                    Id = id,
                    Kind = CorpusPostKind.Answer,
                    AuthorId = row.GetValueOrDefault("OwnerUserId"),
                    CreatedAt = StackExchangeDump.ParseDate(created),
                    Body = row.GetValueOrDefault("Body") ?? string.Empty,
                    ParentId = row.GetValueOrDefault("ParentId"),
                });
                break;
            case "4":
                excerptByPost[id] = TextCleaner.ToPlainText(row.GetValueOrDefault("Body") ?? string.Empty);
                break;
            default:
                break;
        }
    }


    /// <summary>What leaving out each optional file changes, for the report's notes.</summary>
    private static string Without(string file) => file switch
    {
        "Users.xml" => "people appear when they first post, so the routing pool holds only people who had posted (not everyone who had joined)",
        "Votes.xml" => "there are no up or down votes, and an accepted answer (AcceptedAnswerId) counts as accepted one day after it was posted, which may be earlier than it was",
        "PostLinks.xml" => "the related task has no labels",
        "Tags.xml" => "imported skills get no descriptions (no ranker in the evaluation reads them)",
        _ => "the signals it carries are left out",
    };

    private static void ReadOptional(string directory, string file, List<string> notes, IProgress<string>? progress, Action<IReadOnlyDictionary<string, string>> onRow)
    {
        var path = StackExchangeDump.FindFile(directory, file);
        if (path is null)
        {
            notes.Add($"{file} is missing: {Without(file)}.");
            return;
        }

        progress?.Report(file);
        EachRow(path, file, onRow);
    }

    /// <summary>Streams the rows of one dump file into <paramref name="onRow"/>; malformed data names the file and the row.</summary>
    private static void EachRow(string path, string file, Action<IReadOnlyDictionary<string, string>> onRow)
    {
        IReadOnlyDictionary<string, string>? current = null;
        try
        {
            foreach (var row in StackExchangeDump.ReadRows(path))
            {
                current = row;
                onRow(row);
            }
        }
        catch (InvalidDataException ex) when (current is not null)
        {
            throw new InvalidDataException($"{file}, row Id={current.GetValueOrDefault("Id") ?? "?"}: {ex.Message}", ex);
        }
    }
}
