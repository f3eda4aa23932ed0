using System.Text;
using System.Text.Json.Nodes;
using Relay.Server.Forwarding.Exchanges;
using Relay.Server.OAuth;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Forwarding;

/// <summary>
/// The built-in <c>chatgpt</c> provider's Responses body rules on their own: what a body becomes, checked against the
/// fake Codex backend's refusals (<see cref="FakeOpenAIUpstream.CodexBodyRefusal"/>) and against the bytes the client
/// wrote.
/// </summary>
public sealed class ResponsesBodyRulesTests
{
    private static readonly OAuthProviders BuiltIn = new(new Dictionary<string, OAuthProviderOptions>());

    private static ResponsesBodyRules ChatGpt => ResponsesBodyRules.For(BuiltIn.Find("chatgpt")!)!;

    [Fact]
    public void A_compliant_body_is_the_same_memory_not_a_copy()
    {
        var body = Utf8("""{ "model":"gpt-5", "instructions":"x", "input":[], "store":false, "stream":true, "service_tier":"flex" }""");

        var result = ChatGpt.Apply(body);

        Assert.True(result.Equals(body));
    }

    [Fact]
    public void An_sdk_default_body_becomes_one_the_codex_backend_takes_and_nothing_else_changes()
    {
        const string body = """{"model":"gpt-5","input":"Hi \u00e9 \"there\"","max_output_tokens":5,"temperature":0.1,"top_p":1,"truncation":"auto","prompt_cache_retention":"24h","safety_identifier":"u1","stream":true,"tools":[{"type":"web_search"}],"include":["reasoning.encrypted_content"]}""";

        var result = Text(ChatGpt.Apply(Utf8(body)));

        Assert.Null(FakeOpenAIUpstream.CodexBodyRefusal(Encoding.UTF8.GetBytes(result)));
        Assert.Equal(
            """{"model":"gpt-5","input":[{"role":"user","content":[{"type":"input_text","text":"Hi \u00e9 \"there\""}]}],"stream":true,"tools":[{"type":"web_search"}],"include":["reasoning.encrypted_content"],"store":false,"instructions":""}""",
            result);
    }

    [Theory]
    [InlineData("""{"store":true,"instructions":"i","input":[],"stream":true}""", """{"store":false,"instructions":"i","input":[],"stream":true}""")]
    [InlineData("""{"store":null,"instructions":"i","input":[],"stream":true}""", """{"store":false,"instructions":"i","input":[],"stream":true}""")]
    [InlineData("""{"instructions":null,"store":false,"input":[],"stream":true}""", """{"store":false,"input":[],"stream":true,"instructions":""}""")]
    [InlineData("""{"max_output_tokens":1}""", """{"store":false,"instructions":""}""")]
    [InlineData("""{}""", """{"store":false,"instructions":""}""")]
    public void Only_the_offending_members_change(string body, string expected) =>
        Assert.Equal(expected, Text(ChatGpt.Apply(Utf8(body))));

    [Fact]
    public void Nested_members_and_strings_named_like_the_rewritten_fields_are_untouched()
    {
        const string body = """{"max_output_tokens":9,"metadata":{"store":"true","max_output_tokens":"9","input":"x"},"input":[{"role":"user","content":"store: true; max_output_tokens; instructions"}],"stream":true}""";

        var result = Text(ChatGpt.Apply(Utf8(body)));

        Assert.Equal(
            """{"metadata":{"store":"true","max_output_tokens":"9","input":"x"},"input":[{"role":"user","content":"store: true; max_output_tokens; instructions"}],"stream":true,"store":false,"instructions":""}""",
            result);
    }

    [Fact]
    public void A_field_name_written_with_escapes_is_still_recognised()
    {
        var result = Text(ChatGpt.Apply(Utf8("""{"max_output\u005ftokens":9,"st\u006fre":true,"instructions":"","input":[]}""")));

        Assert.Equal("""{"store":false,"instructions":"","input":[]}""", result);
    }

    [Theory]
    [InlineData("""{"model":"gpt-5","input":"unterminated""")]
    [InlineData("""{"model":"gpt-5",}""")]
    [InlineData("""["not","an","object"]""")]
    [InlineData("""not json""")]
    public void A_body_that_is_not_a_json_object_is_left_for_the_upstream_to_judge(string body)
    {
        var bytes = Utf8(body);

        Assert.True(ChatGpt.Apply(bytes).Equals(bytes));
    }

    [Theory]
    [InlineData("""{"store":false,"instructions":"i","input":[]}""", """{"store":false,"instructions":"i","input":[],"stream":true}""")]
    [InlineData("""{"stream":false,"store":false,"instructions":"i","input":[]}""", """{"stream":true,"store":false,"instructions":"i","input":[]}""")]
    [InlineData("""{"model":"gpt-5","input":"Hi"}""", """{"model":"gpt-5","input":[{"role":"user","content":[{"type":"input_text","text":"Hi"}]}],"store":false,"instructions":"","stream":true}""")]
    public void A_request_to_be_gathered_is_sent_streamed(string body, string expected) =>
        Assert.Equal(expected, Text(ChatGpt.Apply(Utf8(body), gather: true)));

    [Fact]
    public void Only_a_request_to_be_gathered_has_its_stream_member_changed()
    {
        var streamed = Utf8("""{"stream":true,"store":false,"instructions":"i","input":[]}""");
        var unstreamed = Utf8("""{"stream":false,"store":false,"instructions":"i","input":[]}""");

        Assert.True(ChatGpt.Apply(streamed, gather: true).Equals(streamed));
        Assert.True(ChatGpt.Apply(unstreamed).Equals(unstreamed));
    }

    [Fact]
    public void Only_providers_with_requirements_get_rules()
    {
        Assert.Null(ResponsesBodyRules.For(BuiltIn.Find("claude")!));
        var rules = SignInRequestRules.ByProvider(BuiltIn).Where(r => r.Value.ResponsesBody is not null).ToList();
        Assert.Equal("chatgpt", Assert.Single(rules).Key);
        Assert.True(rules[0].Value.ResponsesBody!.StreamOnly);
    }

    [Fact]
    public void An_operator_can_empty_the_drop_list_and_keep_the_rest()
    {
        var providers = new OAuthProviders(new Dictionary<string, OAuthProviderOptions> { ["chatgpt"] = new() { ResponsesDropFields = "" } });

        var result = Text(ResponsesBodyRules.For(providers.Find("chatgpt")!)!.Apply(Utf8("""{"temperature":1}""")));

        Assert.Equal("""{"temperature":1,"store":false,"instructions":""}""", result);
    }

    private static ReadOnlyMemory<byte> Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
