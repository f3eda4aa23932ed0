using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>However the upstream frames and chunks its bytes, the client gets exactly those bytes.</summary>
public sealed class StreamFramingTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task Stream_written_in_tiny_chunks_arrives_byte_for_byte()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var expected = UpstreamTranscripts.Bytes(UpstreamTranscripts.ToolsStream, Requests.DefaultModel);
        Fake.Script(prefix, async (context, _) =>
        {
            FakeAnthropicUpstream.StartStream(context);
            for (var i = 0; i < expected.Length; i += 7)
            {
                await context.Response.Body.WriteAsync(expected.AsMemory(i, Math.Min(7, expected.Length - i)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, body);
        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));
        Assert.Equal(472, usage.Tokens.Input);
        Assert.Equal(89, usage.Tokens.Output);
    }

    [Fact]
    public async Task Crlf_framed_stream_arrives_byte_for_byte_with_usage_read()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var expected = Encoding.UTF8.GetBytes(UpstreamTranscripts.Render(UpstreamTranscripts.CacheStream, Requests.DefaultModel).Replace("\n", "\r\n", StringComparison.Ordinal));
        Fake.Script(prefix, async (context, _) =>
        {
            FakeAnthropicUpstream.StartStream(context);
            await context.Response.Body.WriteAsync(expected, context.RequestAborted);
        });
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, body);
        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));
        Assert.Equal(UpstreamTranscripts.CacheRead, usage.Tokens.CacheRead);
        Assert.Equal(UpstreamTranscripts.CacheWrite1h, usage.Tokens.CacheWrite1h);
        Assert.Null(usage.ErrorClass);
    }

    [Fact]
    public async Task Stream_closed_before_any_event_fails_over()
    {
        var (_, emptyPrefix) = await AddAccountAsync("ok", priority: 1);
        var (_, goodPrefix) = await AddAccountAsync("ok", priority: 2);
        Fake.Script(emptyPrefix, (context, _) =>
        {
            FakeAnthropicUpstream.StartStream(context);
            return Task.CompletedTask;
        });
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostBytesAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UpstreamTranscripts.Bytes(UpstreamTranscripts.TextStream, Requests.DefaultModel), body);
        Assert.Equal(1, Fake.Count(emptyPrefix));
        Assert.Equal(1, Fake.Count(goodPrefix));
    }

    [Fact]
    public async Task Large_request_body_reaches_upstream_byte_for_byte()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();
        var body = Requests.Messages(text: string.Concat(Enumerable.Repeat("0123456789abcdef ✓ ", 40_000)), stream: true);
        Assert.True(Encoding.UTF8.GetByteCount(body) > 500_000);

        var (response, _) = await PostAsync(client, "/v1/messages", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(body), Assert.Single(Fake.Requests(prefix)).Body);
    }

    [Fact]
    public async Task Upstream_response_headers_pass_but_hop_by_hop_ones_do_not()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        Fake.Script(prefix, async (context, _) =>
        {
            context.Response.Headers["anthropic-ratelimit-requests-remaining"] = "49";
            context.Response.Headers["x-custom-upstream"] = "yes";
            context.Response.Headers.SetCookie = "tracking=1";
            await FakeAnthropicUpstream.WriteJsonAsync(context, StatusCodes.Status200OK, UpstreamTranscripts.TextJson, Requests.DefaultModel);
        });
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("49", Header(response, "anthropic-ratelimit-requests-remaining"));
        Assert.Equal("yes", Header(response, "x-custom-upstream"));
        Assert.Null(Header(response, "Set-Cookie"));
    }
}
