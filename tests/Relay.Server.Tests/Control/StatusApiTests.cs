using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary><c>GET /api/status</c> against real traffic: requests in flight, accounts by state, the usage queue.</summary>
public sealed class StatusApiTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task Status_counts_requests_in_flight_and_accounts_by_state()
    {
        var (_, _) = await AddAccountAsync("401", priority: 0);
        var (_, _) = await AddAccountAsync("429", priority: 0);
        var (_, heldPrefix) = await AddAccountAsync("ok", priority: 1);
        var (disabled, _) = await AddAccountAsync("ok", priority: 2);
        using (var patch = await Relay.Admin.PatchAsync("api/accounts/" + disabled.Id, Requests.Json("""{"enabled":false}""")))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Fake.Script(heldPrefix, async (context, request) =>
        {
            arrived.TrySetResult();
            await gate.Task;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(UpstreamTranscripts.Render(UpstreamTranscripts.TextJson, request.Model ?? "m"));
        });

        var before = await StatusAsync();
        Assert.Equal(0, before.GetProperty("inFlight").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(before.GetProperty("version").GetString()));
        Assert.InRange(before.GetProperty("startedAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);

        var (_, client) = await NewClientAsync();
        var call = PostAsync(client, "/v1/messages", Requests.Messages());
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The first two accounts failed over (credential refused, rate limited); the third holds the request.
        var during = await StatusAsync();
        Assert.Equal(1, during.GetProperty("inFlight").GetInt32());
        var accounts = during.GetProperty("accounts");
        Assert.Equal(4, accounts.GetProperty("total").GetInt32());
        Assert.Equal(1, accounts.GetProperty("active").GetInt32());
        Assert.Equal(1, accounts.GetProperty("cooling").GetInt32());
        Assert.Equal(1, accounts.GetProperty("error").GetInt32());
        Assert.Equal(1, accounts.GetProperty("disabled").GetInt32());

        gate.SetResult();
        var (response, _) = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Relay.WaitForUsageAsync(1);

        var after = await StatusAsync();
        Assert.Equal(0, after.GetProperty("inFlight").GetInt32());
        var queue = after.GetProperty("usageQueue");
        Assert.Equal(0, queue.GetProperty("pending").GetInt32());
        Assert.Equal(0, queue.GetProperty("dropped").GetInt64());
    }

    private async Task<JsonElement> StatusAsync()
    {
        var text = await Relay.Admin.GetStringAsync("api/status");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
