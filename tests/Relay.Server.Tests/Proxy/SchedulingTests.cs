using System.Net;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>Which account serves: sticky conversations and concurrency limits.</summary>
public sealed class SchedulingTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task Same_session_stays_on_one_account_and_different_sessions_spread()
    {
        var (_, a) = await AddAccountAsync("ok");
        var (_, b) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();

        string ServedBy(string session) =>
            Fake.Requests(a).Any(r => r.BodyText.Contains(session, StringComparison.Ordinal)) ? a
            : Fake.Requests(b).Any(r => r.BodyText.Contains(session, StringComparison.Ordinal)) ? b
            : throw new InvalidOperationException("not served");

        for (var i = 0; i < 5; i++)
        {
            var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: i % 2 == 0, text: $"turn {i}", userId: Requests.ClaudeCodeUserId("s1")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var first = ServedBy("s1");
        var other = first == a ? b : a;
        Assert.Equal(5, Fake.Requests(first).Count(r => r.BodyText.Contains("\\\"s1\\\"", StringComparison.Ordinal)));
        Assert.DoesNotContain(Fake.Requests(other), r => r.BodyText.Contains("\\\"s1\\\"", StringComparison.Ordinal));

        for (var i = 2; i <= 21; i++)
        {
            var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(userId: Requests.ClaudeCodeUserId($"session-{i}")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(Fake.Count(a) > 0 && Fake.Count(b) > 0, $"a={Fake.Count(a)} b={Fake.Count(b)}");
        Assert.InRange(Fake.Count(a) + Fake.Count(b), 25, 25);
    }

    [Fact]
    public async Task Sticky_account_that_fails_is_left_for_another()
    {
        var (_, a) = await AddAccountAsync("ok", priority: 1);
        var (_, client) = await NewClientAsync();
        var user = Requests.ClaudeCodeUserId("sticky-then-gone");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(userId: user))).Response.StatusCode);
        Assert.Equal(1, Fake.Count(a));

        // The sticky account starts rate limiting; the conversation moves on instead of failing.
        Fake.Script(a, (context, _) => FakeAnthropicUpstream.WriteJsonAsync(context, 429, UpstreamTranscripts.RateLimitErrorJson, null));
        var (_, b) = await AddAccountAsync("ok", priority: 2);
        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(userId: user));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Fake.Count(a));
        Assert.Equal(1, Fake.Count(b));
    }

    [Fact]
    public async Task Account_at_its_concurrency_limit_refuses_with_529_and_retry_after()
    {
        var (_, prefix) = await AddAccountAsync("trickle", maxConcurrency: 1);
        var (_, client) = await NewClientAsync();

        var slow = PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));
        await WaitUntilAsync(() => Fake.Count(prefix) == 1);

        var (refused, body) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        Assert.Equal((HttpStatusCode)529, refused.StatusCode);
        AssertAnthropicError(body, "overloaded_error");
        Assert.True(refused.Headers.RetryAfter?.Delta?.TotalSeconds >= 1);

        var (served, bytes) = await slow;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.TextStream, Requests.DefaultModel), bytes);
        Assert.Equal(1, Fake.Count(prefix));
    }

    [Fact]
    public async Task Second_request_goes_to_another_account_when_the_first_is_at_its_limit()
    {
        var (_, slowPrefix) = await AddAccountAsync("trickle", priority: 1, maxConcurrency: 1);
        var (_, spare) = await AddAccountAsync("ok", priority: 2);
        var (_, client) = await NewClientAsync();

        var slow = PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));
        await WaitUntilAsync(() => Fake.Count(slowPrefix) == 1);

        var (second, _) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, Fake.Count(spare));

        Assert.Equal(HttpStatusCode.OK, (await slow).Response.StatusCode);
        Assert.Equal(1, Fake.Count(slowPrefix));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10);
        }
    }
}
