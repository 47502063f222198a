using System.Text;
using SocialLearning.Evaluation;

namespace SocialLearning.Evaluation.Tests;

public sealed class ImporterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sl-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string file, string rootName, params string[] rows)
    {
        var xml = $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<{rootName}>\r\n" + string.Concat(rows.Select(r => "  " + r + "\r\n")) + $"</{rootName}>";

        // UTF-8 with a byte-order mark, as the dumps are.
        File.WriteAllText(Path.Combine(_dir, file), xml, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    [Theory]
    [InlineData("<alpha><beta-gamma>", new[] { "alpha", "beta-gamma" })]
    [InlineData("|alpha|beta-gamma|", new[] { "alpha", "beta-gamma" })]
    [InlineData("<Alpha><alpha>", new[] { "alpha" })]
    [InlineData("", new string[0])]
    public void Tags_are_parsed_in_both_dump_formats(string value, string[] expected) =>
        Assert.Equal(expected, StackExchangeDump.ParseTags(value));

    [Fact]
    public void A_dump_with_bom_and_both_tag_formats_becomes_a_corpus()
    {
        Write("Posts.xml", "posts",
            """<row Id="1" PostTypeId="1" CreationDate="2020-01-01T10:00:00.000" OwnerUserId="7" Title="First" Body="&lt;p&gt;Hello &amp;amp; welcome&lt;/p&gt;" Tags="&lt;x&gt;&lt;y&gt;" AcceptedAnswerId="2" />""",
            """<row Id="2" PostTypeId="2" ParentId="1" CreationDate="2020-01-02T10:00:00.000" OwnerUserId="8" Body="&lt;p&gt;Answer&lt;/p&gt;" />""",
            """<row Id="3" PostTypeId="1" CreationDate="2020-01-03T10:00:00.000" Title="Second" Body="b" Tags="|y|z|" />""",
            """<row Id="4" PostTypeId="4" CreationDate="2020-01-01T00:00:00.000" Body="&lt;p&gt;About x&lt;/p&gt;" />""",
            """<row Id="5" PostTypeId="5" CreationDate="2020-01-01T00:00:00.000" Body="wiki" />""");
        Write("Users.xml", "users", """<row Id="7" CreationDate="2019-12-01T00:00:00.000" DisplayName="seven" />""", """<row Id="8" CreationDate="2019-12-02T00:00:00.000" />""");
        Write("Votes.xml", "votes",
            """<row Id="1" PostId="2" VoteTypeId="2" CreationDate="2020-01-03T00:00:00.000" />""",
            """<row Id="2" PostId="2" VoteTypeId="1" CreationDate="2020-01-03T00:00:00.000" />""",
            """<row Id="3" PostId="999" VoteTypeId="2" CreationDate="2020-01-03T00:00:00.000" />""",
            """<row Id="4" PostId="1" VoteTypeId="5" UserId="8" CreationDate="2020-01-03T00:00:00.000" />""",
            """<row Id="5" PostId="1" VoteTypeId="16" CreationDate="2020-01-03T00:00:00.000" />""");
        Write("PostLinks.xml", "postlinks", """<row Id="1" CreationDate="2020-01-03T10:00:00.000" PostId="3" RelatedPostId="1" LinkTypeId="3" />""");
        Write("Tags.xml", "tags", """<row Id="1" TagName="x" Count="1" ExcerptPostId="4" WikiPostId="5" />""");

        var corpus = StackExchangeImporter.Load(_dir);

        Assert.Equal(["1", "2", "3"], corpus.Posts.Select(p => p.Id));
        var first = corpus.PostsById["1"];
        Assert.Equal(CorpusPostKind.Question, first.Kind);
        Assert.Equal(["x", "y"], first.Tags);
        Assert.Equal("<p>Hello &amp; welcome</p>", first.Body);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 10, 0, 0, TimeSpan.Zero), first.CreatedAt);
        Assert.Equal("2", first.AcceptedAnswerId);
        Assert.Equal(["y", "z"], corpus.PostsById["3"].Tags);
        Assert.Null(corpus.PostsById["3"].AuthorId);
        Assert.Equal("1", corpus.PostsById["2"].ParentId);
        Assert.Equal(2, corpus.Users.Count);

        // Up, accept and favourite kept; the vote on a missing post and the moderation vote skipped.
        Assert.Equal([CorpusVoteKind.Up, CorpusVoteKind.Accept, CorpusVoteKind.Favorite], corpus.Votes.Select(v => v.Kind));
        Assert.Equal("8", corpus.Votes[2].UserId);
        Assert.Contains(corpus.Notes, n => n.StartsWith("1 votes point to posts", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromDays(1), corpus.VoteTimeGranularity);

        var link = Assert.Single(corpus.Links);
        Assert.Equal(CorpusLinkKind.Duplicate, link.Kind);
        var tag = Assert.Single(corpus.Tags);
        Assert.Equal("About x", tag.Description);

        // Comments.xml and Badges.xml are optional and reported missing.
        Assert.Contains(corpus.Notes, n => n.StartsWith("Comments.xml is missing", StringComparison.Ordinal));
        Assert.Contains(corpus.Notes, n => n.StartsWith("Badges.xml is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void A_dump_of_posts_alone_loads_and_its_notes_say_what_each_missing_file_changes()
    {
        Write("Posts.xml", "posts",
            "<row Id=\"1\" PostTypeId=\"1\" AcceptedAnswerId=\"2\" CreationDate=\"2020-01-01T10:00:00.000\" OwnerUserId=\"5\" Title=\"Q\" Body=\"&lt;p&gt;q&lt;/p&gt;\" Tags=\"|alpha|\" />",
            "<row Id=\"2\" PostTypeId=\"2\" ParentId=\"1\" CreationDate=\"2020-01-01T11:00:00.000\" OwnerUserId=\"6\" Body=\"&lt;p&gt;a&lt;/p&gt;\" />");

        var corpus = StackExchangeImporter.Load(_dir);

        Assert.Equal(2, corpus.Posts.Count);
        Assert.Equal("2", corpus.Posts[0].AcceptedAnswerId);
        Assert.Contains(corpus.Notes, n => n.StartsWith("Users.xml is missing: people appear when they first post", StringComparison.Ordinal));
        Assert.Contains(corpus.Notes, n => n.StartsWith("Votes.xml is missing: there are no up or down votes, and an accepted answer", StringComparison.Ordinal));
        Assert.Contains(corpus.Notes, n => n.StartsWith("PostLinks.xml is missing: the related task has no labels", StringComparison.Ordinal));
        Assert.Contains(corpus.Notes, n => n.StartsWith("Tags.xml is missing: imported skills get no descriptions", StringComparison.Ordinal));
        Assert.Contains(corpus.Notes, n => n.StartsWith("Comments.xml is missing: the signals it carries are left out", StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_date_fails_naming_the_file_the_row_and_the_value()
    {
        Write("Posts.xml", "posts", "<row Id=\"1\" PostTypeId=\"1\" CreationDate=\"2020-01-01T10:00:00.000\" OwnerUserId=\"5\" Title=\"Q\" Body=\"q\" Tags=\"|a|\" />");
        Write("Votes.xml", "votes", "<row Id=\"9\" PostId=\"1\" VoteTypeId=\"2\" CreationDate=\"yesterday\" />");

        var ex = Assert.Throws<InvalidDataException>(() => StackExchangeImporter.Load(_dir));

        Assert.StartsWith("Votes.xml, row Id=9: 'yesterday' is not a date", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_posts_fails_naming_the_file()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => StackExchangeImporter.Load(_dir));
        Assert.Contains("Posts.xml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_data_json_round_trips_through_the_documented_format()
    {
        var corpus = new EvaluationCorpus(
            "host",
            [
                new CorpusPost { Id = "q1", Kind = CorpusPostKind.Question, AuthorId = "u1", CreatedAt = DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), Title = "T", Body = "B", Tags = ["a"] },
                new CorpusPost { Id = "a1", Kind = CorpusPostKind.Answer, AuthorId = "u2", CreatedAt = DateTimeOffset.Parse("2024-01-02T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), Body = "A", ParentId = "q1" },
            ],
            users: [new CorpusUser { Id = "u1" }, new CorpusUser { Id = "u2" }],
            votes: [new CorpusVote { PostId = "a1", Kind = CorpusVoteKind.Accept, At = DateTimeOffset.Parse("2024-01-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture) }],
            links: [new CorpusLink { FromPostId = "a1", ToPostId = "q1", Kind = CorpusLinkKind.Linked }]);
        using var stream = new MemoryStream();
        HostDataFormat.Write(corpus, stream);
        var json = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("\"posts\"", json, StringComparison.Ordinal);
        Assert.Contains("\"parentId\": \"q1\"", json, StringComparison.Ordinal);

        stream.Position = 0;
        var back = HostDataFormat.Read(stream);
        Assert.Equal("host", back.Name);
        Assert.Equal(["q1", "a1"], back.Posts.Select(p => p.Id));
        Assert.Equal(["a"], back.PostsById["q1"].Tags);
        Assert.Equal(CorpusVoteKind.Accept, Assert.Single(back.Votes).Kind);
        Assert.Equal(CorpusLinkKind.Linked, Assert.Single(back.Links).Kind);
    }

    [Fact]
    public void Host_data_without_posts_is_rejected_clearly()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("{\"name\":\"x\",\"users\":[]}"));
        var ex = Assert.Throws<InvalidDataException>(() => HostDataFormat.Read(stream));
        Assert.Contains("posts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onet_content_model_becomes_broader_edges_and_technologies_related_edges()
    {
        File.WriteAllText(Path.Combine(_dir, "Content Model Reference.txt"),
            "Element ID\tElement Name\tDescription\r\n2\tWorker Requirements\td\r\n2.A\tBasic Skills\td\r\n2.A.1\tContent\td\r\n2.A.1.a\tReading Comprehension\td\r\n", new UTF8Encoding(false));
        var tech = new StringBuilder("O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\r\n");
        foreach (var occupation in new[] { "11-1", "11-2", "11-3" })
        {
            tech.Append(occupation).Append("\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tN\r\n");
            tech.Append(occupation).Append("\tPython\t43232405\tObject or component oriented development software\tY\tY\r\n");
        }

        tech.Append("11-4\tC++\t43232405\tObject or component oriented development software\tN\tN\r\n");
        File.WriteAllText(Path.Combine(_dir, "Technology Skills.txt"), tech.ToString(), new UTF8Encoding(false));

        var graph = OnetSkillGraph.Load(_dir, minOccupations: 3);

        Assert.Contains(graph.Edges, e => e is { From: "onet-2.A.1.a", To: "onet-2.A.1", Kind: SkillEdgeKind.Broader });
        Assert.Contains(graph.Edges, e => e is { From: "onet-2.A", To: "onet-2", Kind: SkillEdgeKind.Broader });
        Assert.Contains(graph.Edges, e => e is { From: "tech-python", To: "unspsc-43232405", Kind: SkillEdgeKind.Broader });
        var related = Assert.Single(graph.Edges, e => e.Kind == SkillEdgeKind.Related);
        Assert.Equal(("tech-microsoft-excel", "tech-python"), (related.From, related.To));
        Assert.Equal(1.0, related.Weight, 12);
        Assert.Contains(graph.Skills, s => s.Id == "tech-c" && s.Name == "C++");
    }
}
