using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Policies;
using Relay.Core.Snapshots;
using Relay.Core.Storage;
using Relay.Core.Usage;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Control;

/// <summary>
/// Opt-in content logging: off by default, switched on live through <c>PATCH /api/settings</c>; the stored bodies are
/// exactly what the client sent and received (Relay's own errors too), cut at <c>contentMaxBytes</c>, encrypted in the
/// database file, aged out by the retention job, deletable at once, and never written to a log line.
/// </summary>
public sealed class ContentLoggingTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private static string Prompt() => "content-marker-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Off_by_default_nothing_is_stored_and_events_say_hasContent_false()
    {
        await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();
        var settings = JsonDocument.Parse(await Relay.Admin.GetStringAsync("api/settings")).RootElement;
        Assert.False(settings.GetProperty("logContent").GetBoolean());
        Assert.Equal(7, settings.GetProperty("contentRetentionDays").GetInt32());
        Assert.Equal(262144, settings.GetProperty("contentMaxBytes").GetInt32());

        var prompt = Prompt();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(text: prompt))).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(stream: true, text: prompt))).Response.StatusCode);

        var events = await EventsAsync(2);
        Assert.All(events, e => Assert.False(e.GetProperty("hasContent").GetBoolean()));
        Assert.All(await Relay.UsageEventsAsync(), e => Assert.Null(e.Content));
        Assert.Equal(0, await ContentRowsAsync());
        using var missing = await Relay.Admin.GetAsync($"api/usage/events/{events[0].GetProperty("id").GetString()}/content");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Turned_on_live_it_stores_exactly_the_bytes_sent_and_received_for_messages_chat_and_responses()
    {
        var (_, accountName) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();
        await PatchSettingsAsync("""{"logContent":true}""");

        var prompt = Prompt();
        var plain = Requests.Messages(text: prompt + " plain");
        var streamed = Requests.Messages(stream: true, text: prompt + " streamed");
        var chat = $$"""{"model":"{{Requests.DefaultModel}}","messages":[{"role":"user","content":"{{prompt}} chat"}]}""";
        var (r1, b1) = await PostBytesAsync(client, "/v1/messages", plain);
        var (r2, b2) = await PostBytesAsync(client, "/v1/messages", streamed);
        var (r3, b3) = await PostBytesAsync(client, "/v1/chat/completions", chat);
        var responses = $$"""{"model":"{{Requests.DefaultModel}}","stream":true,"input":"{{prompt}} responses"}""";
        var (r4, b4) = await PostBytesAsync(client, "/v1/responses", responses);
        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r3.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r4.StatusCode);
        Assert.Contains("response.completed", Utf8(b4), StringComparison.Ordinal);
        Assert.Contains("event: message_stop", Utf8(b2), StringComparison.Ordinal);

        var events = await EventsAsync(4);
        Assert.All(events, e => Assert.True(e.GetProperty("hasContent").GetBoolean()));
        foreach (var (item, sent, received) in new[] { (events[0], plain, b1), (events[1], streamed, b2), (events[2], chat, b3), (events[3], responses, b4) })
        {
            var content = await ContentAsync(item);
            AssertBody(content.GetProperty("request"), Encoding.UTF8.GetBytes(sent), truncated: false);
            AssertBody(content.GetProperty("response"), received, truncated: false);
        }

        Assert.Equal(4, await ContentRowsAsync());
        AssertNoLogLineContains(prompt);

        // Content is encrypted at rest: the prompt appears nowhere in the database files (WAL included), where plain
        // text such as the account's name is found.
        Assert.True(DatabaseFilesContain(accountName), "the search should find plain text in the SQLite files");
        Assert.False(DatabaseFilesContain(prompt), "the prompt text is readable in the SQLite files");

        // The CSV export never carries content.
        var csv = await Relay.Admin.GetStringAsync("api/usage/events.csv");
        Assert.DoesNotContain(prompt, csv, StringComparison.Ordinal);
        Assert.DoesNotContain("hasContent", csv, StringComparison.Ordinal);

        // Turning it off stops capture and keeps what exists.
        await PatchSettingsAsync("""{"logContent":false}""");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(text: prompt))).Response.StatusCode);
        var after = await EventsAsync(5);
        Assert.False(after[4].GetProperty("hasContent").GetBoolean());
        Assert.Equal(4, await ContentRowsAsync());
    }

    [Fact]
    public async Task Bodies_longer_than_contentMaxBytes_are_cut_with_their_full_length_kept()
    {
        await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();
        await PatchSettingsAsync("""{"logContent":true,"contentMaxBytes":1024}""");

        var body = Requests.Messages(stream: true, text: Prompt() + new string('x', 3000));
        var (response, received) = await PostBytesAsync(client, "/v1/messages", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(received.Length > 1024, "the streamed answer should be longer than the limit for this test");

        var content = await ContentAsync(Assert.Single(await EventsAsync(1)));
        var sent = Encoding.UTF8.GetBytes(body);
        AssertBody(content.GetProperty("request"), sent, truncated: true, kept: 1024);
        AssertBody(content.GetProperty("response"), received, truncated: true, kept: 1024);
    }

    [Fact]
    public async Task Refusals_store_relays_own_error_body()
    {
        await AddAccountAsync("401");
        var (key, client) = await NewClientAsync();
        await PatchSettingsAsync("""{"logContent":true}""");

        // Failover exhausted: the only account refuses the credential, so Relay answers with its own 502.
        var prompt = Prompt();
        var failed = Requests.Messages(text: prompt);
        var (r1, b1) = await PostBytesAsync(client, "/v1/messages", failed);
        Assert.Equal(HttpStatusCode.BadGateway, r1.StatusCode);

        // A policy refusal (403) never reaches an upstream.
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], Models(allow: ["gpt-*"]), []));
        var denied = Requests.Messages(text: prompt + " denied");
        var (r2, b2) = await PostBytesAsync(client, "/v1/messages", denied);
        Assert.Equal(HttpStatusCode.Forbidden, r2.StatusCode);
        AssertAnthropicError(Utf8(b2), "permission_error");

        var events = await EventsAsync(2);
        foreach (var (item, sent, received) in new[] { (events[0], failed, b1), (events[1], denied, b2) })
        {
            var content = await ContentAsync(item);
            AssertBody(content.GetProperty("request"), Encoding.UTF8.GetBytes(sent), truncated: false);
            AssertBody(content.GetProperty("response"), received, truncated: false);
        }

        AssertNoLogLineContains(prompt);
    }

    [Fact]
    public async Task Retention_deletes_old_content_and_delete_all_empties_it()
    {
        await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();
        await PatchSettingsAsync("""{"logContent":true,"contentRetentionDays":2}""");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(text: Prompt()))).Response.StatusCode);
        }

        var events = await EventsAsync(3);
        Assert.Equal(3, await ContentRowsAsync());

        // The job with a clock two days minus a minute ahead keeps everything; two days and a minute ahead, nothing.
        var store = Relay.Services.GetRequiredService<IUsageStore>();
        var snapshots = Relay.Services.GetRequiredService<ISnapshotSource>();
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(0, await new UsageContentRetention(store, snapshots, new FixedClock(now.AddDays(2).AddMinutes(-1)), NullLogger<UsageContentRetention>.Instance).RunOnceAsync());
        Assert.Equal(3, await ContentRowsAsync());
        Assert.Equal(3, await new UsageContentRetention(store, snapshots, new FixedClock(now.AddDays(2).AddMinutes(1)), NullLogger<UsageContentRetention>.Instance).RunOnceAsync());
        Assert.Equal(0, await ContentRowsAsync());
        using (var gone = await Relay.Admin.GetAsync($"api/usage/events/{events[0].GetProperty("id").GetString()}/content"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // The events themselves stay.
        Assert.All(await EventsAsync(3), e => Assert.False(e.GetProperty("hasContent").GetBoolean()));

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(text: Prompt()))).Response.StatusCode);
        }

        await EventsAsync(5);
        using var deleted = await Relay.Admin.DeleteAsync("api/usage/content");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("2", string.Join(",", deleted.Headers.GetValues("Relay-Deleted-Count")));
        Assert.Equal(0, await ContentRowsAsync());
        Assert.Equal(5, (await EventsAsync(5)).Count);
    }

    [Fact]
    public async Task Settings_out_of_range_are_a_400_naming_the_field()
    {
        foreach (var (body, field) in new[]
        {
            ("""{"contentRetentionDays":0}""", "contentRetentionDays"),
            ("""{"contentRetentionDays":366}""", "contentRetentionDays"),
            ("""{"contentMaxBytes":1023}""", "contentMaxBytes"),
            ("""{"contentMaxBytes":4194305}""", "contentMaxBytes"),
            ("""{"logContent":null}""", "logContent"),
            ("""{"logContent":"yes"}""", "logContent"),
        })
        {
            using var response = await Relay.Admin.PatchAsync("api/settings", Requests.Json(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body + " → " + text);
            Assert.Contains(field, text, StringComparison.Ordinal);
        }

        var ok = await PatchSettingsAsync("""{"contentRetentionDays":365,"contentMaxBytes":4194304}""");
        Assert.Equal(365, ok.GetProperty("contentRetentionDays").GetInt32());
        Assert.Equal(4194304, ok.GetProperty("contentMaxBytes").GetInt32());
        Assert.False(ok.GetProperty("logContent").GetBoolean());
    }

    [Fact]
    public async Task Status_shows_contentDropped()
    {
        var status = JsonDocument.Parse(await Relay.Admin.GetStringAsync("api/status")).RootElement;
        Assert.Equal(0, status.GetProperty("usageQueue").GetProperty("contentDropped").GetInt64());
    }

    private static void AssertBody(JsonElement body, byte[] expected, bool truncated, int? kept = null)
    {
        Assert.Equal(expected.Length, body.GetProperty("bytes").GetInt64());
        Assert.Equal(truncated, body.GetProperty("truncated").GetBoolean());
        var expectedText = Encoding.UTF8.GetString(expected, 0, kept ?? expected.Length);
        Assert.Equal(expectedText, body.GetProperty("text").GetString());
    }

    private void AssertNoLogLineContains(string text)
    {
        var lines = Relay.Logs.Where(l => l.Text.Contains(text, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 0, "Prompt in log lines:\n" + string.Join("\n", lines));
    }

    private bool DatabaseFilesContain(string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var path in Directory.GetFiles(Relay.DataDir, "relay.db*"))
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            file.CopyTo(copy);
            if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<JsonElement> PatchSettingsAsync(string body)
    {
        using var response = await Relay.Admin.PatchAsync("api/settings", Requests.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The event log oldest first, once <paramref name="count"/> events are written.</summary>
    private async Task<List<JsonElement>> EventsAsync(int count)
    {
        await Relay.WaitForUsageAsync(count);
        var page = JsonDocument.Parse(await Relay.Admin.GetStringAsync("api/usage/events?limit=500")).RootElement.Clone();
        var items = page.GetProperty("items").EnumerateArray().Reverse().ToList();
        Assert.Equal(count, items.Count);
        return items;
    }

    private async Task<JsonElement> ContentAsync(JsonElement item)
    {
        using var response = await Relay.Admin.GetAsync($"api/usage/events/{item.GetProperty("id").GetString()}/content");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<long> ContentRowsAsync()
    {
        await Relay.FlushUsageAsync();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Relay.DataDir, "relay.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM usage_content";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
