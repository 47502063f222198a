using System.Net;

namespace SocialLearning.AspNetCore.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task A_new_learner_gets_one_post_per_interval_then_429_with_retry_after()
    {
        await using var app = await TestApp.StartAsync(o => o.RateLimits.Enabled = true);
        var alice = app.Client("alice");

        await alice.ShareAsync("First post");
        var second = await alice.PostJsonAsync("contributions", """{"title":"Second post","body":"too soon"}""");

        var problem = await second.ProblemAsync(429);
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        var retryAfter = second.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 30);

        // Limits are per learner: another learner is not affected.
        await app.Client("bob").ShareAsync("Bob posts fine");
    }

    [Fact]
    public async Task Votes_over_the_daily_budget_answer_429()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.RateLimits.Enabled = true;
            o.RateLimits.VotesPerDay = 3;
            o.RateLimits.NewLearnerPostInterval = TimeSpan.FromMilliseconds(1);
            o.RateLimits.PostInterval = TimeSpan.FromMilliseconds(1);
        });
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await app.Client("author" + i).ShareAsync("Tip " + i));
        }

        var alice = app.Client("alice");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await alice.PostJsonAsync($"contributions/{ids[i]}/feedback", """{"kind":"Helpful"}""")).StatusCode);
        }

        var fourth = await alice.PostJsonAsync($"contributions/{ids[3]}/feedback", """{"kind":"Helpful"}""");
        await fourth.ProblemAsync(429);
        Assert.True(fourth.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Saving is not a vote and is not limited.
        Assert.Equal(HttpStatusCode.OK, (await alice.PostJsonAsync($"contributions/{ids[3]}/feedback", """{"kind":"Saved"}""")).StatusCode);
    }

    [Fact]
    public async Task Default_limits_are_the_published_ones()
    {
        var options = new SocialLearningRateLimitOptions();
        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.NewLearnerPostInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.PostInterval);
        Assert.Equal(40, options.VotesPerDay);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Invalid_options_fail_on_start_naming_the_option()
    {
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestApp.StartAsync(o => o.RateLimits.VotesPerDay = 0));
        Assert.Contains("RateLimits.VotesPerDay", e.Message, StringComparison.Ordinal);

        var xapi = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestApp.StartAsync(o =>
        {
            o.XApiActivityBaseUri = new Uri("https://app.example.com/no-slash");
            o.XApiAccountHomePage = new Uri("ftp://files.example.com/");
        }));
        Assert.Contains("SocialLearningWebOptions.XApiActivityBaseUri", xapi.Message, StringComparison.Ordinal);
        Assert.Contains("SocialLearningWebOptions.XApiAccountHomePage", xapi.Message, StringComparison.Ordinal);
    }
}
