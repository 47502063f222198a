using System.Globalization;
using SocialLearning.AspNetCore;

namespace SocialLearning.Samples.WebApp;

/// <summary>
/// The learning team's review queue, rendered on the server with <see cref="IModerationService"/>: what waits for a
/// moderator (pending review, hidden by flags, flagged), with the flags' reasons, and an approve and a hide button
/// that send the version the moderator saw. Only learners with the moderator role get here (the service checks it).
/// </summary>
internal static class ModerationPages
{
    public static void MapModerationPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/moderation", async (HttpContext http, IModerationService moderation, ILearningInsights insights, ITipRecommender tips, IContributionService contributions, ILearnerService learners, IContributionRenderer renderer, string? done, string? conflict) =>
        {
            var user = InvoicePages.Current(http);
            var tenant = new TenantId(user.Tenant);
            // The host's user record is the source of roles, as the API's resolvers make it on every call; an unchanged
            // learner is not written again.
            await learners.UpsertAsync(tenant, new LearnerId(user.Id), user.Name, user.Team, user.Roles, http.RequestAborted);
            IReadOnlyList<ReviewItem> queue;
            try
            {
                queue = await moderation.GetReviewQueueAsync(tenant, new LearnerId(user.Id), cancellationToken: http.RequestAborted);
            }
            catch (SocialLearningForbiddenException e)
            {
                return Results.Problem(statusCode: 403, title: "Moderators only.", detail: e.Message);
            }

            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            async Task<string> NameAsync(LearnerId id)
            {
                if (!names.TryGetValue(id.Value, out var name))
                {
                    name = names[id.Value] = (await learners.GetAsync(tenant, id, http.RequestAborted)).DisplayName;
                }

                return name;
            }

            var rows = new List<string>();
            foreach (var item in queue)
            {
                var c = item.Contribution;
                var flags = new List<string>();
                foreach (var flag in item.Flags)
                {
                    var trust = flag.Trusted ? string.Empty
                        : flag.Overturned > 0 ? $" <span class=\"muted\">(not counted: {flag.Overturned} of their flags were overturned)</span>"
                        : " <span class=\"muted\">(not counted: new account)</span>";
                    flags.Add($"<li>{Layout.E(await NameAsync(flag.Learner))}: {Layout.E(flag.Reason)}{trust}</li>");
                }

                var id = Uri.EscapeDataString(c.Id.Value);
                var version = c.Version.ToString(CultureInfo.InvariantCulture);
                rows.Add($"""
                    <li class="review-item" data-id="{Layout.E(c.Id.Value)}">
                      <h2>{Layout.E(c.Title)}</h2>
                      <p class="muted">{Layout.E(Reason(item.Reason))} · by {Layout.E(await NameAsync(c.Author))} · waiting since {item.Since:yyyy-MM-dd HH:mm} UTC</p>
                      <div class="review-body">{renderer.RenderHtml(c.Body)}</div>
                      {(flags.Count > 0 ? $"<ul class=\"flags\" aria-label=\"Flags\">{string.Concat(flags)}</ul>" : string.Empty)}
                      <form method="post" action="/moderation/{id}/approve"><input type="hidden" name="version" value="{version}"><button type="submit">{(c.Status == ContributionStatus.Published ? "Keep" : "Publish")}</button></form>
                      <form method="post" action="/moderation/{id}/hide"><input type="hidden" name="version" value="{version}"><button type="submit" class="secondary">{(c.Status == ContributionStatus.PendingReview ? "Reject" : "Hide")}</button></form>
                    </li>
                    """);
            }

            // The learning team's other views: gaps and unanswered questions, and votes concentrated on one colleague.
            var report = await insights.GetAsync(tenant, new InsightsRequest { Top = 5 }, http.RequestAborted);
            var gaps = string.Concat(report.Gaps.Select(g =>
                $"<tr><td>{Layout.E(g.Skill.Value)}</td><td class=\"num\">{g.QuestionsAsked}</td><td class=\"num\">{g.OpenQuestions}</td><td class=\"num\">{g.Contributors}</td></tr>"));
            var unanswered = string.Concat(report.Unanswered.Select(q => $"<li>{Layout.E(q.Title)} <span class=\"muted\">asked {q.AskedAt:yyyy-MM-dd}</span></li>"));
            var votes = new List<string>();
            foreach (var p in await moderation.GetVotePatternsAsync(tenant, new LearnerId(user.Id), new VotePatternQuery { MinVotes = 3 } /* the demo is small: 5 is the default */, http.RequestAborted))
            {
                votes.Add($"<li>{Layout.E(await NameAsync(p.Voter))} gave {p.HelpfulVotes} of their helpful votes ({Math.Round(p.Share * 100).ToString(CultureInfo.InvariantCulture)}%) to {Layout.E(await NameAsync(p.Author))}, who gave {p.Reciprocal} back</li>");
            }

            // Curation: the tips colleagues found most helpful (Wilson lower bound over every tip), to feature on their screens.
            var helpful = await tips.RecommendAsync(new TipRequest { Tenant = tenant, Learner = new LearnerId(user.Id), K = 5, Ranker = "wilson", IncludeOwn = true }, http.RequestAborted);
            var curate = new List<string>();
            foreach (var tip in helpful.Items)
            {
                var c = await contributions.GetAsync(tenant, tip.ContributionId, http.RequestAborted);
                var featured = c.FeaturedUntil is { } until && until > DateTimeOffset.UtcNow;
                var action = featured ? "unfeature" : "feature";
                var label = featured ? $"Featured until {c.FeaturedUntil:yyyy-MM-dd} · stop" : "Feature on its screens for 30 days";
                curate.Add($"""<li class="curate-item" data-id="{Layout.E(c.Id.Value)}">{Layout.E(c.Title)} <form method="post" action="/moderation/{Uri.EscapeDataString(c.Id.Value)}/{action}"><input type="hidden" name="version" value="{c.Version.ToString(CultureInfo.InvariantCulture)}"><button type="submit" class="secondary">{Layout.E(label)}</button></form></li>""");
            }

            var team = $"""
                <h2 id="curate">Most helpful tips</h2>
                {(curate.Count == 0 ? "<p>No tips yet.</p>" : $"<ul class=\"curate\">{string.Concat(curate)}</ul>")}
                <h2 id="gaps">Gaps (last 28 days)</h2>
                {(gaps.Length == 0 ? "<p>No open demand.</p>" : $"<table class=\"gaps\"><thead><tr><th scope=\"col\">Skill</th><th scope=\"col\">Asked</th><th scope=\"col\">Open</th><th scope=\"col\">Colleagues who share</th></tr></thead><tbody>{gaps}</tbody></table>")}
                <h2 id="unanswered">Unanswered questions</h2>
                {(unanswered.Length == 0 ? "<p>None.</p>" : $"<ul class=\"unanswered\">{unanswered}</ul>")}
                <h2 id="votes">Vote patterns</h2>
                {(votes.Count == 0 ? "<p>No learner's helpful votes go mostly to one colleague.</p>" : $"<ul class=\"votes\">{string.Concat(votes)}</ul>")}
                """;

            var notice = conflict is not null
                ? "<p role=\"alert\">That contribution changed after you loaded this page; look at it again below.</p>"
                : done is not null ? "<p role=\"status\">Done.</p>" : string.Empty;
            var body = $"""
                <h1>Review queue</h1>
                {notice}
                {(rows.Count == 0 ? "<p>Nothing waits for a moderator.</p>" : $"<ul class=\"review-queue\">{string.Concat(rows)}</ul>")}
                {team}
                """;
            return InvoicePages.Page(Layout.Page("Review queue", "/moderation", user, body, "route:/moderation", "moderation"));
        }).RequireAuthorization();

        app.MapPost("/moderation/{id}/{decision}", async (HttpContext http, IModerationService moderation, string id, string decision) =>
        {
            // The demo cookie is SameSite=Strict, so a cross-site form cannot post here with it.
            var user = InvoicePages.Current(http);
            var form = await http.Request.ReadFormAsync();
            if (decision is not ("approve" or "hide" or "feature" or "unfeature") || !long.TryParse(form["version"], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return Results.Problem(statusCode: 400, title: "Unknown decision or version.");
            }

            var tenant = new TenantId(user.Tenant);
            var moderator = new LearnerId(user.Id);
            try
            {
                var contribution = new ContributionId(id);
                _ = decision switch
                {
                    "approve" => await moderation.ApproveAsync(tenant, moderator, contribution, version, http.RequestAborted),
                    "hide" => await moderation.HideAsync(tenant, moderator, contribution, version, http.RequestAborted),
                    "feature" => await moderation.FeatureAsync(tenant, moderator, contribution, DateTimeOffset.UtcNow.AddDays(30), version, http.RequestAborted),
                    _ => await moderation.UnfeatureAsync(tenant, moderator, contribution, version, http.RequestAborted),
                };
            }
            catch (VersionConflictException)
            {
                return Results.LocalRedirect("/moderation?conflict=1");
            }
            catch (SocialLearningForbiddenException e)
            {
                return Results.Problem(statusCode: 403, title: "Moderators only.", detail: e.Message);
            }
            catch (ArgumentException e)
            {
                return Results.Problem(statusCode: 400, title: "That cannot be done to this contribution.", detail: e.Message);
            }

            return Results.LocalRedirect("/moderation?done=1");
        }).RequireAuthorization();
    }

    private static string Reason(ReviewReason reason) => reason switch
    {
        ReviewReason.PendingReview => "Sent for review",
        ReviewReason.Hidden => "Hidden by flags",
        _ => "Flagged",
    };
}
