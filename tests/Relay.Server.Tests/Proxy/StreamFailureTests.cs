using System.Diagnostics;
using System.Net;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>Failures after the stream reached the client end it with an error event, never a clean close.</summary>
public sealed class StreamFailureTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task Cut_stream_ends_with_an_error_event_and_one_message_start()
    {
        await AddAccountAsync("cut", priority: 1);
        await AddAccountAsync("ok", priority: 2);
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Sse.Parse(body);
        Assert.Single(events, e => e.Event == "message_start");
        Assert.Equal("error", events[^1].Event);
        Assert.Equal("error", events[^1].Json.GetProperty("type").GetString());
        Assert.DoesNotContain(events, e => e.Event == "message_stop");

        // Complete events only: the half-sent delta is not passed on.
        Assert.Equal("This answer will be", Sse.Text(events));
        Assert.All(events, e => e.Json.ValueKind.ToString());

        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));
        Assert.NotNull(usage.ErrorClass);
    }

    [Fact]
    public async Task Stalled_stream_ends_with_an_error_event_after_the_idle_timeout()
    {
        var (_, prefix) = await AddAccountAsync("stall");
        var (_, client) = await NewClientAsync();

        var watch = Stopwatch.StartNew();
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Sse.Parse(body);
        Assert.Equal(["message_start", "error"], events.Select(e => e.Event));
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.5, 10);

        // The relay stops waiting on the upstream too.
        var sent = Assert.Single(Fake.Requests(prefix));
        await sent.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(sent.WasAborted);
    }

    [Fact]
    public async Task Slow_but_steady_stream_is_not_cut_by_the_idle_timeout()
    {
        var (_, prefix) = await AddAccountAsync("trickle");
        var (_, client) = await NewClientAsync();

        var watch = Stopwatch.StartNew();
        var (response, body) = await PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));
        watch.Stop();

        // Longer than both the first-byte and the idle timeout (2 s each), and complete.
        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.TextStream, Requests.DefaultModel), body);
        Assert.Single(Fake.Requests(prefix));
    }

    [Fact]
    public async Task Client_disconnect_cancels_the_upstream_call_and_releases_the_lease()
    {
        var (account, prefix) = await AddAccountAsync("trickle", maxConcurrency: 1);
        var (_, client) = await NewClientAsync();

        using (var request = Requests.Post("/v1/messages", Requests.Messages(stream: true)))
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer) > 0);

            // Leave mid-answer.
        }

        var sent = Assert.Single(Fake.Requests(prefix));
        await sent.Aborted.WaitAsync(TimeSpan.FromSeconds(5));

        // The single slot is freed promptly: the relay's handler unwinds a moment after the abort
        // reaches the upstream, so allow that moment (bounded), then the next request is served.
        var deadline = DateTime.UtcNow.AddSeconds(3);
        var (next, body) = await PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));
        while (next.StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            (next, body) = await PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));
        }

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.TextStream, Requests.DefaultModel), body);
        Assert.Equal(2, Fake.Count(prefix));
        Assert.Equal("active", (await Relay.GetAccountAsync(account.Id)).State);
    }

    [Fact]
    public async Task Client_giving_up_while_the_upstream_is_silent_cancels_the_upstream_call()
    {
        var (_, prefix) = await AddAccountAsync("silent");
        var (_, client) = await NewClientAsync();

        // Give up only once the upstream holds the call, so a slow first request on a busy machine cannot turn
        // "the client gave up" into "the client never got through".
        using var cancel = new CancellationTokenSource();
        var call = client.SendAsync(Requests.Post("/v1/messages", Requests.Messages()), cancel.Token);
        var deadline = Stopwatch.StartNew();
        while (Fake.Count(prefix) == 0 && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(10);
        }

        var sent = Assert.Single(Fake.Requests(prefix));
        var watch = Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await sent.Aborted.WaitAsync(TimeSpan.FromSeconds(5));

        // Well before the relay's own 3 s first-byte timeout for non-streamed calls: the disconnect did it.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5), $"upstream aborted {watch.Elapsed} after the client gave up");
        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));
        Assert.Equal(499, usage.Status);
    }
}
