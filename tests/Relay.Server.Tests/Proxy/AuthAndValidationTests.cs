using System.Net;
using System.Text;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>Requests the relay refuses itself: always in Anthropic's error shape, never a 500, never echoing a key.</summary>
public sealed class AuthAndValidationTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private const int BodyLimit = 4096;

    protected override RelayServerOptions Options => new()
    {
        Settings = new Dictionary<string, string> { ["MaxRequestBodyBytes"] = BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    [Fact]
    public async Task Missing_key_is_401()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        using var client = Relay.CreateClient();

        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertAnthropicError(body, "authentication_error");
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unknown_key_is_401_and_not_echoed(bool bearer)
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var presented = "cr_" + RelayServer.RandomToken(43);
        using var client = Relay.CreateClient(presented, bearer);

        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertAnthropicError(body, "authentication_error");
        Assert.DoesNotContain(presented, body, StringComparison.Ordinal);
        Assert.DoesNotContain(presented[..12], body, StringComparison.Ordinal);
        Assert.All(Relay.Logs, l => Assert.DoesNotContain(presented, l.Text, StringComparison.Ordinal));
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Fact]
    public async Task Disabled_key_is_401()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);

        await Relay.UpdateKeyAsync(key.Id, k => k with { Enabled = false });
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertAnthropicError(body, "authentication_error");
        Assert.DoesNotContain(key.Key, body, StringComparison.Ordinal);
        Assert.Equal(1, Fake.Count(prefix));
    }

    [Fact]
    public async Task Expired_key_is_401()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.UpdateKeyAsync(key.Id, k => k with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });

        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertAnthropicError(body, "authentication_error");
        Assert.DoesNotContain(key.Key, body, StringComparison.Ordinal);
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Theory]
    [InlineData("{\"model\":\"claude-sonnet-4-5\",\"messages\":[")]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"model\":\"claude-sonnet-4-5\"} trailing")]
    public async Task Malformed_json_is_400(string body)
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();

        var (response, text) = await PostAsync(client, "/v1/messages", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertAnthropicError(text, "invalid_request_error");
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Theory]
    [InlineData("{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")]
    [InlineData("{\"model\":42,\"max_tokens\":10,\"messages\":[]}")]
    [InlineData("{\"model\":\"claude-sonnet-4-5\",\"stream\":\"yes\",\"messages\":[]}")]
    public async Task Missing_or_mistyped_fields_are_400(string body)
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();

        var (response, text) = await PostAsync(client, "/v1/messages", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertAnthropicError(text, "invalid_request_error");
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_over_the_limit_is_413(bool chunked)
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();
        var body = Requests.Messages(text: new string('x', BodyLimit * 2));

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages");
        var bytes = Encoding.UTF8.GetBytes(body);
        request.Content = chunked ? new StreamContent(new NonSeekableStream(bytes)) : new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertAnthropicError(text, "request_too_large");
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Fact]
    public async Task Body_just_under_the_limit_is_accepted()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (_, client) = await NewClientAsync();
        var shell = Requests.Messages(text: string.Empty);
        var body = Requests.Messages(text: new string('x', BodyLimit - Encoding.UTF8.GetByteCount(shell)));
        Assert.Equal(BodyLimit, Encoding.UTF8.GetByteCount(body));

        var (response, _) = await PostAsync(client, "/v1/messages", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Fake.Count(prefix));
    }

    [Theory]
    [InlineData("GET", "/v1/nothing-here")]
    [InlineData("POST", "/v1/complete")]
    [InlineData("GET", "/claude/v2/messages")]
    public async Task Unknown_path_is_404_in_anthropic_shape(string method, string path)
    {
        var (_, client) = await NewClientAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (method == "POST")
        {
            request.Content = Requests.Json(Requests.Messages());
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertAnthropicError(body, "not_found_error");
    }

    [Fact]
    public async Task Model_no_account_serves_is_404_not_500()
    {
        await Relay.CreateAccountAsync(new AccountSpec { Name = "haiku-only", BaseUrl = Fake.BaseUrl(NewPrefix("ok")), Models = ["claude-haiku-*"] });
        var (_, client) = await NewClientAsync();

        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages(model: "claude-opus-4-1"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertAnthropicError(body, "not_found_error");
    }

    /// <summary>A body without a length, sent chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
