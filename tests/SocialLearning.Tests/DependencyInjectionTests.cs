using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SocialLearning.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public void Registering_twice_registers_each_service_once_and_returns_the_same_builder()
    {
        var services = new ServiceCollection();
        var first = services.AddSocialLearning().UseInMemoryStorage();
        var second = services.AddSocialLearning(o => o.MaxTitleLength = 120).UseInMemoryStorage();

        Assert.Same(first, second);
        Assert.Single(services, d => d.ServiceType == typeof(IContributionService));
        Assert.Single(services, d => d.ServiceType == typeof(ISocialLearningStore));
        using var provider = services.BuildServiceProvider();
        Assert.Equal(120, provider.GetRequiredService<IOptions<SocialLearningOptions>>().Value.MaxTitleLength);
    }

    [Fact]
    public void A_missing_store_is_reported_naming_the_methods_that_add_one()
    {
        var services = new ServiceCollection();
        services.AddSocialLearning();
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SocialLearningOptions>>().Value);
        Assert.Contains("UseInMemoryStorage()", e.Message, StringComparison.Ordinal);
        Assert.Contains("UseSqliteStorage", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_fail_with_messages_that_name_each_option()
    {
        var services = new ServiceCollection();
        services.AddSocialLearning(o =>
        {
            o.MaxTitleLength = 0;
            o.AutoHideFlagThreshold = -1;
            o.ProficiencyHalfLife = TimeSpan.Zero;
            o.TrustedFlaggerMinimumAge = TimeSpan.FromSeconds(-1);
            o.ModeratorRole = " ";
        }).UseInMemoryStorage();
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SocialLearningOptions>>().Value);
        Assert.Contains("SocialLearningOptions.MaxTitleLength", e.Message, StringComparison.Ordinal);
        Assert.Contains("SocialLearningOptions.AutoHideFlagThreshold", e.Message, StringComparison.Ordinal);
        Assert.Contains("SocialLearningOptions.ProficiencyHalfLife", e.Message, StringComparison.Ordinal);
        Assert.Contains("SocialLearningOptions.TrustedFlaggerMinimumAge", e.Message, StringComparison.Ordinal);
        Assert.Contains("SocialLearningOptions.ModeratorRole", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_supplied_TimeProvider_is_kept()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSocialLearning().UseInMemoryStorage();
        using var provider = services.BuildServiceProvider();
        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }
}
