using System.Net;
using Microsoft.AspNetCore.Http;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Admission;

/// <summary>
/// The key's concurrency lease: never more than the limit in flight at the upstream, a bounded FIFO wait
/// queue, and every lease given back whatever happens to the request (upstream faults, timeouts, client aborts).
/// </summary>
public sealed class ConcurrencyAdmissionTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    /// <summary>An upstream that holds every request until <see cref="Release"/>, counting how many it holds at once.</summary>
    private sealed class GatedUpstream
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _max;
        private int _arrived;

        public int MaxInFlight => Volatile.Read(ref _max);
        public int Arrived => Volatile.Read(ref _arrived);

        public void Release() => _gate.TrySetResult();

        public async Task HandleAsync(HttpContext context, UpstreamRequest request)
        {
            var now = Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _arrived);
            int seen;
            while ((seen = Volatile.Read(ref _max)) < now && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }

            try
            {
                await _gate.Task.WaitAsync(context.RequestAborted);
                await FakeAnthropicUpstream.WriteJsonAsync(context, 200, UpstreamTranscripts.TextJson, request.Model);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private async Task<(GatedUpstream Gate, string Prefix)> AddGatedAccountAsync()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var gate = new GatedUpstream();
        Fake.Script(prefix, gate.HandleAsync);
        return (gate, prefix);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "condition not reached in time");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Without_a_queue_requests_over_the_limit_are_refused_at_once_and_the_upstream_never_sees_a_fourth()
    {
        var (gate, _) = await AddGatedAccountAsync();
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("concurrency", null, 3));

        var held = Enumerable.Range(0, 3).Select(_ => PostAsync(client, "/v1/messages", Requests.Messages())).ToArray();
        await WaitUntilAsync(() => gate.Arrived == 3);
        var extra = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync(client, "/v1/messages", Requests.Messages())));

        Assert.All(extra, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.Response.StatusCode));
        AssertAnthropicError(extra[0].Body, "rate_limit_error");
        Assert.Contains("3 concurrent requests", extra[0].Body, StringComparison.Ordinal);
        Assert.NotNull(Header(extra[0].Response, "retry-after"));

        gate.Release();
        Assert.All(await Task.WhenAll(held), r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        Assert.Equal(3, gate.MaxInFlight);
        await WaitUntilAsync(() => Relay.SlotsInFlight(key.Id) == 0);
    }

    [Fact]
    public async Task With_a_queue_every_request_is_served_in_turn_and_at_most_the_limit_runs_at_once()
    {
        var (gate, prefix) = await AddGatedAccountAsync();
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("concurrency", null, 3, queueSize: 10, queueTimeout: "30s"));

        var all = Enumerable.Range(0, 10).Select(_ => PostAsync(client, "/v1/messages", Requests.Messages())).ToArray();
        await WaitUntilAsync(() => gate.Arrived == 3);
        await Task.Delay(100);
        Assert.Equal(3, Fake.Count(prefix));

        gate.Release();
        Assert.All(await Task.WhenAll(all), r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        Assert.Equal(3, gate.MaxInFlight);
        Assert.Equal(10, Fake.Count(prefix));
    }

    [Fact]
    public async Task A_full_queue_refuses_and_a_timed_out_wait_says_how_long_it_waited()
    {
        var (gate, _) = await AddGatedAccountAsync();
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("concurrency", null, 1, queueSize: 1, queueTimeout: "1s"));

        var holder = PostAsync(client, "/v1/messages", Requests.Messages());
        await WaitUntilAsync(() => gate.Arrived == 1);
        var waiter = PostAsync(client, "/v1/messages", Requests.Messages());
        await Task.Delay(200);
        var (full, fullBody) = await PostAsync(client, "/v1/messages", Requests.Messages());
        var (timedOut, timedOutBody) = await waiter;

        Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        Assert.Contains("queue is full", fullBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, timedOut.StatusCode);
        Assert.Contains("waited 1s", timedOutBody, StringComparison.Ordinal);

        gate.Release();
        Assert.Equal(HttpStatusCode.OK, (await holder).Response.StatusCode);
        await WaitUntilAsync(() => Relay.SlotsInFlight(key.Id) == 0);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("refused")]
    [InlineData("529")]
    [InlineData("cut")]
    [InlineData("stall")]
    [InlineData("error-first")]
    public async Task The_lease_is_given_back_when_the_upstream_fails(string scenario)
    {
        await AddAccountAsync(scenario);
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("concurrency", null, 1));

        await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        await WaitUntilAsync(() => Relay.SlotsInFlight(key.Id) == 0);

        // The next request is admitted (it fails upstream again, but it is not refused by the limit).
        var second = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        Assert.DoesNotContain("concurrent", second.Body, StringComparison.Ordinal);
        await WaitUntilAsync(() => Relay.SlotsInFlight(key.Id) == 0);
    }

    [Fact]
    public async Task The_lease_is_given_back_when_the_client_disconnects_mid_request_and_while_queued()
    {
        var (gate, _) = await AddGatedAccountAsync();
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("concurrency", null, 1, queueSize: 5, queueTimeout: "30s"));

        using var holderAbort = new CancellationTokenSource();
        using var waiterAbort = new CancellationTokenSource();
        var holder = client.SendAsync(Requests.Post("/v1/messages", Requests.Messages()), holderAbort.Token);
        await WaitUntilAsync(() => gate.Arrived == 1);
        var waiter = client.SendAsync(Requests.Post("/v1/messages", Requests.Messages()), waiterAbort.Token);
        await Task.Delay(200);

        waiterAbort.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        holderAbort.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => holder);

        await WaitUntilAsync(() => Relay.SlotsInFlight(key.Id) == 0);
        gate.Release();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        await WaitUntilAsync(() => Relay.SlotsInFlight(key.Id) == 0);
    }
}
