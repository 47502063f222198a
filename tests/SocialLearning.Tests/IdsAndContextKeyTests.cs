namespace SocialLearning.Tests;

public sealed class IdsAndContextKeyTests
{
    [Theory]
    [InlineData("route:/invoices/new")]
    [InlineData("feature:export")]
    [InlineData("app-2:screen/3?tab=a")]
    public void Valid_context_keys_parse_and_keep_their_text(string text)
    {
        var key = ContextKey.Parse(text);
        Assert.Equal(text, key.Value);
        Assert.Equal(text[..text.IndexOf(':', StringComparison.Ordinal)], key.Scheme);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("noscheme", "scheme:value")]
    [InlineData(":value", "scheme:value")]
    [InlineData("Route:/x", "lower-case letter")]
    [InlineData("ro_ute:/x", "lower-case letters, digits")]
    [InlineData("route:", "empty")]
    [InlineData("route:/a b", "white space")]
    [InlineData("1route:/x", "lower-case letter")]
    public void Invalid_context_keys_are_rejected_with_the_field_and_reason(string text, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => ContextKey.Parse(text, "request.ContextKeys[0]"));
        Assert.Equal("request.ContextKeys[0]", e.ParamName);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(ContextKey.TryParse(text, out _));
    }

    [Theory]
    [InlineData("esco-3a2d", true)]
    [InlineData("sales tax", false)]
    [InlineData("  ", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("tab\there", false)]
    public void SkillId_TryCreate_follows_the_constructors_rules_without_throwing(string? text, bool valid)
    {
        Assert.Equal(valid, SkillId.TryCreate(text, out var id));
        Assert.Equal(valid ? text : null, id.Value);
        Assert.Equal(valid, Record.Exception(() => new SkillId(text!)) is null);
        Assert.False(SkillId.TryCreate(new string('s', 129), out _));
        Assert.True(SkillId.TryCreate(new string('s', 128), out _));
    }

    [Fact]
    public void A_context_key_value_longer_than_256_characters_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ContextKey.Parse("route:" + new string('a', 257)));
        Assert.Equal(262, ContextKey.Parse("route:" + new string('a', 256)).Value.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    public void Ids_with_blank_or_white_space_text_are_rejected(string text)
    {
        Assert.Throws<ArgumentException>(() => new LearnerId(text));
        Assert.Throws<ArgumentException>(() => new TenantId(text));
        Assert.Throws<ArgumentException>(() => new SkillId(text));
        Assert.Throws<ArgumentException>(() => new ContributionId(text));
    }

    [Fact]
    public void Ids_longer_than_128_characters_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new LearnerId(new string('x', 129)));
        Assert.Contains("128", e.Message, StringComparison.Ordinal);
        Assert.Equal(128, new LearnerId(new string('x', 128)).Value.Length);
    }

    [Fact]
    public void Ids_compare_by_value_and_default_is_detectable()
    {
        Assert.Equal(new SkillId("excel"), new SkillId("excel"));
        Assert.NotEqual(new SkillId("excel"), new SkillId("Excel"));
        Assert.True(default(SkillId).IsDefault);
        Assert.False(new SkillId("x").IsDefault);
        Assert.NotEqual(ContributionId.New(), ContributionId.New());
    }
}
