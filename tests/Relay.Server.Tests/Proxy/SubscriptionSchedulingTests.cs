using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// Three Claude subscription accounts of the built-in <c>claude</c> provider, each signed in through the Control API,
/// whose upstream reports different 5-hour and 7-day usage: new conversations go to the least used one, an exhausted one
/// sits out exactly until its window resets, and a conversation keeps its account while that account is healthy.
/// </summary>
public sealed class SubscriptionSchedulingTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private FakeOAuthProvider _oauth = null!;

    protected override RelayServerOptions Options => new() { Settings = new Dictionary<string, string>(_oauth.Settings("claude")) };

    public override async Task InitializeAsync()
    {
        _oauth = await FakeOAuthProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        SubscriptionAccounts.RegisterSecrets(Relay, _oauth);
        await base.DisposeAsync();
        await _oauth.DisposeAsync();
    }

    [Fact]
    public async Task After_one_answer_each_new_conversations_go_to_the_least_used_subscription()
    {
        // Use is the fullest window: a 50 %, b 60 % (its week), c 30 %.
        var a = await AddSubscriptionAsync("a", fiveHour: 0.50, sevenDay: 0.20);
        var b = await AddSubscriptionAsync("b", fiveHour: 0.10, sevenDay: 0.60);
        var c = await AddSubscriptionAsync("c", fiveHour: 0.20, sevenDay: 0.30);
        var (_, client) = await NewClientAsync();

        // Warm-up: an account that has not answered yet counts as unused, so each of the first three goes to a new one.
        for (var i = 0; i < 3; i++)
        {
            await AssertServedAsync(client, NewConversation());
        }

        Assert.All([a, b, c], s => Assert.Equal(1, Fake.Count(s.Prefix)));

        for (var i = 0; i < 10; i++)
        {
            await AssertServedAsync(client, NewConversation());
        }

        Assert.Equal(1, Fake.Count(a.Prefix));
        Assert.Equal(1, Fake.Count(b.Prefix));
        Assert.Equal(11, Fake.Count(c.Prefix));
    }

    [Fact]
    public async Task A_subscription_whose_window_runs_out_cools_until_its_reset_and_gets_nothing_until_then()
    {
        var a = await AddSubscriptionAsync("a", fiveHour: 0.10, sevenDay: 0.20);
        var b = await AddSubscriptionAsync("b", fiveHour: 0.40, sevenDay: 0.30);
        var c = await AddSubscriptionAsync("c", fiveHour: 0.60, sevenDay: 0.30);
        var (_, client) = await NewClientAsync();
        for (var i = 0; i < 3; i++)
        {
            await AssertServedAsync(client, NewConversation());
        }

        // The least used account's 5-hour window runs out: its next answer is a 429 naming the window and its reset.
        var reset = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeSeconds());
        a.RejectedUntil = reset;
        await AssertServedAsync(client, NewConversation());
        Assert.Equal(2, Fake.Count(a.Prefix));
        Assert.Equal(2, Fake.Count(b.Prefix));

        var status = await StatusAsync(a.Id);
        Assert.Equal("cooling", status.GetProperty("state").GetString());
        Assert.Equal(reset, status.GetProperty("until").GetDateTimeOffset());
        Assert.Equal("5-hour usage window exhausted; resets " + reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            status.GetProperty("reason").GetString());

        // Until the reset it receives nothing; the next least used (b) takes the traffic, and the view says cooling.
        while (DateTimeOffset.UtcNow < reset.AddMilliseconds(-800))
        {
            await AssertServedAsync(client, NewConversation());
            Assert.Equal("cooling", (await StatusAsync(a.Id)).GetProperty("state").GetString());
            await Task.Delay(200);
        }

        Assert.Equal(2, Fake.Count(a.Prefix));
        Assert.Equal(1, Fake.Count(c.Prefix));

        // Past the reset the exhausted window counts as empty (only its week's 20 % is left), so it is the least used again.
        a.RejectedUntil = null;
        await Task.Delay(reset - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        Assert.Equal("active", (await StatusAsync(a.Id)).GetProperty("state").GetString());
        await AssertServedAsync(client, NewConversation());
        Assert.Equal(3, Fake.Count(a.Prefix));
        Assert.Equal(1, Fake.Count(c.Prefix));
    }

    [Fact]
    public async Task A_conversation_stays_on_its_healthy_subscription_and_moves_only_when_it_cools()
    {
        var a = await AddSubscriptionAsync("a", fiveHour: 0.20, sevenDay: 0.10);
        var b = await AddSubscriptionAsync("b", fiveHour: 0.40, sevenDay: 0.10);
        var c = await AddSubscriptionAsync("c", fiveHour: 0.60, sevenDay: 0.10);
        var (_, client) = await NewClientAsync();
        for (var i = 0; i < 3; i++)
        {
            await AssertServedAsync(client, NewConversation());
        }

        // The conversation starts on the least used account; from then on that account reports 90 %.
        var session = "conversation-" + Guid.NewGuid().ToString("N");
        await AssertServedAsync(client, Turn(session, 1));
        Assert.Equal(1, Turns(a, session));
        a.FiveHour = 0.90;

        // b is far less used now, and new conversations go there, but this one keeps its account (and its prompt cache).
        for (var turn = 2; turn <= 4; turn++)
        {
            await AssertServedAsync(client, Turn(session, turn));
            await AssertServedAsync(client, NewConversation());
        }

        Assert.Equal(4, Turns(a, session));
        Assert.Equal(0, Turns(b, session) + Turns(c, session));
        Assert.Equal(4, Fake.Count(b.Prefix));

        // Its account's window runs out: the turn fails over to the least used account and the conversation stays there.
        a.RejectedUntil = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        await AssertServedAsync(client, Turn(session, 5));
        await AssertServedAsync(client, Turn(session, 6));

        Assert.Equal("cooling", (await StatusAsync(a.Id)).GetProperty("state").GetString());
        Assert.Equal(5, Turns(a, session));
        Assert.Equal(2, Turns(b, session));
        Assert.Equal(0, Turns(c, session));
    }

    /// <summary>One subscription account as its upstream reports it; the test changes what it reports next.</summary>
    private sealed class Subscription(string id, string prefix, string accessToken)
    {
        public string Id => id;
        public string Prefix => prefix;
        public string AccessToken => accessToken;
        public double FiveHour { get; set; }
        public double SevenDay { get; set; }

        /// <summary>When set, the 5-hour window is exhausted until then: every answer is a 429 saying so.</summary>
        public DateTimeOffset? RejectedUntil { get; set; }
    }

    private async Task<Subscription> AddSubscriptionAsync(string name, double fiveHour, double sevenDay)
    {
        var prefix = NewPrefix("sub-" + name);
        var (id, access) = await SubscriptionAccounts.AddClaudeAsync(Relay, _oauth, prefix, Fake.BaseUrl(prefix));
        var subscription = new Subscription(id, prefix, access) { FiveHour = fiveHour, SevenDay = sevenDay };
        Fake.Script(prefix, (context, request) => AnswerAsync(context, request, subscription));
        return subscription;
    }

    /// <summary>
    /// The upstream of one subscription: its own bearer token with the OAuth beta only, and its usage in the unified
    /// headers. The fake provider plays one user (each sign-in replaces the last one's tokens there), so each upstream
    /// checks the token its own sign-in got; an hour long, none is refreshed here.
    /// </summary>
    private static async Task AnswerAsync(HttpContext context, UpstreamRequest request, Subscription subscription)
    {
        var betas = (request.Header("anthropic-beta") ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (request.Header("authorization") != "Bearer " + subscription.AccessToken || !betas.Contains(FakeAnthropicUpstream.OAuthBeta, StringComparer.Ordinal))
        {
            await FakeAnthropicUpstream.WriteJsonAsync(context, 401, UpstreamTranscripts.AuthErrorJson, null);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var week = now.AddDays(4);
        if (subscription.RejectedUntil is { } until && now < until)
        {
            Unified(context, "rejected", until, ("5h", 1.0, until, "rejected"), ("7d", subscription.SevenDay, week, "allowed"));
            await FakeAnthropicUpstream.WriteJsonAsync(context, 429, UpstreamTranscripts.RateLimitErrorJson, null);
            return;
        }

        var fiveHours = now.AddHours(3);
        Unified(context, "allowed", fiveHours, ("5h", subscription.FiveHour, fiveHours, "allowed"), ("7d", subscription.SevenDay, week, "allowed"));
        await FakeAnthropicUpstream.WriteJsonAsync(context, 200, UpstreamTranscripts.TextJson, Requests.DefaultModel);
    }

    private static void Unified(HttpContext context, string status, DateTimeOffset reset, params (string Window, double Utilization, DateTimeOffset Reset, string Status)[] windows)
    {
        var headers = context.Response.Headers;
        headers["anthropic-ratelimit-unified-status"] = status;
        headers["anthropic-ratelimit-unified-reset"] = Unix(reset);
        headers["anthropic-ratelimit-unified-representative-claim"] = "five_hour";
        foreach (var (window, utilization, windowReset, windowStatus) in windows)
        {
            headers[$"anthropic-ratelimit-unified-{window}-utilization"] = utilization.ToString(CultureInfo.InvariantCulture);
            headers[$"anthropic-ratelimit-unified-{window}-reset"] = Unix(windowReset);
            headers[$"anthropic-ratelimit-unified-{window}-status"] = windowStatus;
        }
    }

    private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>A request of a conversation of its own, so stickiness plays no part.</summary>
    private static string NewConversation() => Requests.Messages(text: "Hello " + Guid.NewGuid().ToString("N"));

    /// <summary>A turn of a Claude Code conversation: its session id (in <c>metadata.user_id</c>) is the sticky key.</summary>
    private static string Turn(string session, int turn) => Requests.Messages(text: $"turn {turn}", userId: Requests.ClaudeCodeUserId(session));

    /// <summary>Turns of the conversation the account's upstream received.</summary>
    private int Turns(Subscription subscription, string session) =>
        Fake.Requests(subscription.Prefix).Count(r => r.BodyText.Contains(session, StringComparison.Ordinal));

    private static async Task AssertServedAsync(HttpClient client, string body)
    {
        var (response, text) = await PostAsync(client, "/v1/messages", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
    }

    private async Task<JsonElement> StatusAsync(string accountId)
    {
        var text = await Relay.Admin.GetStringAsync("api/accounts/" + accountId);
        return JsonDocument.Parse(text).RootElement.GetProperty("status").Clone();
    }
}
