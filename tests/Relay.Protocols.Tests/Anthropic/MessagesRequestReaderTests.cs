using System.Security.Cryptography;
using System.Text;
using Relay.Protocols.Anthropic;

namespace Relay.Protocols.Tests.Anthropic;

public sealed class MessagesRequestReaderTests
{
    private static MessagesRequestHead Read(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.True(MessagesRequestReader.TryRead(bytes, out var head, out var error), error);
        Assert.Null(error);
        return head;
    }

    private static string Error(string body)
    {
        Assert.False(MessagesRequestReader.TryRead(Encoding.UTF8.GetBytes(body), out var head, out var error));
        Assert.Null(head.Model);
        Assert.NotNull(error);
        return error;
    }

    // The reader must hand exactly these raw spans to the session hash.
    private static string? ExpectedHash(string rawSystem, string rawFirstUserMessage) =>
        SessionKeys.FromContent(Encoding.UTF8.GetBytes(rawSystem), Encoding.UTF8.GetBytes(rawFirstUserMessage));

    [Fact]
    public void Reads_model_stream_and_the_model_token_position()
    {
        const string body = """{"max_tokens":1024, "model" : "claude-sonnet-4-5" ,"stream":true,"messages":[]}""";
        var head = Read(body);

        Assert.Equal("claude-sonnet-4-5", head.Model);
        Assert.True(head.Stream);
        Assert.Equal("\"claude-sonnet-4-5\"", body.Substring(head.ModelValueStart, head.ModelValueLength));
        Assert.Null(head.SessionKey);
    }

    [Fact]
    public void Stream_defaults_to_false_and_escaped_models_are_unescaped()
    {
        const string body = """{"model":"claude\u002Dhaiku","stream":false}""";
        var head = Read(body);

        Assert.Equal("claude-haiku", head.Model);
        Assert.False(head.Stream);
        Assert.Equal("\"claude\\u002Dhaiku\"", body.Substring(head.ModelValueStart, head.ModelValueLength));
    }

    [Fact]
    public void Session_from_claude_code_json_user_id()
    {
        var head = Read("""
            {"model":"claude-sonnet-4-5","metadata":{"user_id":"{\"device_id\":\"5d9b2f0c\",\"account_uuid\":\"0b7c1e9a-2f45-4c1d-9e6b-3a8d7f2c1b40\",\"session_id\":\"8f14e45f-ceea-467f-a0e6-2c6c0d4d3e21\"}"},"messages":[{"role":"user","content":"hi"}]}
            """);

        Assert.Equal("u:8f14e45f-ceea-467f-a0e6-2c6c0d4d3e21", head.SessionKey);
    }

    [Fact]
    public void Session_from_older_claude_code_user_id()
    {
        var head = Read("""
            {"metadata":{"user_id":"user_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08_account_0b7c1e9a-2f45-4c1d-9e6b-3a8d7f2c1b40_session_8f14e45f-ceea-467f-a0e6-2c6c0d4d3e21"},"model":"claude-sonnet-4-5"}
            """);

        Assert.Equal("u:8f14e45f-ceea-467f-a0e6-2c6c0d4d3e21", head.SessionKey);
    }

    [Theory]
    [InlineData("customer-42", "u:customer-42")]
    [InlineData("{not json", "u:{not json")]
    [InlineData("{\\\"device_id\\\":\\\"d\\\"}", "u:{\"device_id\":\"d\"}")]
    [InlineData("ünïcode", "u:ünïcode")]
    public void Other_user_ids_are_used_whole(string userIdJson, string expected)
    {
        var head = Read("{\"model\":\"m\",\"metadata\":{\"user_id\":\"" + userIdJson + "\"}}");

        Assert.Equal(expected, head.SessionKey);
    }

    [Fact]
    public void Session_hash_covers_raw_system_and_first_user_message()
    {
        const string system = """[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}]""";
        const string first = """{"role":"user","content":[{"type":"text","text":"Fix the bug"}]}""";
        var head = Read("{\"model\":\"m\",\"system\":" + system + ",\"messages\":[" + first + ",{\"role\":\"assistant\",\"content\":\"ok\"}],\"metadata\":{}}");

        Assert.Equal(ExpectedHash(system, first), head.SessionKey);
        Assert.Equal(34, head.SessionKey!.Length);
    }

    [Fact]
    public void Session_hash_tells_large_prompts_apart_by_content_and_size()
    {
        static string? Key(string text) => Read("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}").SessionKey;
        var big = new string('a', 400_000);

        Assert.Equal(Key(big), Key(big));
        Assert.NotEqual(Key(big), Key("b" + big[1..]));
        Assert.NotEqual(Key(big), Key(big + "a"));
    }

    [Fact]
    public void Session_hash_is_stable_across_later_turns()
    {
        const string start = """{"model":"m","system":"Be brief.","messages":[{"role":"user","content":"hello"}""";
        var first = Read(start + "]}");
        var later = Read(start + """,{"role":"assistant","content":"hi"},{"role":"user","content":"more"}],"stream":true}""");

        Assert.Equal(first.SessionKey, later.SessionKey);
        Assert.Equal(ExpectedHash("\"Be brief.\"", """{"role":"user","content":"hello"}"""), first.SessionKey);
    }

    [Fact]
    public void Session_hash_skips_a_first_message_that_is_not_from_the_user()
    {
        var head = Read("""{"model":"m","messages":[{"content":"x","role":"assistant"}],"system":"s"}""");
        Assert.Equal(ExpectedHash("\"s\"", ""), head.SessionKey);

        Assert.Null(Read("""{"model":"m","messages":[{"role":"assistant","content":"x"}]}""").SessionKey);
        Assert.Equal(ExpectedHash("", """{"content":"x","role":"user"}"""), Read("""{"model":"m","messages":[{"content":"x","role":"user"}]}""").SessionKey);
    }

    [Fact]
    public void User_id_wins_over_the_content_hash()
    {
        var head = Read("""{"model":"m","system":"s","messages":[{"role":"user","content":"x"}],"metadata":{"user_id":"abc"}}""");

        Assert.Equal("u:abc", head.SessionKey);
    }

    [Fact]
    public void Reads_a_large_body_in_one_pass()
    {
        var builder = new StringBuilder("""{"system":[{"type":"text","text":"You are a coding agent."}],"messages":[""");
        string filler = new('a', 1000);
        for (int i = 0; i < 520; i++)
        {
            builder.Append(i == 0 ? "" : ",")
                .Append(i % 2 == 0 ? """{"role":"user","content":[{"type":"text","text":""" : """{"role":"assistant","content":[{"type":"text","text":""")
                .Append('"').Append(filler).Append(i).Append("\"}]}");
        }

        builder.Append("""],"tools":[{"name":"Bash","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}],"max_tokens":32000,"stream":true,"model":"claude-opus-4-1-20250805"}""");
        var body = builder.ToString();
        Assert.True(body.Length > 500_000);

        var head = Read(body);

        Assert.Equal("claude-opus-4-1-20250805", head.Model);
        Assert.True(head.Stream);
        Assert.Equal("\"claude-opus-4-1-20250805\"", body.Substring(head.ModelValueStart, head.ModelValueLength));
        Assert.StartsWith("h:", head.SessionKey, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("""{"model":"m",}""")]
    [InlineData("""{"model":"m"} {}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user"]}""")]
    [InlineData("not json")]
    [InlineData("[1,")]
    public void Invalid_json_is_reported_without_body_content(string body)
    {
        Assert.Equal("Request body is not valid JSON.", Error(body));
    }

    [Fact]
    public void Invalid_utf8_in_the_model_is_invalid_json()
    {
        byte[] body = [.. "{\"model\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.False(MessagesRequestReader.TryRead(body, out _, out var error));
        Assert.Equal("Request body is not valid JSON.", error);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"model\"")]
    [InlineData("42")]
    public void Non_objects_are_rejected(string body)
    {
        Assert.Equal("Request body must be a JSON object.", Error(body));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"model":null}""")]
    [InlineData("""{"model":42,"stream":true}""")]
    [InlineData("""{"messages":[],"stream":false}""")]
    public void Model_must_be_a_string(string body)
    {
        Assert.Equal("Field 'model' is required and must be a string.", Error(body));
    }

    [Theory]
    [InlineData("""{"model":"m","stream":"true"}""")]
    [InlineData("""{"model":"m","stream":1}""")]
    [InlineData("""{"model":"m","stream":null}""")]
    public void Stream_must_be_a_boolean(string body)
    {
        Assert.Equal("Field 'stream' must be a boolean.", Error(body));
    }

    [Fact]
    public void Errors_never_echo_the_body()
    {
        const string secret = "sk-ant-api03-SECRET";
        foreach (var body in new[] { "{\"model\":\"" + secret, "{\"model\":1,\"x\":\"" + secret + "\"}", "[\"" + secret + "\"]" })
        {
            Assert.DoesNotContain(secret, Error(body), StringComparison.Ordinal);
        }
    }
}
