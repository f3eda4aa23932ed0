using System.Text.Json;
using Relay.Core.Policies;
using Relay.Core.Settings;

namespace Relay.Core.Tests.Settings;

public sealed class RelaySettingsJsonTests
{
    private static readonly RelaySettings Berlin = new()
    {
        TimeZone = "Europe/Berlin",
        WeekStartsOn = DayOfWeek.Sunday,
        DayResetHour = 4,
        ClientPatterns = [new ClientPattern("ci-bot", "acme-ci/*")],
    };

    [Fact]
    public void Writes_the_control_api_shape_and_reads_it_back()
    {
        var json = RelaySettingsJson.Serialize(Berlin);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("Europe/Berlin", root.GetProperty("timeZone").GetString());
        Assert.Equal("sunday", root.GetProperty("weekStartsOn").GetString());
        Assert.Equal(4, root.GetProperty("dayResetHour").GetInt32());
        Assert.Equal("acme-ci/*", root.GetProperty("clientPatterns")[0].GetProperty("userAgent").GetString());

        var read = RelaySettingsJson.Parse(json);
        Assert.Equal(Berlin.TimeZone, read.TimeZone);
        Assert.Equal(Berlin.WeekStartsOn, read.WeekStartsOn);
        Assert.Equal(Berlin.DayResetHour, read.DayResetHour);
        Assert.Equal(Berlin.ClientPatterns, read.ClientPatterns);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("""{"timeZone":"Mars/Olympus"}""")]
    [InlineData("""{"dayResetHour":25}""")]
    [InlineData("""{"weekStartsOn":"someday"}""")]
    [InlineData("""{"dayResetHour":"4"}""")]
    [InlineData("""{"clientPatterns":[{"family":"x"}]}""")]
    public void Absent_unreadable_or_invalid_values_give_the_defaults(string? json)
    {
        var read = RelaySettingsJson.Parse(json);

        Assert.Same(RelaySettings.Default, read);
    }

    [Fact]
    public void Unknown_members_from_a_newer_build_are_ignored_and_missing_ones_default()
    {
        var read = RelaySettingsJson.Parse("""{"timeZone":"Europe/Berlin","weekStartsOn":"Tuesday","futureThing":{"a":1},"clientPatterns":null}""");

        Assert.Equal("Europe/Berlin", read.TimeZone);
        Assert.Equal(DayOfWeek.Tuesday, read.WeekStartsOn);
        Assert.Equal(0, read.DayResetHour);
        Assert.Empty(read.ClientPatterns);
    }

    [Fact]
    public void Rewriting_keeps_members_this_build_does_not_know()
    {
        var stored = """{"timeZone":"UTC","futureThing":{"a":1},"dayResetHour":3}""";

        var json = RelaySettingsJson.Serialize(Berlin, stored);

        using var document = JsonDocument.Parse(json);
        Assert.Equal(1, document.RootElement.GetProperty("futureThing").GetProperty("a").GetInt32());
        Assert.Equal(4, document.RootElement.GetProperty("dayResetHour").GetInt32());
        Assert.Equal("Europe/Berlin", RelaySettingsJson.Parse(json).TimeZone);
        Assert.Equal(RelaySettingsJson.Serialize(Berlin), RelaySettingsJson.Serialize(Berlin, "garbage"));
    }

    [Fact]
    public void Forwarding_overrides_round_trip_and_apply_over_the_process_settings()
    {
        var live = RelaySettingsJson.Parse(RelaySettingsJson.Serialize(new RelaySettings { MaxAttempts = 1, StreamIdleTimeoutSeconds = 30 }));
        Assert.Equal((1, 30, (int?)null), (live.MaxAttempts, live.StreamIdleTimeoutSeconds, live.StickyTtlSeconds));

        var process = ForwardingSettings.FromSeconds(stickyTtl: 900, maxAttempts: 4, streamFirstByte: 20, firstByte: 100, streamIdle: 200);
        var effective = process.With(live);
        Assert.Equal(1, effective.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), effective.StreamIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(900), effective.StickyTtl);
        Assert.Equal(TimeSpan.FromSeconds(20), effective.StreamFirstByteTimeout);

        // An out-of-range stored value is refused like any invalid setting: the request path falls back to defaults.
        Assert.Null(RelaySettingsJson.Parse("""{"maxAttempts":50}""").MaxAttempts);
    }
}
