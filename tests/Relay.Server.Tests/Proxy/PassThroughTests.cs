using System.Net;
using System.Text.Json;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>Same-shape Anthropic traffic goes through untouched: paths, query, headers, body and stream bytes.</summary>
public sealed class PassThroughTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Theory]
    [InlineData("/v1/messages")]
    [InlineData("/claude/v1/messages")]
    [InlineData("/api/v1/messages")]
    public async Task Streamed_answer_reaches_the_client_byte_for_byte(string path)
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostBytesAsync(client, path, Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Equal("/v1/messages", sent.PathAndQuery);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.TextStream, Requests.DefaultModel), sent.ResponseBytes);
        Assert.Equal(sent.ResponseBytes, body);
        Assert.Equal("text/event-stream", ContentType(response)?.MediaType);
        Assert.Equal("no", Header(response, "X-Accel-Buffering"));
        Assert.Null(Header(response, "Content-Encoding"));
        Assert.Equal("req_fake_" + sent.Sequence, Header(response, "request-id"));
    }

    [Theory]
    [InlineData("/v1/messages")]
    [InlineData("/claude/v1/messages")]
    [InlineData("/api/v1/messages")]
    public async Task Non_streamed_answer_reaches_the_client_unchanged(string path)
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostBytesAsync(client, path, Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.TextJson, Requests.DefaultModel), body);
        Assert.Equal("application/json", ContentType(response)?.MediaType);
        Assert.Single(Fake.Requests(prefix));
    }

    [Fact]
    public async Task Query_string_is_preserved_upstream()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages?beta=true", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/messages?beta=true", Assert.Single(Fake.Requests(prefix)).PathAndQuery);
    }

    [Fact]
    public async Task Request_body_reaches_upstream_byte_for_byte()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();

        // Odd spacing, key order, escapes and non-ASCII: any re-serialisation would show.
        const string body = "{ \"max_tokens\" : 64,\n  \"model\":\"claude-sonnet-4-5\", \"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"h\\u00e9llo \\\"q\\\" — ✓\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]}],\"system\":[{\"type\":\"text\",\"text\":\"sys\"}] }";
        var (response, _) = await PostAsync(client, "/v1/messages", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(body), Assert.Single(Fake.Requests(prefix)).Body);
    }

    [Fact]
    public async Task Client_headers_pass_through_and_the_relay_key_is_replaced_by_the_account_secret()
    {
        var (account, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true), request =>
        {
            request.Headers.Add("anthropic-beta", "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14");
            request.Headers.TryAddWithoutValidation("User-Agent", "claude-cli/2.0.14 (external, cli)");
            request.Headers.Add("x-app", "cli");
            request.Headers.Add("Accept-Encoding", "gzip, br");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Equal("2023-06-01", sent.Header("anthropic-version"));
        Assert.Equal("interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14", sent.Header("anthropic-beta"));
        Assert.Equal("claude-cli/2.0.14 (external, cli)", sent.Header("user-agent"));
        Assert.Equal("cli", sent.Header("x-app"));
        Assert.Equal(account.Secret, sent.Header("x-api-key"));
        Assert.Null(sent.Header("authorization"));
        Assert.Null(sent.Header("accept-encoding"));
        Assert.DoesNotContain(sent.Headers, h => h.Value.Contains(key.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bearer_relay_key_is_accepted_and_never_forwarded()
    {
        var (account, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync(bearer: true);

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Null(sent.Header("authorization"));
        Assert.Equal(account.Secret, sent.Header("x-api-key"));
        Assert.DoesNotContain(sent.Headers, h => h.Value.Contains(key.Key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/v1/messages/count_tokens?beta=true")]
    [InlineData("/api/v1/messages/count_tokens")]
    public async Task Count_tokens_is_forwarded(string path)
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostAsync(client, path, "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UpstreamTranscripts.CountTokensInput, JsonDocument.Parse(body).RootElement.GetProperty("input_tokens").GetInt32());
        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Equal(path.Replace("/api", string.Empty, StringComparison.Ordinal), sent.PathAndQuery);
    }

    [Fact]
    public async Task Models_list_is_answered_by_the_relay_without_an_upstream_call()
    {
        var (_, prefix) = await AddAccountAsync("ok", modelMap: new Dictionary<string, string> { ["team-default"] = "claude-sonnet-4-5" });
        var (_, client) = await NewClientAsync();

        using var response = await client.GetAsync("v1/models?limit=1000");
        var body = await response.Content.ReadAsStringAsync();

        // Not the upstream's list (UpstreamTranscripts.ModelsJson): the key's own, with the account's alias.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var ids = json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("team-default", ids);
        Assert.Contains("claude-sonnet-4-5", ids);
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Fact]
    public async Task Thinking_signature_and_parallel_tool_deltas_reach_the_client_intact()
    {
        var (_, thinkingPrefix) = await AddAccountAsync("thinking", priority: 1);
        var (_, client) = await NewClientAsync();

        var (thinking, thinkingBody) = await PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));
        Assert.Equal(HttpStatusCode.OK, thinking.StatusCode);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.ThinkingStream, Requests.DefaultModel), thinkingBody);
        var signature = Sse.Parse(Utf8(thinkingBody))
            .Where(e => e.Event == "content_block_delta")
            .Select(e => e.Json.GetProperty("delta"))
            .Single(d => d.GetProperty("type").GetString() == "signature_delta")
            .GetProperty("signature").GetString();
        Assert.Equal(UpstreamTranscripts.ThinkingSignature, signature);

        var (nonStreamed, nonStreamedBody) = await PostBytesAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.OK, nonStreamed.StatusCode);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.ThinkingJson, Requests.DefaultModel), nonStreamedBody);
        Assert.Equal(2, Fake.Count(thinkingPrefix));
    }

    [Fact]
    public async Task Parallel_tool_calls_stream_with_every_input_json_delta()
    {
        await AddAccountAsync("tools");
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.ToolsStream, Requests.DefaultModel), body);
        var events = Sse.Parse(Utf8(body));
        var inputs = events.Where(e => e.Event == "content_block_delta")
            .Select(e => e.Json)
            .Where(j => j.GetProperty("delta").GetProperty("type").GetString() == "input_json_delta")
            .GroupBy(j => j.GetProperty("index").GetInt32())
            .ToDictionary(g => g.Key, g => JsonDocument.Parse(string.Concat(g.Select(j => j.GetProperty("delta").GetProperty("partial_json").GetString()))).RootElement.GetProperty("location").GetString());
        Assert.Equal("San Francisco, CA", inputs[1]);
        Assert.Equal("Paris, France", inputs[2]);
        Assert.Single(events, e => e.Event == "message_start");
    }
}
