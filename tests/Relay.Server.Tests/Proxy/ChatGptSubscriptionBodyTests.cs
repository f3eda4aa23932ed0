using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// Clients other than Codex CLI on ChatGPT sign-ins, against a fake Codex backend that refuses what the real one
/// refuses (streamed, unstored, instructions, an input list, no unsupported field): a plain Responses request is made
/// acceptable with only the needed changes, a compliant one goes byte for byte, translated Chat and Messages requests
/// are accepted, and a non-streamed request is sent streamed and answered with the gathered non-streamed answer.
/// </summary>
public sealed class ChatGptSubscriptionBodyTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private FakeOAuthProvider _oauth = null!;
    private FakeOpenAIUpstream _openai = null!;

    protected override RelayServerOptions Options => new() { Settings = new Dictionary<string, string>(_oauth.Settings("chatgpt")) };

    public override async Task InitializeAsync()
    {
        _oauth = await FakeOAuthProvider.StartAsync();
        _openai = await FakeOpenAIUpstream.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        SubscriptionAccounts.RegisterSecrets(Relay, _oauth);
        await base.DisposeAsync();
        await _openai.DisposeAsync();
        await _oauth.DisposeAsync();
    }

    [Fact]
    public async Task A_plain_sdk_style_responses_request_is_answered_with_only_store_instructions_input_and_max_output_tokens_changed()
    {
        var prefix = await AddChatGptAsync();
        var (_, client) = await NewClientAsync(bearer: true);

        // What the OpenAI SDK sends by default: stored (store omitted), a string input, a token limit. The metadata
        // holds the rewritten names as nested keys and text: they are not the request's fields and stay as they are.
        const string body = """
            {"model":"gpt-5","input":"Say \"hello\"\nplease","max_output_tokens":64,"stream":true,"tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],"reasoning":{"effort":"low"},"service_tier":"auto","metadata":{"store":"true","max_output_tokens":"input"}}
            """;

        var (response, text) = await PostAsync(client, "/v1/responses", body);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Contains("response.completed", text, StringComparison.Ordinal);
        var raw = Assert.Single(_openai.Requests(prefix)).BodyText;
        var sent = JsonNode.Parse(raw)!.AsObject();
        var original = JsonNode.Parse(body)!.AsObject();
        Assert.False(sent["store"]!.GetValue<bool>());
        Assert.Equal(string.Empty, sent["instructions"]!.GetValue<string>());
        Assert.Contains("\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Say \\\"hello\\\"\\nplease\"}]}]", raw, StringComparison.Ordinal);
        Assert.False(sent.ContainsKey("max_output_tokens"));

        // Everything else is what the client sent.
        foreach (var name in new[] { "model", "stream", "tools", "reasoning", "service_tier", "metadata" })
        {
            Assert.True(JsonNode.DeepEquals(original[name], sent[name]), name);
        }

        // In the client's order, with the missing fields after them.
        Assert.Equal(["model", "input", "stream", "tools", "reasoning", "service_tier", "metadata", "store", "instructions"], sent.Select(p => p.Key));
    }

    [Fact]
    public async Task A_codex_compliant_body_reaches_the_backend_byte_for_byte()
    {
        var prefix = await AddChatGptAsync();
        var (_, client) = await NewClientAsync(bearer: true);

        // Codex's own body (research §2.6), spaced unusually so that any re-serialisation would show.
        const string body = """
            { "model": "gpt-5", "instructions": "You are a coding agent.", "input": [ {"type":"message","role":"user","content":[{"type":"input_text","text":"Say hello"}]} ],
              "tools": [], "tool_choice": "auto", "parallel_tool_calls": false, "reasoning": {"effort":"medium","summary":"auto"},
              "store": false, "stream": true, "include": ["reasoning.encrypted_content"], "prompt_cache_key": "4f1c", "service_tier": "priority" }
            """;

        var (response, text) = await PostAsync(client, "/v1/responses", body);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(body, Assert.Single(_openai.Requests(prefix)).BodyText);
    }

    [Fact]
    public async Task Streamed_chat_completions_and_messages_requests_are_translated_and_answered()
    {
        var prefix = await AddChatGptAsync();
        var (_, client) = await NewClientAsync(bearer: true);

        var (chat, chatText) = await PostAsync(client, "/v1/chat/completions",
            """{"model":"gpt-5","stream":true,"max_tokens":100,"temperature":0.2,"messages":[{"role":"user","content":"Hello"}]}""");
        var (messages, messagesText) = await PostAsync(client, "/v1/messages",
            """{"model":"gpt-5","max_tokens":256,"stream":true,"system":"Be brief.","messages":[{"role":"user","content":"Hello"}]}""");

        Assert.True(chat.StatusCode == HttpStatusCode.OK, chatText);
        Assert.Contains("data: [DONE]", chatText, StringComparison.Ordinal);
        Assert.True(messages.StatusCode == HttpStatusCode.OK, messagesText);
        Assert.Contains("event: message_stop", messagesText, StringComparison.Ordinal);

        var sent = _openai.Requests(prefix).Select(r => JsonNode.Parse(r.BodyText)!.AsObject()).ToList();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, b =>
        {
            Assert.Null(FakeOpenAIUpstream.CodexBodyRefusal(System.Text.Encoding.UTF8.GetBytes(b.ToJsonString())));
            Assert.Equal("gpt-5", b["model"]!.GetValue<string>());
        });

        // The client's own system text is the instructions; none at all is an empty string, never somebody's prompt.
        Assert.Equal(string.Empty, sent[0]["instructions"]!.GetValue<string>());
        Assert.Equal("Be brief.", sent[1]["instructions"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_non_streamed_responses_request_gets_the_whole_response_object_with_the_streamed_output_and_usage()
    {
        var prefix = await AddChatGptAsync();
        var (_, client) = await NewClientAsync(bearer: true);

        // The OpenAI SDK's responses.create without stream.
        var (response, text) = await PostAsync(client, "/v1/responses", """{"model":"gpt-5","input":"Say hello","max_output_tokens":64}""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonNode.Parse(text)!;
        Assert.Equal("response", answer["object"]!.GetValue<string>());
        Assert.Equal("completed", answer["status"]!.GetValue<string>());
        Assert.Equal("gpt-5", answer["model"]!.GetValue<string>());

        // The backend's final event says "output": []; the message it streamed is the answer's output all the same.
        var message = Assert.Single(answer["output"]!.AsArray())!;
        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.Equal(OpenAITranscripts.ResponsesText, message["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, answer["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, answer["usage"]!["output_tokens"]!.GetValue<int>());

        // Sent streamed (the backend refuses anything else), and billed like any non-streamed answer.
        Assert.True(JsonNode.Parse(Assert.Single(_openai.Requests(prefix)).BodyText)!["stream"]!.GetValue<bool>());
        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));
        Assert.Equal(200, usage.Status);
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, usage.Tokens.Input);
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, usage.Tokens.Output);
    }

    [Fact]
    public async Task Non_streamed_chat_completions_and_messages_requests_get_their_own_json_answer_with_text_and_usage()
    {
        var prefix = await AddChatGptAsync();
        var (_, client) = await NewClientAsync(bearer: true);

        var (chat, chatText) = await PostAsync(client, "/v1/chat/completions", """{"model":"gpt-5","messages":[{"role":"user","content":"Hello"}]}""");
        var (messages, messagesText) = await PostAsync(client, "/v1/messages", """{"model":"gpt-5","max_tokens":64,"messages":[{"role":"user","content":"Hello"}]}""");

        Assert.True(chat.StatusCode == HttpStatusCode.OK, chatText);
        Assert.Equal("application/json", chat.Content.Headers.ContentType?.MediaType);
        var completion = JsonNode.Parse(chatText)!;
        Assert.Equal("chat.completion", completion["object"]!.GetValue<string>());
        Assert.Equal(OpenAITranscripts.ResponsesText, completion["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, completion["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, completion["usage"]!["completion_tokens"]!.GetValue<int>());

        Assert.True(messages.StatusCode == HttpStatusCode.OK, messagesText);
        var message = JsonNode.Parse(messagesText)!;
        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.Equal(OpenAITranscripts.ResponsesText, message["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, message["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, message["usage"]!["output_tokens"]!.GetValue<int>());

        Assert.All(_openai.Requests(prefix), r => Assert.True(JsonNode.Parse(r.BodyText)!["stream"]!.GetValue<bool>()));
        var usage = await Relay.WaitForUsageAsync(2);
        Assert.All(usage, u =>
        {
            Assert.Equal(200, u.Status);
            Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, u.Tokens.Input);
            Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, u.Tokens.Output);
        });
    }

    [Fact]
    public async Task A_non_streamed_chat_request_gets_the_tool_calls_the_backend_streamed()
    {
        var prefix = NewPrefix("codex");
        _openai.PlayCodexBackend(prefix, _oauth.IsValidAccessToken, () => "acct-1", FakeOpenAIUpstream.Scenarios.Tools);
        await SubscriptionAccounts.AddChatGptAsync(Relay, _oauth, prefix, _openai.BaseUrl(prefix), "acct-1");
        var (_, client) = await NewClientAsync(bearer: true);

        var (chat, text) = await PostAsync(client, "/v1/chat/completions",
            """{"model":"gpt-5","messages":[{"role":"user","content":"Weather in Paris and Tokyo?"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");

        Assert.True(chat.StatusCode == HttpStatusCode.OK, text);
        var choice = JsonNode.Parse(text)!["choices"]![0]!;
        Assert.Equal("tool_calls", choice["finish_reason"]!.GetValue<string>());
        var calls = choice["message"]!["tool_calls"]!.AsArray();
        Assert.Equal([OpenAITranscripts.ResponsesCallId1, OpenAITranscripts.ResponsesCallId2], calls.Select(c => c!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_stream_cut_before_its_final_event_fails_over_to_the_next_account_before_anything_reaches_the_client()
    {
        var cut = NewPrefix("codex");
        _openai.PlayCodexBackend(cut, _oauth.IsValidAccessToken, () => "acct-1", FakeOpenAIUpstream.Scenarios.Cut);
        var (id, _) = await SubscriptionAccounts.AddChatGptAsync(Relay, _oauth, cut, _openai.BaseUrl(cut), "acct-1", priority: 1);
        var keyed = NewPrefix("ok");
        var keyedId = await AddOpenAIAccountAsync(keyed, priority: 90);
        var (_, client) = await NewClientAsync(bearer: true);
        const string body = """{"model":"gpt-5","input":"Say hello"}""";

        var (response, text) = await PostAsync(client, "/v1/responses", body);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(OpenAITranscripts.ResponsesText, JsonNode.Parse(text)!["output"]![0]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(1, _openai.Count(cut));

        // The API-key account got the client's body as it was: the ChatGPT rules (stream included) are its sign-in's only.
        Assert.Equal(body, Assert.Single(_openai.Requests(keyed)).BodyText);
        Assert.Equal("cooling", (await Relay.GetAccountAsync(id)).State);
        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));
        Assert.Equal(keyedId, usage.AccountId);
        Assert.Equal(2, usage.Attempts);
    }

    [Fact]
    public async Task A_stream_cut_before_its_final_event_with_no_account_left_gives_the_usual_upstream_error()
    {
        var cut = NewPrefix("codex");
        _openai.PlayCodexBackend(cut, _oauth.IsValidAccessToken, () => "acct-1", FakeOpenAIUpstream.Scenarios.Cut);
        await SubscriptionAccounts.AddChatGptAsync(Relay, _oauth, cut, _openai.BaseUrl(cut), "acct-1");
        var (_, client) = await NewClientAsync(bearer: true);

        var (response, text) = await PostAsync(client, "/v1/responses", """{"model":"gpt-5","input":"Say hello"}""");

        // Nothing of the cut answer: one error in the Responses client's format.
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, text);
        Assert.NotNull(JsonNode.Parse(text)!["error"]!["message"]);
        Assert.DoesNotContain("cut off", text, StringComparison.Ordinal);
        Assert.Equal(502, Assert.Single(await Relay.WaitForUsageAsync(1)).Status);
    }

    /// <summary>A ChatGPT sign-in on a fake Codex backend that refuses what the real one refuses; answers its prefix.</summary>
    private async Task<string> AddChatGptAsync()
    {
        var prefix = NewPrefix("codex");
        _openai.PlayCodexBackend(prefix, _oauth.IsValidAccessToken, () => "acct-1");
        var (id, _) = await SubscriptionAccounts.AddChatGptAsync(Relay, _oauth, prefix, _openai.BaseUrl(prefix), "acct-1");
        Assert.Equal("active", (await Relay.GetAccountAsync(id)).State);
        return prefix;
    }

    private async Task<string> AddOpenAIAccountAsync(string prefix, int priority)
    {
        using var created = await Relay.Admin.PostAsJsonAsync("api/accounts", new JsonObject
        {
            ["name"] = prefix,
            ["platform"] = "openai",
            ["baseUrl"] = _openai.BaseUrl(prefix) + "/v1",
            ["shapes"] = new JsonArray("responses"),
            ["secret"] = "sk-proj-" + RelayServer.RandomToken(40),
            ["priority"] = priority,
        });
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }
}
