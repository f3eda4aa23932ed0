using System.Net;
using System.Text.Json;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// Traffic on subscription (OAuth) accounts of the built-in providers, signed in through the Control API, with plain
/// HTTP clients: what Relay adds to a request (the provider's beta flag merged with the client's, the ChatGPT account
/// id the sign-in's id token named, its own originator where the client sent none), what it leaves alone (the body
/// byte for byte, every other header), a Claude sign-in's refusal of non-Claude Code requests (fail over without harm;
/// the refusal itself when nobody else can serve), and a ChatGPT plan's <c>usage_limit_reached</c>.
/// </summary>
public sealed class SubscriptionTrafficTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private const string ClaudeCodeSystem = "\"system\":\"You are Claude Code, Anthropic's official CLI for Claude.\"";

    private FakeOAuthProvider _oauth = null!;
    private FakeOpenAIUpstream _openai = null!;

    protected override RelayServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>(_oauth.Settings("claude").Concat(_oauth.Settings("chatgpt"))),
    };

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
    public async Task A_claude_subscription_request_gets_the_oauth_beta_merged_into_the_clients_own_and_its_body_unchanged()
    {
        var prefix = NewPrefix("sub");
        Fake.PlayClaudeSubscription(prefix, _oauth.IsValidAccessToken);
        var (_, access) = await SubscriptionAccounts.AddClaudeAsync(Relay, _oauth, prefix, Fake.BaseUrl(prefix));
        var (_, client) = await NewClientAsync();
        var body = Requests.Messages(extra: ClaudeCodeSystem);

        var (response, text) = await PostAsync(client, "/v1/messages", body, r =>
        {
            r.Headers.TryAddWithoutValidation("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14");
            r.Headers.TryAddWithoutValidation("user-agent", "my-tool/1.0");
            r.Headers.TryAddWithoutValidation("chatgpt-account-id", "not-for-anthropic");
        });

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Equal("claude-code-20250219,interleaved-thinking-2025-05-14," + FakeAnthropicUpstream.OAuthBeta, sent.Header("anthropic-beta"));
        Assert.Equal("Bearer " + access, sent.Header("authorization"));
        Assert.Null(sent.Header("x-api-key"));
        Assert.Equal("my-tool/1.0", sent.Header("user-agent"));
        Assert.Equal(body, sent.BodyText);

        // The claude provider names no account-id header, so a client's header of that name is just a client header.
        Assert.Equal("not-for-anthropic", sent.Header("chatgpt-account-id"));
        Assert.Null(sent.Header("originator"));
    }

    [Theory]
    [InlineData(new[] { "oauth-2025-04-20" }, "oauth-2025-04-20")]
    [InlineData(new[] { "a-1,oauth-2025-04-20,b-2" }, "a-1,oauth-2025-04-20,b-2")]
    [InlineData(new[] { "a-1, b-2", "b-2,c-3" }, "a-1,b-2,c-3,oauth-2025-04-20")]
    [InlineData(new[] { "a-1,a-1" }, "a-1,oauth-2025-04-20")]
    [InlineData(new string[0], "oauth-2025-04-20")]
    public async Task Beta_flags_end_up_in_one_header_in_the_clients_order_without_duplicates(string[] clientHeaders, string expected)
    {
        var prefix = NewPrefix("sub");
        Fake.PlayClaudeSubscription(prefix, _oauth.IsValidAccessToken);
        await SubscriptionAccounts.AddClaudeAsync(Relay, _oauth, prefix, Fake.BaseUrl(prefix));
        var (_, client) = await NewClientAsync();

        var (response, text) = await PostAsync(client, "/v1/messages", Requests.Messages(extra: ClaudeCodeSystem), r =>
        {
            foreach (var value in clientHeaders)
            {
                r.Headers.TryAddWithoutValidation("anthropic-beta", value);
            }
        });

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(expected, Assert.Single(Fake.Requests(prefix)).Header("anthropic-beta"));
    }

    [Fact]
    public async Task A_translated_request_on_a_claude_subscription_carries_the_oauth_beta_and_an_api_key_account_gets_none()
    {
        var prefix = NewPrefix("sub");
        Fake.PlayClaudeSubscription(prefix, _oauth.IsValidAccessToken, claudeCodeOnly: false);
        await SubscriptionAccounts.AddClaudeAsync(Relay, _oauth, prefix, Fake.BaseUrl(prefix));
        var (_, client) = await NewClientAsync(bearer: true);

        var (response, text) = await PostAsync(client, "/v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hello"}]}""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(FakeAnthropicUpstream.OAuthBeta, Assert.Single(Fake.Requests(prefix)).Header("anthropic-beta"));

        // Control: an API-key account's request is left exactly as the client wrote it.
        var (_, keyed) = await AddAccountAsync("ok", priority: 1);
        var (plain, _) = await PostAsync(client, "/v1/messages", Requests.Messages(), r => r.Headers.TryAddWithoutValidation("anthropic-beta", "a-1"));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("a-1", Assert.Single(Fake.Requests(keyed)).Header("anthropic-beta"));
    }

    [Fact]
    public async Task A_non_claude_code_request_refused_by_a_claude_subscription_is_served_by_an_api_key_account_and_the_subscription_stays_active()
    {
        var prefix = NewPrefix("sub");
        Fake.PlayClaudeSubscription(prefix, _oauth.IsValidAccessToken);
        var (id, _) = await SubscriptionAccounts.AddClaudeAsync(Relay, _oauth, prefix, Fake.BaseUrl(prefix), priority: 1);
        var (backup, backupPrefix) = await AddAccountAsync("ok", priority: 90);
        var (_, client) = await NewClientAsync();

        var (response, text) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Contains("event: message_stop", text, StringComparison.Ordinal);
        Assert.Equal(1, Fake.Count(prefix));
        Assert.Equal(1, Fake.Count(backupPrefix));
        var account = await Relay.GetAccountAsync(id);
        Assert.Equal("active", account.State);
        Assert.Null(account.Reason);
        Assert.Equal("active", (await Relay.GetAccountAsync(backup.Id)).State);
        Assert.Contains(Relay.Logs, l => l.Text.Contains(id, StringComparison.Ordinal) && l.Text.Contains("subscription account refused a non-Claude Code request", StringComparison.Ordinal));
        var usage = await Relay.WaitForUsageAsync(1);
        Assert.Equal(backup.Id, usage[0].AccountId);
        Assert.Equal(2, usage[0].Attempts);

        // A Claude Code request (its own system prompt) is the subscription's to serve, and it does.
        var (own, ownText) = await PostAsync(client, "/v1/messages", Requests.Messages(text: "Another conversation", extra: ClaudeCodeSystem));
        Assert.True(own.StatusCode == HttpStatusCode.OK, ownText);
        Assert.Equal(2, Fake.Count(prefix));
        Assert.Equal(1, Fake.Count(backupPrefix));
    }

    [Fact]
    public async Task A_refusal_by_one_claude_subscription_is_not_asked_again_of_the_others()
    {
        // Two sign-ins (the fake provider keeps one user's tokens at a time, so each upstream accepts any token it issued).
        var first = NewPrefix("sub");
        var second = NewPrefix("sub");
        Fake.PlayClaudeSubscription(first, token => token is not null && _oauth.IssuedTokens.Contains(token));
        Fake.PlayClaudeSubscription(second, token => token is not null && _oauth.IssuedTokens.Contains(token));
        await SubscriptionAccounts.AddClaudeAsync(Relay, _oauth, first, Fake.BaseUrl(first), priority: 1);
        await SubscriptionAccounts.AddClaudeAsync(Relay, _oauth, second, Fake.BaseUrl(second), priority: 2);
        var (backup, backupPrefix) = await AddAccountAsync("ok", priority: 90);
        var (_, client) = await NewClientAsync();

        var (response, text) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(1, Fake.Count(first) + Fake.Count(second));
        Assert.Equal(1, Fake.Count(backupPrefix));
        var usage = await Relay.WaitForUsageAsync(1);
        Assert.Equal(backup.Id, usage[0].AccountId);
        Assert.Equal(2, usage[0].Attempts);
    }

    [Fact]
    public async Task With_only_the_claude_subscription_the_client_gets_its_refusal_in_the_clients_own_format()
    {
        var prefix = NewPrefix("sub");
        Fake.PlayClaudeSubscription(prefix, _oauth.IsValidAccessToken);
        var (id, _) = await SubscriptionAccounts.AddClaudeAsync(Relay, _oauth, prefix, Fake.BaseUrl(prefix));
        var (_, client) = await NewClientAsync(bearer: true);

        var (messages, messagesBody) = await PostBytesAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.BadRequest, messages.StatusCode);
        Assert.Equal(FakeAnthropicUpstream.ClaudeCodeOnlyJson, Utf8(messagesBody));
        Assert.Equal("application/json", ContentType(messages)?.MediaType);

        // A Chat client on the same account: the upstream's refusal restated as a Chat error, same status.
        var (chat, chatBody) = await PostAsync(client, "/v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hello"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, chat.StatusCode);
        using var json = JsonDocument.Parse(chatBody);
        var error = json.RootElement.GetProperty("error");
        Assert.Contains("only authorized for use with Claude Code", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());

        Assert.Equal(2, Fake.Count(prefix));
        Assert.Equal("active", (await Relay.GetAccountAsync(id)).State);
        var usage = await Relay.WaitForUsageAsync(2);
        Assert.All(usage, u => Assert.Equal(400, u.Status));
        Assert.All(usage, u => Assert.Equal(id, u.AccountId));
    }

    [Fact]
    public async Task A_chatgpt_subscription_request_goes_to_the_codex_backend_with_the_account_id_and_relays_originator_only_when_the_client_sent_none()
    {
        var prefix = NewPrefix("codex");
        var chatGptAccount = "acct-" + Guid.NewGuid().ToString("N")[..8];
        _openai.PlayCodexBackend(prefix, _oauth.IsValidAccessToken, () => chatGptAccount);
        var (_, access) = await SubscriptionAccounts.AddChatGptAsync(Relay, _oauth, prefix, _openai.BaseUrl(prefix), chatGptAccount);
        var (_, client) = await NewClientAsync(bearer: true);
        // A body the Codex backend takes as it is, so it passes byte for byte (ChatGptSubscriptionBodyTests: the others).
        var body = """{"model":"gpt-5","instructions":"","input":[{"role":"user","content":[{"type":"input_text","text":"Say hello"}]}],"stream":true,"store":false}""";

        var (plain, plainText) = await PostAsync(client, "/v1/responses", body);
        var (own, ownText) = await PostAsync(client, "/v1/responses", body, r =>
        {
            r.Headers.TryAddWithoutValidation("originator", "my_tool");
            r.Headers.TryAddWithoutValidation("user-agent", "my_tool/2.0");
            r.Headers.TryAddWithoutValidation("chatgpt-account-id", "somebody-else");
        });

        Assert.True(plain.StatusCode == HttpStatusCode.OK, plainText);
        Assert.True(own.StatusCode == HttpStatusCode.OK, ownText);
        Assert.Contains("response.completed", plainText, StringComparison.Ordinal);
        var sent = _openai.Requests(prefix);
        Assert.Equal(2, sent.Count);
        Assert.All(sent, r =>
        {
            Assert.Equal(FakeOpenAIUpstream.CodexBackendPath + "/responses", r.Path);
            Assert.Equal("Bearer " + access, r.Header("authorization"));
            Assert.Equal(chatGptAccount, r.Header("chatgpt-account-id"));
            Assert.Equal(body, r.BodyText);
            Assert.Null(r.Header("anthropic-beta"));
        });
        Assert.Equal("relay", sent[0].Header("originator"));
        Assert.Equal("my_tool", sent[1].Header("originator"));
        Assert.Equal("my_tool/2.0", sent[1].Header("user-agent"));
    }

    [Fact]
    public async Task The_account_id_sent_is_the_live_token_sets_so_a_new_one_is_used_from_the_next_request()
    {
        var prefix = NewPrefix("codex");
        var current = "acct-first";
        _openai.PlayCodexBackend(prefix, _oauth.IsValidAccessToken, () => current);
        var (id, _) = await SubscriptionAccounts.AddChatGptAsync(Relay, _oauth, prefix, _openai.BaseUrl(prefix), current);
        var (_, client) = await NewClientAsync(bearer: true);
        const string body = """{"model":"gpt-5","input":"Say hello","stream":true}""";

        var (first, _) = await PostAsync(client, "/v1/responses", body);

        // The id changes mid-run, as when a refresh's id token names another account. The fake's refresh answers carry
        // no id token, so the new set is written into the store directly: this is the one test that needs it.
        current = "acct-second";
        await SubscriptionAccounts.SetAccountIdAsync(Relay, id, current);
        var (second, secondText) = await PostAsync(client, "/v1/responses", body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(second.StatusCode == HttpStatusCode.OK, secondText);
        Assert.Equal(["acct-first", "acct-second"], _openai.Requests(prefix).Select(r => r.Header("chatgpt-account-id")));
    }

    [Fact]
    public async Task A_chatgpt_usage_limit_reached_body_cools_the_account_until_its_resets_at()
    {
        var prefix = NewPrefix("codex");
        var reset = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(95).ToUnixTimeSeconds());
        _openai.Script(prefix, (context, _) => FakeOpenAIUpstream.WriteJsonAsync(context, 429,
            """{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_at":RESET,"resets_in_seconds":5700}}"""
                .Replace("RESET", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        var (id, _) = await SubscriptionAccounts.AddChatGptAsync(Relay, _oauth, prefix, _openai.BaseUrl(prefix), "acct-1");
        var (_, client) = await NewClientAsync(bearer: true);

        var (response, _) = await PostAsync(client, "/v1/responses", """{"model":"gpt-5","input":"Say hello","stream":true}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var account = await Relay.GetAccountAsync(id);
        Assert.Equal("cooling", account.State);
        Assert.NotNull(account.Until);
        Assert.InRange(account.Until!.Value, reset.AddSeconds(-1), reset.AddSeconds(1));
        Assert.StartsWith("usage limit reached; resets ", account.Reason, StringComparison.Ordinal);
    }
}
