using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Core.Usage;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>Which kind of account answers an OpenAI client in a test: a Claude account (translated) or an OpenAI account (passed through).</summary>
public enum UpstreamKind
{
    Claude,
    OpenAI,
}

/// <summary>
/// Both fake upstreams (Anthropic and OpenAI), the real relay in front of them and one relay key: what a real OpenAI
/// client (npm SDK, Codex CLI) needs to talk to Relay as a user would. Accounts are added per test with
/// <see cref="AddAccountAsync"/>, each pointing at one scenario prefix of the fake of its kind.
/// </summary>
public sealed class OpenAIClientTestBed : IAsyncDisposable
{
    private readonly Dictionary<string, (UpstreamKind Kind, string Id, string Secret)> _accounts = new(StringComparer.Ordinal);

    private OpenAIClientTestBed(FakeAnthropicUpstream anthropic, FakeOpenAIUpstream openai, RelayServer relay, IssuedKey key)
    {
        Anthropic = anthropic;
        OpenAI = openai;
        Relay = relay;
        Key = key;
    }

    public FakeAnthropicUpstream Anthropic { get; }
    public FakeOpenAIUpstream OpenAI { get; }
    public RelayServer Relay { get; }
    public IssuedKey Key { get; }

    /// <summary>The base URL OpenAI clients are given: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public string OpenAIBaseUrl => Relay.Url + "/v1";

    public static async Task<OpenAIClientTestBed> StartAsync()
    {
        NodeClients.RequireInstalled();
        var anthropic = await FakeAnthropicUpstream.StartAsync();
        FakeOpenAIUpstream? openai = null;
        RelayServer? relay = null;
        try
        {
            openai = await FakeOpenAIUpstream.StartAsync();
            relay = await RelayServer.StartAsync();
            var key = await relay.CreateKeyAsync("openai-clients");
            return new OpenAIClientTestBed(anthropic, openai, relay, key);
        }
        catch
        {
            if (relay is not null)
            {
                await relay.DisposeAsync();
            }

            if (openai is not null)
            {
                await openai.DisposeAsync();
            }

            await anthropic.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Adds an account of <paramref name="kind"/> for the scenario <paramref name="prefix"/>: a Claude (Anthropic) account,
    /// or an OpenAI account serving <c>chat</c> and <c>responses</c> at <c>&lt;fake&gt;/s/&lt;prefix&gt;/v1</c>.
    /// </summary>
    public async Task<string> AddAccountAsync(UpstreamKind kind, string prefix)
    {
        string id;
        string secret;
        if (kind == UpstreamKind.Claude)
        {
            var account = await Relay.CreateAccountAsync(new AccountSpec { Name = "claude-" + prefix, BaseUrl = Anthropic.BaseUrl(prefix) });
            (id, secret) = (account.Id, account.Secret);
        }
        else
        {
            secret = "sk-proj-" + RelayServer.RandomToken(40);
            var body = new JsonObject
            {
                ["name"] = "openai-" + prefix,
                ["platform"] = "openai",
                ["baseUrl"] = OpenAI.BaseUrl(prefix) + "/v1",
                ["shapes"] = new JsonArray("chat", "responses"),
                ["secret"] = secret,
            };
            using var response = await Relay.Admin.PostAsJsonAsync("api/accounts", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, text);
            using var json = JsonDocument.Parse(text);
            id = json.RootElement.GetProperty("id").GetString()!;
        }

        _accounts[prefix] = (kind, id, secret);
        return id;
    }

    public string AccountId(string prefix) => _accounts[prefix].Id;

    /// <summary>What the fake of the prefix's kind received for it, in arrival order.</summary>
    public IReadOnlyList<UpstreamRequest> Requests(string prefix) =>
        _accounts[prefix].Kind == UpstreamKind.Claude ? Anthropic.Requests(prefix) : OpenAI.Requests(prefix);

    /// <summary>The account's own credential went upstream in its platform's header; the relay key went nowhere.</summary>
    public void AssertCredentials(UpstreamRequest upstream)
    {
        var (kind, _, secret) = _accounts[upstream.Prefix];
        if (kind == UpstreamKind.Claude)
        {
            Assert.Equal(secret, upstream.Header("x-api-key"));
            Assert.Null(upstream.Header("authorization"));
        }
        else
        {
            Assert.Equal("Bearer " + secret, upstream.Header("authorization"));
            Assert.Null(upstream.Header("x-api-key"));
        }

        Assert.DoesNotContain(upstream.Headers, h => h.Value.Contains(Key.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(Key.Key, upstream.BodyText, StringComparison.Ordinal);
    }

    /// <summary>Waits for exactly <paramref name="count"/> usage events (a short grace period shows there are no more).</summary>
    public async Task<IReadOnlyList<UsageEvent>> UsageAsync(int count)
    {
        var events = await Relay.WaitForUsageAsync(count, TimeSpan.FromSeconds(15));
        Assert.True(events.Count >= count, $"expected {count} usage event(s), found {events.Count}: {string.Join("; ", events)}");
        await Task.Delay(200);
        events = await Relay.UsageEventsAsync();
        Assert.True(events.Count == count, $"expected exactly {count} usage event(s), found {events.Count}: {string.Join("; ", events)}");
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}
