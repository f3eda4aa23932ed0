using Relay.Core.Settings;

namespace Relay.Core.Tests.Settings;

public sealed class ContentSettingsTests
{
    [Fact]
    public void Off_by_default_with_seven_days_and_256_KiB()
    {
        var defaults = RelaySettingsJson.Parse(null);
        Assert.False(defaults.LogContent);
        Assert.Equal(7, defaults.ContentRetentionDays);
        Assert.Equal(262_144, defaults.ContentMaxBytes);

        // Settings stored by a build that knew nothing of content logging read as off.
        Assert.False(RelaySettingsJson.Parse("""{"timeZone":"UTC","dayResetHour":2}""").LogContent);
    }

    [Fact]
    public void Round_trips_and_validates_the_ranges()
    {
        var on = RelaySettings.Default with { LogContent = true, ContentRetentionDays = 30, ContentMaxBytes = 1024 };
        var read = RelaySettingsJson.Parse(RelaySettingsJson.Serialize(on));
        Assert.Equal((true, 30, 1024), (read.LogContent, read.ContentRetentionDays, read.ContentMaxBytes));

        Assert.Contains("contentRetentionDays", (RelaySettings.Default with { ContentRetentionDays = 0 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("contentRetentionDays", (RelaySettings.Default with { ContentRetentionDays = 366 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("contentMaxBytes", (RelaySettings.Default with { ContentMaxBytes = 1023 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("contentMaxBytes", (RelaySettings.Default with { ContentMaxBytes = 4_194_305 }).Validate(), StringComparison.Ordinal);
        Assert.Null((RelaySettings.Default with { ContentRetentionDays = 365, ContentMaxBytes = 4_194_304 }).Validate());

        // An invalid stored value never reaches the request path: the whole value falls back to the defaults (off).
        Assert.False(RelaySettingsJson.Parse("""{"logContent":true,"contentMaxBytes":5}""").LogContent);
    }
}
