using System.Text;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.Sse;
using Relay.Protocols.Tests.Sse;

namespace Relay.Protocols.Tests.Anthropic;

public sealed class AnthropicErrorsTests
{
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "billing_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(408, "timeout_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(529, "overloaded_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(409, "invalid_request_error")]
    [InlineData(422, "invalid_request_error")]
    public void Maps_status_to_type(int status, string type)
    {
        Assert.Equal(type, AnthropicErrors.TypeForStatus(status));
    }

    [Fact]
    public void Body_is_escaped_json_in_anthropic_shape()
    {
        var body = AnthropicErrors.Body(429, "Too \"many\" requests\n<retry>");

        using var doc = JsonDocument.Parse(body);
        Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("rate_limit_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Too \"many\" requests\n<retry>", doc.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("""{"type":"error","error":{"type":"api_error","message":"x"}}""", Encoding.UTF8.GetString(AnthropicErrors.Body("api_error", "x")));
    }

    [Fact]
    public void Stream_error_event_round_trips_through_the_scanner_and_observer()
    {
        var bytes = AnthropicErrors.StreamErrorEvent("overloaded_error", "Upstream overloaded");

        Assert.StartsWith("event: error\ndata: {", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);

        var observer = new MessagesStreamObserver();
        using var scanner = new SseEventScanner();
        scanner.Feed(bytes, observer);
        Assert.Equal("overloaded_error", observer.ErrorType);
        Assert.Equal("Upstream overloaded", observer.ErrorMessage);
        Assert.True(observer.FirstEventWasError);
    }

    [Fact]
    public void Reads_an_upstream_error()
    {
        Assert.True(AnthropicErrors.TryReadError(
            """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}"""u8,
            out var type, out var message));

        Assert.Equal("invalid_request_error", type);
        Assert.Equal("prompt is too long: 210000 tokens > 200000 maximum", message);
    }

    [Theory]
    [InlineData("<html><body>Bad gateway</body></html>")]
    [InlineData("""{"id":"msg_1","type":"message"}""")]
    [InlineData("""{"error":"plain string"}""")]
    [InlineData("")]
    public void Non_anthropic_errors_are_not_read(string body)
    {
        Assert.False(AnthropicErrors.TryReadError(Encoding.UTF8.GetBytes(body), out var type, out var message));
        Assert.Null(type);
        Assert.Null(message);
    }

    [Fact]
    public void Round_trips_its_own_body()
    {
        Assert.True(AnthropicErrors.TryReadError(AnthropicErrors.Body(401, "bad key"), out var type, out var message));
        Assert.Equal(("authentication_error", "bad key"), (type, message));
    }
}
