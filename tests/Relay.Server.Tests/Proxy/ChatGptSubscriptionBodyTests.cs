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
/// are accepted, and a non-streamed request goes to an API-key account, or gets a clear 400 when there is none.
/// </summary>
public sealed class ChatGptSubscriptionBodyTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private const string StreamOnlyText = "Accounts of ChatGPT subscription (Codex sign-in) answer streamed requests only; send \"stream\": true (or use an API-key account)";

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
    public async Task A_non_streamed_request_is_served_by_an_api_key_account_without_calling_the_chatgpt_account()
    {
        var prefix = NewPrefix("codex");
        _openai.PlayCodexBackend(prefix, _oauth.IsValidAccessToken, () => "acct-1");
        var (id, _) = await SubscriptionAccounts.AddChatGptAsync(Relay, _oauth, prefix, _openai.BaseUrl(prefix), "acct-1", priority: 1);
        var keyed = NewPrefix("ok");
        var keyedId = await AddOpenAIAccountAsync(keyed, priority: 90);
        var (_, client) = await NewClientAsync(bearer: true);
        const string body = """{"model":"gpt-5","input":"Say hello","max_output_tokens":64}""";

        var (response, text) = await PostAsync(client, "/v1/responses", body);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("response", JsonNode.Parse(text)!["object"]!.GetValue<string>());
        Assert.Equal(0, _openai.Count(prefix));

        // An API-key account gets the client's body as it was: the ChatGPT rules are its sign-in's, nobody else's.
        Assert.Equal(body, Assert.Single(_openai.Requests(keyed)).BodyText);
        var account = await Relay.GetAccountAsync(id);
        Assert.Equal("active", account.State);
        Assert.Null(account.Reason);
        Assert.Contains(Relay.Logs, l => l.Text.Contains(id, StringComparison.Ordinal) && l.Text.Contains("answers streamed requests only", StringComparison.Ordinal));
        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));
        Assert.Equal(keyedId, usage.AccountId);
        Assert.Equal(2, usage.Attempts);
        Assert.Equal(200, usage.Status);
    }

    [Fact]
    public async Task With_only_chatgpt_accounts_a_non_streamed_request_gets_a_clear_400_in_the_clients_own_format()
    {
        var prefix = await AddChatGptAsync();
        var (_, client) = await NewClientAsync(bearer: true);

        var (responses, responsesText) = await PostAsync(client, "/v1/responses", """{"model":"gpt-5","input":"Say hello"}""");
        var (chat, chatText) = await PostAsync(client, "/v1/chat/completions", """{"model":"gpt-5","messages":[{"role":"user","content":"Hello"}]}""");
        var (messages, messagesText) = await PostAsync(client, "/v1/messages", """{"model":"gpt-5","max_tokens":64,"messages":[{"role":"user","content":"Hello"}]}""");

        // OpenAI's error shape for the Responses and Chat clients, Anthropic's for the Messages client; all say what to do.
        foreach (var (response, text) in new[] { (responses, responsesText), (chat, chatText) })
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            var error = JsonNode.Parse(text)!["error"]!;
            Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
            Assert.StartsWith(StreamOnlyText, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.True(messages.StatusCode == HttpStatusCode.BadRequest, messagesText);
        var anthropic = JsonNode.Parse(messagesText)!;
        Assert.Equal("error", anthropic["type"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", anthropic["error"]!["type"]!.GetValue<string>());
        Assert.StartsWith(StreamOnlyText, anthropic["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(0, _openai.Count(prefix));
        var usage = await Relay.WaitForUsageAsync(3);
        Assert.All(usage, u => Assert.Equal(400, u.Status));
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
