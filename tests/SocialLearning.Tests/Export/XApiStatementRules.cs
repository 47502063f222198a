using System.Globalization;
using System.Text.Json.Nodes;

namespace SocialLearning.Tests.Export;

/// <summary>
/// The xAPI 1.0.3 Data rules (github.com/adlnet/xAPI-Spec, xAPI-Data.md) for the properties the exporter writes. Shared
/// with the evaluation tests, which run it over a whole StackExchange dump.
/// </summary>
internal static class XApiStatementRules
{
    public static void AssertValid(JsonObject s)
    {
        var id = Guid.ParseExact(s["id"]!.GetValue<string>(), "D");
        Assert.Equal('5', id.ToString("D")[14]);
        Assert.Contains(id.ToString("D")[19], "89ab");

        var actor = s["actor"]!.AsObject();
        Assert.Equal("Agent", actor["objectType"]!.GetValue<string>());
        var identifiers = new[] { "mbox", "mbox_sha1sum", "openid", "account" }.Count(actor.ContainsKey);
        Assert.Equal(1, identifiers);
        AbsoluteIri(actor["account"]!["homePage"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(actor["account"]!["name"]!.GetValue<string>()));

        AbsoluteIri(s["verb"]!["id"]!.GetValue<string>());
        LanguageMap(s["verb"]!["display"]!.AsObject());

        var activity = s["object"]!.AsObject();
        Assert.Equal("Activity", activity["objectType"]!.GetValue<string>());
        AbsoluteIri(activity["id"]!.GetValue<string>());
        if (activity["definition"]!["name"] is JsonObject name)
        {
            LanguageMap(name);
        }
        AbsoluteIri(activity["definition"]!["type"]!.GetValue<string>());

        // xAPI Data 2.4.5: score.scaled is a decimal from -1 to 1.
        if (s["result"]?["score"] is JsonObject score)
        {
            Assert.InRange(score["scaled"]!.GetValue<double>(), -1, 1);
        }

        var timestamp = s["timestamp"]!.GetValue<string>();
        Assert.True(DateTimeOffset.TryParseExact(timestamp, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), timestamp);

        var context = s["context"]!.AsObject();
        foreach (var (_, value) in context["extensions"]!.AsObject())
        {
            Assert.NotNull(value);
        }

        foreach (var (key, _) in context["extensions"]!.AsObject())
        {
            AbsoluteIri(key);
        }

        if (context["contextActivities"] is JsonObject activities)
        {
            foreach (var (key, list) in activities)
            {
                Assert.Contains(key, new[] { "parent", "grouping", "category", "other" });
                foreach (var item in list!.AsArray())
                {
                    AbsoluteIri(item!["id"]!.GetValue<string>());
                }
            }
        }

        Assert.All(s.Select(p => p.Key), key => Assert.Contains(key, new[] { "id", "actor", "verb", "object", "result", "context", "timestamp" }));
    }

    private static void AbsoluteIri(string value) => Assert.True(Uri.TryCreate(value, UriKind.Absolute, out _), $"'{value}' is not an absolute IRI");

    private static void LanguageMap(JsonObject map)
    {
        Assert.NotEmpty(map);
        foreach (var (tag, text) in map)
        {
            Assert.Matches("^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$", tag);
            Assert.False(string.IsNullOrEmpty(text!.GetValue<string>()));
        }
    }
}
