using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Snapshots;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary>Stickiness, failover and timeout settings changed through <c>PATCH /api/settings</c> apply to the next request, no restart.</summary>
public sealed class LiveForwardingSettingsTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    protected override RelayServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["StreamFirstByteTimeoutSeconds"] = "30",
            ["MaxAttempts"] = "4",
            ["StickyTtlSeconds"] = "900",
        },
    };

    [Fact]
    public async Task Get_shows_the_process_settings_until_overridden_and_null_returns_to_them()
    {
        var defaults = await SettingsAsync();
        Assert.Equal(900, defaults.GetProperty("stickyTtlSeconds").GetInt32());
        Assert.Equal(4, defaults.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(30, defaults.GetProperty("streamFirstByteTimeoutSeconds").GetInt32());
        Assert.Equal(3, defaults.GetProperty("firstByteTimeoutSeconds").GetInt32());
        Assert.Equal(2, defaults.GetProperty("streamIdleTimeoutSeconds").GetInt32());
        Assert.Empty(defaults.GetProperty("overridden").EnumerateArray());

        var patched = await PatchAsync("""{"stickyTtlSeconds":0,"maxAttempts":10,"firstByteTimeoutSeconds":3600,"streamIdleTimeoutSeconds":1}""");
        Assert.Equal(0, patched.GetProperty("stickyTtlSeconds").GetInt32());
        Assert.Equal(10, patched.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(3600, patched.GetProperty("firstByteTimeoutSeconds").GetInt32());
        Assert.Equal(1, patched.GetProperty("streamIdleTimeoutSeconds").GetInt32());
        Assert.Equal(30, patched.GetProperty("streamFirstByteTimeoutSeconds").GetInt32());
        Assert.Equal(
            ["stickyTtlSeconds", "maxAttempts", "firstByteTimeoutSeconds", "streamIdleTimeoutSeconds"],
            patched.GetProperty("overridden").EnumerateArray().Select(f => f.GetString()));

        // A patch of other fields keeps the overrides; null gives a field back to the process setting.
        Assert.Equal(10, (await PatchAsync("""{"dayResetHour":3}""")).GetProperty("maxAttempts").GetInt32());
        var reset = await PatchAsync("""{"maxAttempts":null,"stickyTtlSeconds":null}""");
        Assert.Equal(4, reset.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(900, reset.GetProperty("stickyTtlSeconds").GetInt32());
        Assert.Equal(3600, reset.GetProperty("firstByteTimeoutSeconds").GetInt32());

        // What the request path reads: the snapshot carries the effective values.
        var forwarding = Relay.Services.GetRequiredService<ISnapshotSource>().Current.Forwarding;
        Assert.Equal((4, TimeSpan.FromSeconds(900), TimeSpan.FromSeconds(3600)), (forwarding.MaxAttempts, forwarding.StickyTtl, forwarding.FirstByteTimeout));
    }

    [Fact]
    public async Task Max_attempts_of_one_stops_failover_at_once()
    {
        var (_, failingPrefix) = await AddAccountAsync("500", priority: 1);
        var (_, goodPrefix) = await AddAccountAsync("ok", priority: 2);
        var (_, client) = await NewClientAsync();
        await PatchAsync("""{"maxAttempts":1}""");

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Fake.Count(failingPrefix));
        Assert.Equal(0, Fake.Count(goodPrefix));
        Assert.Equal(1, Assert.Single(await Relay.WaitForUsageAsync(1)).Attempts);
    }

    [Fact]
    public async Task A_short_stream_first_byte_timeout_makes_a_silent_upstream_fail_over()
    {
        var (silent, silentPrefix) = await AddAccountAsync("silent", priority: 1);
        var (good, goodPrefix) = await AddAccountAsync("ok", priority: 2);
        var (_, client) = await NewClientAsync();
        await PatchAsync("""{"streamFirstByteTimeoutSeconds":1}""");

        var clock = Stopwatch.StartNew();
        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));

        // The process setting (30 s) would have held the stream far longer than the fake's patience for this test.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
        Assert.Equal(1, Fake.Count(silentPrefix));
        Assert.Equal(1, Fake.Count(goodPrefix));
        Assert.Equal(good.Id, Assert.Single(await Relay.WaitForUsageAsync(1)).AccountId);
        Assert.Equal("cooling", (await Relay.GetAccountAsync(silent.Id)).State);
    }

    private async Task<JsonElement> SettingsAsync() =>
        JsonDocument.Parse(await Relay.Admin.GetStringAsync("api/settings")).RootElement.Clone();

    private async Task<JsonElement> PatchAsync(string body)
    {
        using var response = await Relay.Admin.PatchAsync("api/settings", Requests.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
