using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using SocialLearning.AspNetCore.Identity;

namespace SocialLearning.AspNetCore.Endpoints;

/// <summary>The handlers behind <c>MapSocialLearning()</c>.</summary>
internal static class SocialLearningEndpoints
{
    private const int MaxQueryValues = 20;
    private const int MaxTextLength = 1_000;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/me", GetMe).WithName("SocialLearning.Me");
        group.MapGet("/tips", GetTips).WithName("SocialLearning.Tips");
        group.MapPost("/contributions", Share).WithName("SocialLearning.Share");
        group.MapGet("/contributions/{id}", GetContribution).WithName("SocialLearning.GetContribution");
        group.MapPut("/contributions/{id}", Edit).WithName("SocialLearning.Edit");
        group.MapPost("/contributions/{id}/feedback", Feedback).WithName("SocialLearning.Feedback");
        group.MapPost("/contributions/{id}/flag", Flag).WithName("SocialLearning.Flag");
        group.MapGet("/peers", GetPeers).WithName("SocialLearning.Peers");
        group.MapGet("/learning-path", GetLearningPath).WithName("SocialLearning.LearningPath");
        group.MapGet("/skills", GetSkills).WithName("SocialLearning.Skills");
        group.MapGet("/skills/search", SearchSkills).WithName("SocialLearning.SearchSkills");
        group.MapGet("/moderation/queue", GetReviewQueue).WithName("SocialLearning.ReviewQueue");
        group.MapGet("/moderation/votes", GetVotePatterns).WithName("SocialLearning.VotePatterns");
        group.MapGet("/moderation/insights", GetInsights).WithName("SocialLearning.Insights");
        group.MapGet("/moderation/xapi", GetXApi).WithName("SocialLearning.XApi");
        group.MapPost("/moderation/contributions/{id}/approve", Approve).WithName("SocialLearning.Approve");
        group.MapPost("/moderation/contributions/{id}/hide", Hide).WithName("SocialLearning.Hide");
        group.MapPost("/moderation/contributions/{id}/feature", Feature).WithName("SocialLearning.Feature");
        group.MapDelete("/moderation/contributions/{id}/feature", Unfeature).WithName("SocialLearning.Unfeature");
        group.MapPut("/moderation/skills", ImportSkills).WithName("SocialLearning.ImportSkills");
    }

    internal static async Task<JsonHttpResult<ReviewQueueView>> GetReviewQueue(HttpContext http, EndpointServices s)
    {
        var limit = Int(http.Request.Query, "limit", 50, 1, 500);
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        var ct = http.RequestAborted;
        var queue = await s.Moderation.GetReviewQueueAsync(caller.Tenant, caller.Id, limit, ct).ConfigureAwait(false);
        var names = new Dictionary<LearnerId, string>();
        var items = new List<ReviewItemView>(queue.Count);
        foreach (var item in queue)
        {
            var flags = new List<FlagView>(item.Flags.Count);
            foreach (var flag in item.Flags)
            {
                flags.Add(new FlagView { Learner = await PersonAsync(s, caller.Tenant, flag.Learner, names, ct).ConfigureAwait(false), Reason = flag.Reason, FlaggedAt = flag.FlaggedAt, Trusted = flag.Trusted, Overturned = flag.Overturned });
            }

            items.Add(new ReviewItemView
            {
                Contribution = await ViewAsync(s, caller, item.Contribution, ct).ConfigureAwait(false),
                Reason = item.Reason,
                Since = item.Since,
                Flags = flags,
            });
        }

        return Json(new ReviewQueueView { Items = items }, SocialLearningJsonContext.Default.ReviewQueueView);
    }

    internal static async Task<JsonHttpResult<LearningInsightsReport>> GetInsights(HttpContext http, EndpointServices s)
    {
        var query = http.Request.Query;
        var windowDays = Int(query, "windowDays", 28, 1, 366);
        var top = Int(query, "top", 10, 1, 100);
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        RequireLearningTeam(s, caller, "insights");
        var report = await s.Insights.GetAsync(caller.Tenant, new InsightsRequest { Window = TimeSpan.FromDays(windowDays), Top = top }, http.RequestAborted).ConfigureAwait(false);
        return Json(report, SocialLearningJsonContext.Default.LearningInsightsReport);
    }

    /// <summary>
    /// The tenant's activity as xAPI statements, streamed (an LRS connector pulls it): one JSON array, or with
    /// <c>limit</c> one page as an xAPI StatementResult whose <c>more</c> fetches the next.
    /// </summary>
    internal static async Task GetXApi(HttpContext http, EndpointServices s)
    {
        var query = http.Request.Query;
        var from = Time(query, "from");
        var to = Time(query, "to");
        if (from is not null && to is not null && to <= from)
        {
            throw new ArgumentException("to must be later than from.", "to");
        }

        int? limit = query["limit"].Count == 0 ? null : Int(query, "limit", XApiPageMax, 1, XApiPageMax);
        var skip = Int(query, "skip", 0, 0, int.MaxValue);
        if (skip > 0 && (from is null || limit is null))
        {
            throw new ArgumentException("skip needs from and limit: it counts the statements at exactly 'from' that an earlier page returned.", "skip");
        }

        var views = query["views"].Count == 0 || !string.Equals(query["views"][0], "false", StringComparison.OrdinalIgnoreCase);
        var evidence = Bool(query, "evidence");
        var moderation = Bool(query, "moderation");
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        RequireLearningTeam(s, caller, "the xAPI export");
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";

        // By default activity ids are this API's own URLs: {origin}{path base}{prefix}/contributions/{id}.
        const string Route = "/moderation/xapi";
        var path = http.Request.Path.Value ?? string.Empty;
        var prefix = path.EndsWith(Route, StringComparison.OrdinalIgnoreCase) ? path[..^Route.Length] : string.Empty;
        var options = new XApiExportOptions
        {
            ActivityBaseUri = s.Options.XApiActivityBaseUri ?? new Uri($"{origin}{http.Request.PathBase}{prefix}/"),
            AccountHomePage = s.Options.XApiAccountHomePage ?? new Uri(origin),
            From = from,
            To = to,
            IncludeViews = views,
            IncludeEvidence = evidence,
            IncludeModeration = moderation,
        };

        // Validate before the first byte, so bad input is a 400 problem rather than a broken stream.
        var statements = s.XApi.ExportAsync(caller.Tenant, options, http.RequestAborted);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers["X-Experience-API-Version"] = "1.0.3";
        if (limit is not { } pageSize)
        {
            await XApiStatements.WriteJsonArrayAsync(statements, http.Response.Body, http.RequestAborted).ConfigureAwait(false);
            return;
        }

        await WriteXApiPageAsync(http, statements, pageSize, from, skip).ConfigureAwait(false);
    }

    /// <summary>Most statements in one page of <c>GET moderation/xapi?limit=</c>.</summary>
    internal const int XApiPageMax = 10_000;

    /// <summary>
    /// One page as an xAPI StatementResult, <c>{"statements":[…],"more":"…"}</c>. The statements come in time order, and
    /// the cursor is (time, count): <c>more</c> asks again from the last statement's time, skipping the statements at
    /// exactly that time that were already returned. <c>more</c> is "" on the last page. Nothing is buffered: whether
    /// there is more is known after the page, and <c>more</c> is the last property.
    /// </summary>
    private static async Task WriteXApiPageAsync(HttpContext http, IAsyncEnumerable<XApiStatement> statements, int limit, DateTimeOffset? from, int skip)
    {
        var cancellationToken = http.RequestAborted;
        var writer = new Utf8JsonWriter(http.Response.Body);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("statements");
            var written = 0;
            var skipped = 0;
            var more = false;
            DateTimeOffset? last = null;
            var atLast = 0;
            await foreach (var statement in statements.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (skipped < skip && statement.Timestamp == from)
                {
                    skipped++;
                    continue;
                }

                if (written == limit)
                {
                    more = true;
                    break;
                }

                statement.WriteTo(writer);
                written++;
                if (last == statement.Timestamp)
                {
                    atLast++;
                }
                else
                {
                    last = statement.Timestamp;
                    atLast = 1;
                }

                if (writer.BytesPending > 64 * 1024)
                {
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            writer.WriteEndArray();
            var next = string.Empty;
            if (more && last is { } at)
            {
                // The next page is this request with a new cursor: every other parameter (limit, to, views, …) is carried as given.
                var count = atLast + (at == from ? skip : 0);
                var url = new System.Text.StringBuilder()
                    .Append(http.Request.PathBase).Append(http.Request.Path)
                    .Append("?from=").Append(Uri.EscapeDataString(at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)))
                    .Append("&skip=").Append(count.ToString(CultureInfo.InvariantCulture));
                foreach (var (name, values) in http.Request.Query)
                {
                    if (name is "from" or "skip")
                    {
                        continue;
                    }

                    foreach (var value in values)
                    {
                        url.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
                    }
                }

                next = url.ToString();
            }

            writer.WriteString("more", next);
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count == 0)
        {
            return null;
        }

        return values.Count == 1 && DateTimeOffset.TryParse(values[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new ArgumentException($"{name} must be one ISO 8601 time such as 2026-01-31T00:00:00Z.", name);
    }

    private static void RequireLearningTeam(EndpointServices s, Caller caller, string what)
    {
        // The learning team's views: the same policy as moderation (the services themselves are unguarded, for host jobs).
        if (!s.Moderators.IsModerator(caller.Learner))
        {
            throw new SocialLearningForbiddenException($"Learner '{caller.Id.Value}' is not a moderator: {what} {s.Moderators.Requirement}.");
        }
    }

    internal static async Task<JsonHttpResult<VotePatternsView>> GetVotePatterns(HttpContext http, EndpointServices s)
    {
        var query = http.Request.Query;
        var minVotes = Int(query, "minVotes", 5, 1, 1_000);
        var minSharePercent = Int(query, "minSharePercent", 50, 1, 100);
        var limit = Int(query, "limit", 50, 1, 500);
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        var ct = http.RequestAborted;
        var patterns = await s.Moderation.GetVotePatternsAsync(
            caller.Tenant, caller.Id, new VotePatternQuery { MinVotes = minVotes, MinShare = minSharePercent / 100.0, Limit = limit }, ct).ConfigureAwait(false);
        var names = new Dictionary<LearnerId, string>();
        var items = new List<VotePatternView>(patterns.Count);
        foreach (var p in patterns)
        {
            items.Add(new VotePatternView
            {
                Voter = await PersonAsync(s, caller.Tenant, p.Voter, names, ct).ConfigureAwait(false),
                Author = await PersonAsync(s, caller.Tenant, p.Author, names, ct).ConfigureAwait(false),
                HelpfulVotes = p.HelpfulVotes,
                Share = p.Share,
                Reciprocal = p.Reciprocal,
                FirstVoteAt = p.FirstVoteAt,
                LastVoteAt = p.LastVoteAt,
            });
        }

        return Json(new VotePatternsView { Items = items }, SocialLearningJsonContext.Default.VotePatternsView);
    }

    internal static Task<JsonHttpResult<ContributionView>> Approve(HttpContext http, EndpointServices s, string id) =>
        DecideAsync(http, s, id, (caller, contribution, expected, ct) => s.Moderation.ApproveAsync(caller.Tenant, caller.Id, contribution, expected, ct));

    internal static Task<JsonHttpResult<ContributionView>> Hide(HttpContext http, EndpointServices s, string id) =>
        DecideAsync(http, s, id, (caller, contribution, expected, ct) => s.Moderation.HideAsync(caller.Tenant, caller.Id, contribution, expected, ct));

    internal static async Task<JsonHttpResult<ContributionView>> Feature(HttpContext http, EndpointServices s, string id)
    {
        var body = await ReadBodyAsync(http, s, SocialLearningJsonContext.Default.FeatureBody).ConfigureAwait(false);
        var until = body.Until ?? throw new ArgumentException("until is required: when the feature ends, as an ISO 8601 time.", "until");
        return await DecideAsync(http, s, id, (caller, contribution, expected, ct) => s.Moderation.FeatureAsync(caller.Tenant, caller.Id, contribution, until, expected, ct)).ConfigureAwait(false);
    }

    internal static Task<JsonHttpResult<ContributionView>> Unfeature(HttpContext http, EndpointServices s, string id) =>
        DecideAsync(http, s, id, (caller, contribution, expected, ct) => s.Moderation.UnfeatureAsync(caller.Tenant, caller.Id, contribution, expected, ct));

    private static async Task<JsonHttpResult<ContributionView>> DecideAsync(
        HttpContext http, EndpointServices s, string id, Func<Caller, ContributionId, long, CancellationToken, Task<Contribution>> decide)
    {
        var contributionId = Id(id, "id");
        var expected = IfMatch(http);
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        http.Items[Problems.PreconditionKey] = true;
        Contribution stored;
        try
        {
            stored = await decide(caller, contributionId, expected, http.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException e) when (e.ParamName == "contribution")
        {
            // The service names its parameter; here the contribution is the route's {id}.
            throw new ArgumentException(e.Message.Replace(" (Parameter 'contribution')", string.Empty, StringComparison.Ordinal), "id", e);
        }
        catch (EntityNotFoundException e) when (e.Field == "contribution")
        {
            throw new EntityNotFoundException(e.EntityType, e.Id, "id");
        }

        http.Response.Headers.ETag = ETag(stored.Version);
        return Json(await ViewAsync(s, caller, stored, http.RequestAborted).ConfigureAwait(false), SocialLearningJsonContext.Default.ContributionView);
    }

    internal static async Task<JsonHttpResult<MeView>> GetMe(HttpContext http, EndpointServices s)
    {
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        return Json(new MeView
        {
            Learner = new PersonView { Id = caller.Id, Name = caller.Learner.DisplayName },
            Team = caller.Learner.Team,
            Roles = caller.Learner.Roles,
        }, SocialLearningJsonContext.Default.MeView);
    }

    internal static async Task<Results<JsonHttpResult<TipsView>, ProblemHttpResult>> GetTips(HttpContext http, EndpointServices s)
    {
        var query = http.Request.Query;
        var contexts = Values(query, "context", splitOnComma: false);
        var skills = Values(query, "skills", splitOnComma: true);
        var text = Text(query, "q");
        var k = Int(query, "k", 5, 1, s.Options.MaxTips);
        for (var i = 0; i < contexts.Count; i++)
        {
            _ = ContextKey.Parse(contexts[i], $"context[{i}]");
        }

        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        var recommender = s.Optional<ITipRecommender>();
        if (recommender is null)
        {
            return NotConfigured(nameof(ITipRecommender));
        }

        var ct = http.RequestAborted;
        var result = await recommender.RecommendAsync(
            new TipRequest { Tenant = caller.Tenant, Learner = caller.Id, ContextKeys = contexts, Skills = skills, Text = text, K = k },
            ct).ConfigureAwait(false);
        var names = new Dictionary<LearnerId, string>();
        var items = new List<TipView>(result.Items.Count);
        foreach (var tip in result.Items)
        {
            var contribution = await s.Store.GetContributionAsync(caller.Tenant, tip.ContributionId, ct).ConfigureAwait(false);
            if (contribution is null || contribution.Status != ContributionStatus.Published || !Visibility.CanSee(caller, contribution))
            {
                continue; // defence in depth: a recommender never gets to show what the caller may not see
            }

            items.Add(new TipView
            {
                Id = contribution.Id,
                Kind = contribution.Kind,
                Title = contribution.Title,
                BodyHtml = s.Renderer.RenderHtml(contribution.Body),
                Author = await PersonAsync(s, caller.Tenant, contribution.Author, names, ct).ConfigureAwait(false),
                Score = tip.Score,
                Explanation = tip.Explanation,
                Counters = await s.Store.GetCountersAsync(caller.Tenant, contribution.Id, ct).ConfigureAwait(false),
                Mine = await MineAsync(s, caller, contribution.Id, ct).ConfigureAwait(false),
            });
        }

        return Json(new TipsView { Items = items, Ranker = result.Ranker, Variant = result.Variant }, SocialLearningJsonContext.Default.TipsView);
    }

    internal static async Task<JsonHttpResult<ContributionView>> Share(HttpContext http, EndpointServices s)
    {
        var body = await ReadBodyAsync(http, s, SocialLearningJsonContext.Default.ShareContributionBody).ConfigureAwait(false);
        var key = IdempotencyKey(http);
        Uri? url = null;
        if (body.Url is not null && !Uri.TryCreate(body.Url, UriKind.Absolute, out url))
        {
            throw new ArgumentException("url must be an absolute http or https URL.", "url");
        }

        var parent = body.ParentId is null ? (ContributionId?)null : Id(body.ParentId, "parentId");
        RequireText(body.Title, "title");
        RequireText(body.Body, "body");
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        s.Limiter.AcquirePost(caller);
        var stored = await s.Contributions.ShareAsync(
            new ShareContributionRequest
            {
                Tenant = caller.Tenant,
                Author = caller.Id,
                Kind = body.Kind ?? ContributionKind.Tip,
                Title = body.Title!,
                Body = body.Body!,
                Skills = body.Skills ?? [],
                ContextKeys = body.ContextKeys ?? [],
                Url = url,
                ParentId = parent,
                Status = body.Status ?? ContributionStatus.Published,
                IdempotencyKey = key is null ? null : $"{caller.Id.Value}:{key}",
            },
            http.RequestAborted).ConfigureAwait(false);
        var view = await ViewAsync(s, caller, stored, http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers.ETag = ETag(stored.Version);
        http.Response.Headers.Location = $"{http.Request.PathBase}{http.Request.Path}/{Uri.EscapeDataString(stored.Id.Value)}";
        return Json(view, SocialLearningJsonContext.Default.ContributionView, StatusCodes.Status201Created);
    }

    internal static async Task<JsonHttpResult<ContributionView>> GetContribution(HttpContext http, EndpointServices s, string id)
    {
        var contributionId = Id(id, "id");
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        var contribution = await VisibleAsync(s, caller, contributionId, http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers.ETag = ETag(contribution.Version);
        return Json(await ViewAsync(s, caller, contribution, http.RequestAborted).ConfigureAwait(false), SocialLearningJsonContext.Default.ContributionView);
    }

    internal static async Task<JsonHttpResult<ContributionView>> Edit(HttpContext http, EndpointServices s, string id)
    {
        var contributionId = Id(id, "id");
        var expected = IfMatch(http);
        var body = await ReadBodyAsync(http, s, SocialLearningJsonContext.Default.EditContributionBody).ConfigureAwait(false);
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        _ = await VisibleAsync(s, caller, contributionId, http.RequestAborted).ConfigureAwait(false);
        s.Limiter.AcquirePost(caller);
        http.Items[Problems.PreconditionKey] = true;
        var stored = await s.Contributions.EditAsync(
            new EditContributionRequest
            {
                Tenant = caller.Tenant,
                Id = contributionId,
                Editor = caller.Id,
                ExpectedVersion = expected,
                Title = body.Title,
                Body = body.Body,
                Skills = body.Skills,
                ContextKeys = body.ContextKeys,
                Status = body.Status,
            },
            http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers.ETag = ETag(stored.Version);
        return Json(await ViewAsync(s, caller, stored, http.RequestAborted).ConfigureAwait(false), SocialLearningJsonContext.Default.ContributionView);
    }

    internal static async Task<JsonHttpResult<FeedbackView>> Feedback(HttpContext http, EndpointServices s, string id)
    {
        var contributionId = Id(id, "id");
        var body = await ReadBodyAsync(http, s, SocialLearningJsonContext.Default.FeedbackBody).ConfigureAwait(false);
        var kind = body.Kind ?? throw new ArgumentException("kind is required: Helpful, NotHelpful, Saved, Dismissed or Viewed.", "kind");
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentException("kind must be Helpful, NotHelpful, Saved, Dismissed or Viewed.", "kind");
        }

        var key = IdempotencyKey(http);
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        _ = await VisibleAsync(s, caller, contributionId, http.RequestAborted).ConfigureAwait(false);
        if (kind is FeedbackKind.Helpful or FeedbackKind.NotHelpful or FeedbackKind.Endorsed)
        {
            s.Limiter.AcquireVote(caller);
        }

        var result = await s.Contributions.GiveFeedbackAsync(
            caller.Tenant, caller.Id, contributionId, kind, key is null ? null : $"{caller.Id.Value}:{key}", http.RequestAborted).ConfigureAwait(false);
        return Json(new FeedbackView { Outcome = result.Outcome, Counters = result.Counters }, SocialLearningJsonContext.Default.FeedbackView);
    }

    internal static async Task<JsonHttpResult<FeedbackView>> Flag(HttpContext http, EndpointServices s, string id)
    {
        var contributionId = Id(id, "id");
        var body = await ReadBodyAsync(http, s, SocialLearningJsonContext.Default.FlagBody).ConfigureAwait(false);
        RequireText(body.Reason, "reason");
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        _ = await VisibleAsync(s, caller, contributionId, http.RequestAborted).ConfigureAwait(false);
        s.Limiter.AcquireVote(caller);
        var result = await s.Contributions.FlagAsync(caller.Tenant, caller.Id, contributionId, body.Reason!, http.RequestAborted).ConfigureAwait(false);
        return Json(new FeedbackView { Outcome = result.Outcome, Counters = result.Counters }, SocialLearningJsonContext.Default.FeedbackView);
    }

    internal static async Task<Results<JsonHttpResult<PeersView>, ProblemHttpResult>> GetPeers(HttpContext http, EndpointServices s)
    {
        var query = http.Request.Query;
        var skills = Values(query, "skills", splitOnComma: true);
        var text = Text(query, "q");
        var k = Int(query, "k", 5, 1, 20);
        if (skills.Count == 0 && text is null)
        {
            throw new ArgumentException("Give skills or a question (q) to find colleagues for.", "skills");
        }

        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        var finder = s.Optional<IPeerFinder>();
        if (finder is null)
        {
            return NotConfigured(nameof(IPeerFinder));
        }

        var result = await finder.FindAsync(
            new PeerRequest { Tenant = caller.Tenant, Asker = caller.Id, Skills = skills, Text = text, K = k },
            http.RequestAborted).ConfigureAwait(false);
        return Json(new PeersView { Items = result.Items.Where(p => p.Learner != caller.Id).ToList(), Ranker = result.Ranker }, SocialLearningJsonContext.Default.PeersView);
    }

    internal static async Task<Results<JsonHttpResult<LearningPath>, ProblemHttpResult>> GetLearningPath(HttpContext http, EndpointServices s)
    {
        var query = http.Request.Query;
        var targets = Values(query, "target", splitOnComma: true);
        var role = Text(query, "role");
        var maxSteps = Int(query, "maxSteps", 10, 1, 50);
        var includeMastered = Bool(query, "includeMastered");
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        var planner = s.Optional<ILearningPathPlanner>();
        if (planner is null)
        {
            return NotConfigured(nameof(ILearningPathPlanner));
        }

        var path = await planner.PlanAsync(
            new LearningPathRequest { Tenant = caller.Tenant, Learner = caller.Id, TargetSkills = targets, TargetRole = role, MaxSteps = maxSteps, IncludeMastered = includeMastered },
            http.RequestAborted).ConfigureAwait(false);
        return Json(path, SocialLearningJsonContext.Default.LearningPath);
    }

    internal static async Task<JsonHttpResult<SkillsView>> GetSkills(HttpContext http, EndpointServices s)
    {
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        var graph = await s.Skills.GetGraphAsync(caller.Tenant, http.RequestAborted).ConfigureAwait(false);
        return Json(new SkillsView
        {
            Skills = graph.Skills.Select(k => new SkillView { Id = k.Id, Name = k.Name, Aliases = k.Aliases, Description = k.Description }).ToList(),
            Edges = graph.Edges.Select(e => new SkillEdgeView { From = e.From, To = e.To, Kind = e.Kind, Weight = e.Weight }).ToList(),
        }, SocialLearningJsonContext.Default.SkillsView);
    }

    /// <summary>Creates or updates the tenant's skills and edges in one call (the learning team's), as <see cref="ISkillService.ImportAsync"/>.</summary>
    internal static async Task<JsonHttpResult<SkillImportResult>> ImportSkills(HttpContext http, EndpointServices s)
    {
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        RequireLearningTeam(s, caller, "changing the skill graph");
        var body = await ReadBodyAsync(http, s, SocialLearningJsonContext.Default.SkillGraphBody, s.Options.MaxSkillGraphBodyBytes).ConfigureAwait(false);
        // A null entry stays null, so the service names it (skills[i] must not be null).
        List<SkillDefinition> skills = [.. (body.Skills ?? []).Select(k => k is null ? null! : new SkillDefinition { Id = k.Id, Name = k.Name!, Aliases = k.Aliases!, Description = k.Description })];
        List<SkillEdgeDefinition> edges = [.. (body.Edges ?? []).Select(e => e is null ? null! : new SkillEdgeDefinition { From = e.From, To = e.To, Kind = e.Kind, Weight = e.Weight ?? 1.0 })];
        var result = await s.Skills.ImportAsync(caller.Tenant, skills, edges, http.RequestAborted).ConfigureAwait(false);
        return Json(result, SocialLearningJsonContext.Default.SkillImportResult);
    }

    internal static async Task<JsonHttpResult<SkillSearchView>> SearchSkills(HttpContext http, EndpointServices s)
    {
        var caller = await s.Callers.GetAsync(http).ConfigureAwait(false);
        var query = http.Request.Query;
        var text = Text(query, "q") ?? throw new ArgumentException("q is required: the text to look for in skills' ids, names and aliases.", "q");
        if (text.Length > 200)
        {
            throw new ArgumentException("q must be at most 200 characters.", "q");
        }

        var limit = Int(query, "limit", 10, 1, 100);
        var skills = await s.Skills.FindAsync(caller.Tenant, text, limit, http.RequestAborted).ConfigureAwait(false);
        return Json(new SkillSearchView
        {
            Skills = skills.Select(k => new SkillView { Id = k.Id, Name = k.Name, Aliases = k.Aliases, Description = k.Description }).ToList(),
        }, SocialLearningJsonContext.Default.SkillSearchView);
    }

    private static JsonHttpResult<T> Json<T>(T value, JsonTypeInfo<T> typeInfo, int status = StatusCodes.Status200OK) =>
        TypedResults.Json(value, typeInfo, contentType: "application/json; charset=utf-8", statusCode: status);

    private static ProblemHttpResult NotConfigured(string service) =>
        Problems.Problem(StatusCodes.Status501NotImplemented, "Not configured.", $"No {service} is registered. Add the SocialLearning recommendation engine or register your own {service}.", "not_configured", null);

    private static async Task<Contribution> VisibleAsync(EndpointServices s, Caller caller, ContributionId id, CancellationToken ct)
    {
        var contribution = await s.Store.GetContributionAsync(caller.Tenant, id, ct).ConfigureAwait(false);
        if (contribution is null || !Visibility.CanSee(caller, contribution))
        {
            // Another tenant's record, a draft of someone else or one outside the audience: all look the same.
            throw new EntityNotFoundException(nameof(Contribution), id.Value, "id");
        }

        return contribution;
    }

    private static async Task<ContributionView> ViewAsync(EndpointServices s, Caller caller, Contribution c, CancellationToken ct) => new()
    {
        Id = c.Id,
        Kind = c.Kind,
        Title = c.Title,
        Body = c.Body,
        BodyHtml = s.Renderer.RenderHtml(c.Body),
        Author = await PersonAsync(s, caller.Tenant, c.Author, null, ct).ConfigureAwait(false),
        Skills = c.Skills,
        ContextKeys = c.ContextKeys,
        Status = c.Status,
        Version = c.Version,
        Url = c.Url?.AbsoluteUri,
        ParentId = c.ParentId,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
        FeaturedUntil = c.FeaturedUntil,
        Counters = await s.Store.GetCountersAsync(caller.Tenant, c.Id, ct).ConfigureAwait(false),
        Mine = await MineAsync(s, caller, c.Id, ct).ConfigureAwait(false),
    };

    private static async Task<PersonView> PersonAsync(EndpointServices s, TenantId tenant, LearnerId id, Dictionary<LearnerId, string>? cache, CancellationToken ct)
    {
        if (cache is null || !cache.TryGetValue(id, out var name))
        {
            name = (await s.Store.GetLearnerAsync(tenant, id, ct).ConfigureAwait(false))?.DisplayName ?? id.Value;
            cache?.TryAdd(id, name);
        }

        return new PersonView { Id = id, Name = name };
    }

    private static async Task<MyFeedbackView> MineAsync(EndpointServices s, Caller caller, ContributionId id, CancellationToken ct)
    {
        FeedbackKind? vote = null;
        bool saved = false, dismissed = false;
        await foreach (var i in s.Store.ListInteractionsAsync(caller.Tenant, id, caller.Id, ct).ConfigureAwait(false))
        {
            switch (i.Kind)
            {
                case InteractionKind.Helpful:
                    vote = FeedbackKind.Helpful;
                    break;
                case InteractionKind.NotHelpful:
                    vote = FeedbackKind.NotHelpful;
                    break;
                case InteractionKind.Saved:
                    saved = true;
                    break;
                case InteractionKind.Dismissed:
                    dismissed = true;
                    break;
            }
        }

        return new MyFeedbackView { Vote = vote, Saved = saved, Dismissed = dismissed };
    }

    private static Task<T> ReadBodyAsync<T>(HttpContext http, EndpointServices s, JsonTypeInfo<T> typeInfo)
        where T : class => ReadBodyAsync(http, s, typeInfo, s.Options.MaxRequestBodyBytes);

    private static async Task<T> ReadBodyAsync<T>(HttpContext http, EndpointServices s, JsonTypeInfo<T> typeInfo, int max)
        where T : class
    {
        var request = http.Request;
        if (!request.HasJsonContentType())
        {
            throw new RequestProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "Send the body as application/json.", "unsupported_media_type", "Content-Type");
        }

        if (request.ContentLength > max)
        {
            throw new RequestProblemException(StatusCodes.Status413PayloadTooLarge, "The body is too large.", $"The body must be at most {max} bytes.", "body_too_large", "body");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new RequestProblemException(StatusCodes.Status413PayloadTooLarge, "The body is too large.", $"The body must be at most {max} bytes.", "body_too_large", "body");
            }

            buffer.Write(chunk, 0, read);
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            var why = e is InvalidIdJsonException ? " " + e.Message : string.Empty;
            throw new ArgumentException($"The JSON is not valid at '{field}' (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).{why}", field, e);
        }

        return value ?? throw new ArgumentException("The body must be a JSON object.", "body");
    }

    private static string? IdempotencyKey(HttpContext http)
    {
        if (!http.Request.Headers.TryGetValue("Idempotency-Key", out var values))
        {
            return null;
        }

        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > 64 || key.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException("The Idempotency-Key header must be one value of 1 to 64 visible ASCII characters.", "Idempotency-Key");
        }

        return key;
    }

    private static long IfMatch(HttpContext http)
    {
        var header = http.Request.Headers.IfMatch;
        if (header.Count == 0)
        {
            throw new RequestProblemException(StatusCodes.Status428PreconditionRequired, "If-Match is required.", "Send the ETag you read in If-Match so that concurrent edits are not lost.", "precondition_required", "If-Match");
        }

        var value = header.Count == 1 ? header[0]?.Trim() : null;
        if (value is null || value.Length < 3 || value[0] != '"' || value[^1] != '"'
            || !long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new ArgumentException("If-Match must be one strong ETag as returned by this API, for example \"3\".", "If-Match");
        }

        return version;
    }

    private static string ETag(long version) => new EntityTagHeaderValue($"\"{version.ToString(CultureInfo.InvariantCulture)}\"").ToString();

    private static ContributionId Id(string value, string field)
    {
        try
        {
            return new ContributionId(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message.Replace(nameof(ContributionId), field, StringComparison.Ordinal), field, e);
        }
    }

    private static void RequireText(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field} must not be empty.", field);
        }
    }

    private static List<string> Values(IQueryCollection query, string name, bool splitOnComma)
    {
        var result = new List<string>();
        foreach (var raw in query[name])
        {
            if (raw is null)
            {
                continue;
            }

            // Skill lists split on commas only: an entry may be a name or alias with spaces ("sales tax").
            var parts = splitOnComma ? raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : raw.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
            foreach (var part in parts)
            {
                if (result.Count == MaxQueryValues)
                {
                    throw new ArgumentException($"{name} may hold at most {MaxQueryValues} values.", name);
                }

                if (part.Length > ContextKey.MaxLength)
                {
                    throw new ArgumentException($"{name} values must be at most {ContextKey.MaxLength} characters.", name);
                }

                if (!result.Contains(part, StringComparer.Ordinal))
                {
                    result.Add(part);
                }
            }
        }

        return result;
    }

    private static string? Text(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
        {
            return null;
        }

        if (values.Count > 1)
        {
            throw new ArgumentException($"{name} may be given once.", name);
        }

        var value = values[0]!.Trim();
        return value.Length > MaxTextLength ? throw new ArgumentException($"{name} must be at most {MaxTextLength} characters.", name) : value;
    }

    /// <summary><c>true</c> or <c>false</c> (any case); absent is false.</summary>
    private static bool Bool(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count == 0)
        {
            return false;
        }

        if (values.Count > 1 || !bool.TryParse(values[0], out var value))
        {
            throw new ArgumentException($"{name} must be true or false.", name);
        }

        return value;
    }

    private static int Int(IQueryCollection query, string name, int fallback, int min, int max)
    {
        var values = query[name];
        if (values.Count == 0)
        {
            return fallback;
        }

        if (values.Count > 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{name} must be a whole number from {min} to {max}.", name);
        }

        return value;
    }
}

/// <summary>Who may see a contribution: published ones within their audience, and everything to its author.</summary>
internal static class Visibility
{
    public static bool CanSee(Caller caller, Contribution contribution)
    {
        if (contribution.Tenant != caller.Tenant)
        {
            return false;
        }

        if (contribution.Author == caller.Id)
        {
            return true;
        }

        if (contribution.Status != ContributionStatus.Published)
        {
            return false;
        }

        var audience = contribution.Audience;
        if (audience.Teams.Count > 0 && (caller.Learner.Team is null || !audience.Teams.Contains(caller.Learner.Team, StringComparer.Ordinal)))
        {
            return false;
        }

        return audience.Roles.Count == 0 || caller.Learner.Roles.Any(r => audience.Roles.Contains(r, StringComparer.Ordinal));
    }
}
