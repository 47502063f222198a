using System.Net;

namespace SocialLearning.AspNetCore.Tests;

/// <summary>
/// Probes every endpoint from one tenant with another tenant's ids, skills, contexts and idempotency keys.
/// Another tenant's record must answer 404 (never 403, which would confirm it exists) and no answer may
/// carry any of its text.
/// </summary>
public sealed class CrossTenantTests
{
    private const string Marker = "GLOBEXSECRET";

    [Fact]
    public async Task Five_hundred_cross_tenant_probes_leak_nothing()
    {
        await using var app = await TestApp.StartAsync();
        var globexIds = new List<string>();
        var zoe = app.Client("zoe", "globex", name: "Zoe " + Marker);
        var zed = app.Client("zed", "globex", name: "Zed " + Marker);
        await app.DefineSkillAsync("globex", "gx-only-skill", "Skill " + Marker);
        for (var i = 0; i < 30; i++)
        {
            var author = i % 2 == 0 ? zoe : zed;
            globexIds.Add(await author.ShareAsync($"{Marker} tip {i}", $"Body {Marker} {i}", contexts: "\"route:/invoices/new\",\"feature:export\"", skills: "\"gx-only-skill\",\"invoicing\""));
        }

        var draft = await zoe.PostJsonAsync("contributions", $$"""{"title":"{{Marker}} draft","body":"{{Marker}}","status":"Draft","contextKeys":["route:/invoices/new"]}""");
        globexIds.Add((await draft.JsonAsync()).GetProperty("id").GetString()!);
        var replayed = await zoe.PostJsonAsync("contributions", $$"""{"title":"{{Marker}} keyed","body":"{{Marker}}","contextKeys":["route:/invoices/new"]}""", idempotencyKey: "shared-key");
        globexIds.Add((await replayed.JsonAsync()).GetProperty("id").GetString()!);

        // The same learner ids exist in acme: ids collide across tenants, data must not.
        var acmeLearners = new[] { app.Client("zoe", "acme"), app.Client("zed", "acme"), app.Client("alice", "acme") };
        var acmeModerator = app.Client("mona", "acme", roles: "moderator");
        await acmeLearners[2].ShareAsync("Acme's own tip", "acme body", contexts: "\"route:/invoices/new\"", skills: "\"invoicing\"");

        var probes = 0;
        var leaks = new List<string>();
        async Task Probe(string what, Task<HttpResponseMessage> call, bool mustBe404)
        {
            probes++;
            var response = await call;
            var body = await response.Content.ReadAsStringAsync();
            if (body.Contains(Marker, StringComparison.OrdinalIgnoreCase))
            {
                leaks.Add($"{what}: body carries the other tenant's text: {body[..Math.Min(body.Length, 300)]}");
            }

            if (mustBe404 && response.StatusCode != HttpStatusCode.NotFound)
            {
                leaks.Add($"{what}: expected 404, got {(int)response.StatusCode}");
            }

            if ((int)response.StatusCode >= 500)
            {
                leaks.Add($"{what}: server error {(int)response.StatusCode}");
            }
        }

        foreach (var client in acmeLearners)
        {
            foreach (var id in globexIds)
            {
                await Probe($"GET {id}", client.GetAsync($"contributions/{id}"), true);
                await Probe($"PUT {id}", client.PostJsonAsync($"contributions/{id}", """{"title":"hijack"}""", ifMatch: "\"1\"", method: "PUT"), true);
                foreach (var kind in new[] { "Helpful", "NotHelpful", "Saved", "Dismissed" })
                {
                    await Probe($"feedback {kind} {id}", client.PostJsonAsync($"contributions/{id}/feedback", $$"""{"kind":"{{kind}}"}"""), true);
                }

                await Probe($"flag {id}", client.PostJsonAsync($"contributions/{id}/flag", """{"reason":"probe"}"""), true);
            }

            await Probe("tips", client.GetAsync("tips?context=route:/invoices/new&context=feature:export&skills=gx-only-skill,invoicing&k=20"), false);
            await Probe("tips text", client.GetAsync("tips?context=route:/invoices/new&q=" + Marker + "&k=20"), false);
            await Probe("peers", client.GetAsync("peers?skills=gx-only-skill,invoicing&k=20"), false);
            await Probe("peers text", client.GetAsync("peers?q=" + Marker), false);
            await Probe("learning path", client.GetAsync("learning-path?target=gx-only-skill"), false);
            await Probe("skills", client.GetAsync("skills"), false);
            await Probe("skill search", client.GetAsync("skills/search?q=" + Marker + "&limit=100"), false);
            await Probe("skill search by id", client.GetAsync("skills/search?q=gx-only-skill"), false);

            // The other tenant's skill name does not resolve (the answer echoes the caller's own text, so it is not a Probe).
            var byName = await client.PostJsonAsync("contributions", $$"""{"title":"acme","body":"acme","skills":["Skill {{Marker}}"]}""");
            if (byName.IsSuccessStatusCode)
            {
                leaks.Add($"share by the other tenant's skill name: resolved ({(int)byName.StatusCode})");
            }
            await Probe("me", client.GetAsync("me"), false);
            await Probe("skill graph edge to the other tenant's skill", acmeModerator.PostJsonAsync("moderation/skills", """{"skills":[{"id":"acme-own","name":"Own"}],"edges":[{"from":"acme-own","to":"gx-only-skill","kind":"Related"}]}""", method: "PUT"), true);
            await Probe("idempotency replay", client.PostJsonAsync("contributions", """{"title":"acme keyed","body":"acme","contextKeys":["route:/invoices/new"]}""", idempotencyKey: "shared-key"), false);
        }

        Assert.True(probes >= 500, $"only {probes} probes ran");
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks in {probes} probes:\n" + string.Join("\n", leaks.Take(20)));

        // Nothing the probes tried changed the other tenant's data.
        var globexSkill = await app.Store.GetSkillAsync(new TenantId("globex"), new SkillId("gx-only-skill"));
        Assert.Equal(("Skill " + Marker, 1L), (globexSkill!.Name, globexSkill.Version));
        Assert.Null(await app.Store.GetSkillAsync(new TenantId("acme"), new SkillId("acme-own"))); // refused whole
        foreach (var id in globexIds)
        {
            var stored = await app.Store.GetContributionAsync(new TenantId("globex"), new ContributionId(id));
            Assert.NotNull(stored);
            Assert.Equal(1, stored.Version);
            Assert.Equal(ContributionCounters.Zero, await app.Store.GetCountersAsync(new TenantId("globex"), new ContributionId(id)));
        }
    }
}
