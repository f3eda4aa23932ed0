using Relay.Core.Settings;
using Relay.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Server.Tests.Control;

public sealed class SettingsApiTests
{
    [Fact]
    public async Task Defaults_then_patch_is_stored_shown_and_partial_patches_keep_the_rest()
    {
        await using var server = await ControlServer.StartAsync();
        var defaults = ControlServer.Parse((await server.GetAsync("api/settings")).Text);
        Assert.Equal("UTC", defaults.GetProperty("timeZone").GetString());
        Assert.Equal("monday", defaults.GetProperty("weekStartsOn").GetString());
        Assert.Equal(0, defaults.GetProperty("dayResetHour").GetInt32());
        Assert.Empty(defaults.GetProperty("clientPatterns").EnumerateArray());

        var (status, text) = await server.PatchAsync("api/settings", """
            {"timeZone":"Europe/Berlin","weekStartsOn":"Sunday","dayResetHour":4,"clientPatterns":[{"family":"ci-bot","userAgent":"acme-ci/*"}]}
            """);
        Assert.True(status == 200, text);
        var view = ControlServer.Parse(text);
        Assert.Equal("Europe/Berlin", view.GetProperty("timeZone").GetString());
        Assert.Equal("sunday", view.GetProperty("weekStartsOn").GetString());
        Assert.Equal(4, view.GetProperty("dayResetHour").GetInt32());
        Assert.Equal("acme-ci/*", view.GetProperty("clientPatterns")[0].GetProperty("userAgent").GetString());
        Assert.Equal(text, (await server.GetAsync("api/settings")).Text);

        // Stored where the snapshot builder reads it, in the shape RelaySettingsJson reads.
        var store = server.App.Services.GetRequiredService<IConfigStore>();
        var stored = RelaySettingsJson.Parse(await store.GetSettingAsync(RelaySettings.StorageName));
        Assert.Equal("Europe/Berlin", stored.TimeZone);
        Assert.Equal(DayOfWeek.Sunday, stored.WeekStartsOn);
        Assert.Equal("ci-bot", Assert.Single(stored.ClientPatterns).Family);

        var partial = ControlServer.Parse((await server.PatchAsync("api/settings", """{"dayResetHour":6}""")).Text);
        Assert.Equal(6, partial.GetProperty("dayResetHour").GetInt32());
        Assert.Equal("Europe/Berlin", partial.GetProperty("timeZone").GetString());
        Assert.Equal(1, partial.GetProperty("clientPatterns").GetArrayLength());
    }

    [Fact]
    public async Task A_value_written_by_a_newer_build_survives_a_patch()
    {
        await using var server = await ControlServer.StartAsync();
        var store = server.App.Services.GetRequiredService<IConfigStore>();
        await store.SetSettingAsync(RelaySettings.StorageName, """{"timeZone":"Asia/Tokyo","fromTheFuture":true}""");

        Assert.Equal("Asia/Tokyo", ControlServer.Parse((await server.GetAsync("api/settings")).Text).GetProperty("timeZone").GetString());
        Assert.Equal(200, (await server.PatchAsync("api/settings", """{"dayResetHour":2}""")).Status);

        Assert.Contains("\"fromTheFuture\":true", await store.GetSettingAsync(RelaySettings.StorageName), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"timeZone":"Mars/Olympus"}""", "timeZone")]
    [InlineData("""{"timeZone":7}""", "timeZone")]
    [InlineData("""{"weekStartsOn":"someday"}""", "weekStartsOn")]
    [InlineData("""{"weekStartsOn":"1"}""", "weekStartsOn")]
    [InlineData("""{"dayResetHour":24}""", "dayResetHour")]
    [InlineData("""{"dayResetHour":"4"}""", "dayResetHour")]
    [InlineData("""{"clientPatterns":[{"family":"x"}]}""", "clientPatterns[0]")]
    [InlineData("""{"clientPatterns":[{"family":"x","userAgent":"y","ua":"z"}]}""", "clientPatterns[0].ua")]
    [InlineData("""{"timezone":"UTC","colour":"red"}""", "colour")]
    [InlineData("""{"dayResetHour":null}""", "dayResetHour")]
    [InlineData("""{"stickyTtlSeconds":-1}""", "stickyTtlSeconds")]
    [InlineData("""{"stickyTtlSeconds":604801}""", "stickyTtlSeconds")]
    [InlineData("""{"maxAttempts":0}""", "maxAttempts")]
    [InlineData("""{"maxAttempts":11}""", "maxAttempts")]
    [InlineData("""{"maxAttempts":"3"}""", "maxAttempts")]
    [InlineData("""{"maxAttempts":2.5}""", "maxAttempts")]
    [InlineData("""{"streamFirstByteTimeoutSeconds":0}""", "streamFirstByteTimeoutSeconds")]
    [InlineData("""{"firstByteTimeoutSeconds":3601}""", "firstByteTimeoutSeconds")]
    [InlineData("""{"streamIdleTimeoutSeconds":-5}""", "streamIdleTimeoutSeconds")]
    public async Task Invalid_patches_are_a_400_naming_the_field_and_change_nothing(string body, string field)
    {
        await using var server = await ControlServer.StartAsync();
        var before = (await server.GetAsync("api/settings")).Text;

        var response = await server.PatchAsync("api/settings", body);

        ControlServer.AssertError(400, "invalid_request", response);
        Assert.Contains(field, response.Text, StringComparison.Ordinal);
        Assert.Equal(before, (await server.GetAsync("api/settings")).Text);
    }
}
