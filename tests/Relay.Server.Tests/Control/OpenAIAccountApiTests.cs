namespace Relay.Server.Tests.Control;

/// <summary>OpenAI, OpenAI-compatible and Azure OpenAI accounts in the Control API: defaults, shapes, Azure settings.</summary>
public sealed class OpenAIAccountApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    private ControlServer Server => fixture.Server;

    private static string NewSecret() => "sk-proj-" + ControlServer.RandomToken(40);

    [Fact]
    public async Task An_openai_account_defaults_to_openai_itself_serving_chat_and_responses()
    {
        var secret = NewSecret();
        var (status, text) = await Server.PostAsync("api/accounts", $$"""{"name":"openai-1","platform":"openai","secret":"{{secret}}"}""");

        Assert.Equal(201, status);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        var view = ControlServer.Parse(text);
        Assert.Equal("openai", view.GetProperty("platform").GetString());
        Assert.Equal("https://api.openai.com/v1", view.GetProperty("baseUrl").GetString());
        Assert.Equal(["chat", "responses"], view.GetProperty("shapes").EnumerateArray().Select(s => s.GetString()));
        Assert.False(view.TryGetProperty("azure", out _));
    }

    [Fact]
    public async Task A_compatible_host_serves_chat_unless_the_operator_says_more()
    {
        var (_, text) = await Server.PostAsync("api/accounts", $$"""{"name":"vllm","platform":"openai","baseUrl":"http://10.0.0.5:8000/v1","secret":"{{NewSecret()}}"}""");
        var view = ControlServer.Parse(text);
        Assert.Equal(["chat"], view.GetProperty("shapes").EnumerateArray().Select(s => s.GetString()));

        var id = view.GetProperty("id").GetString();
        var (status, patched) = await Server.PatchAsync($"api/accounts/{id}", """{"shapes":["chat","responses"]}""");
        Assert.Equal(200, status);
        Assert.Equal(["chat", "responses"], ControlServer.Parse(patched).GetProperty("shapes").EnumerateArray().Select(s => s.GetString()));

        // An empty list goes back to the default.
        var (_, reset) = await Server.PatchAsync($"api/accounts/{id}", """{"shapes":[]}""");
        Assert.Equal(["chat"], ControlServer.Parse(reset).GetProperty("shapes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Shapes_must_belong_to_the_platform()
    {
        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/accounts", $$"""{"name":"x","platform":"openai","shapes":["messages"],"secret":"{{NewSecret()}}"}"""));
        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/accounts", $$"""{"name":"x","shapes":["chat"],"secret":"{{NewSecret()}}"}"""));
        var (status, text) = await Server.PostAsync("api/accounts", $$"""{"name":"x","platform":"gemini","secret":"{{NewSecret()}}"}""");
        Assert.Equal(400, status);
        Assert.Contains("anthropic, openai", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_needs_an_api_version_on_an_openai_account_and_null_removes_it()
    {
        var (status, text) = await Server.PostAsync("api/accounts", $$"""
            {"name":"azure-east","platform":"openai","baseUrl":"https://acme-east.openai.azure.com","azure":{"apiVersion":"2024-10-21"},
             "modelMap":{"gpt-4o":"prod-gpt4o"},"secret":"{{NewSecret()}}"}
            """);
        Assert.Equal(201, status);
        var view = ControlServer.Parse(text);
        Assert.Equal("2024-10-21", view.GetProperty("azure").GetProperty("apiVersion").GetString());

        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/accounts", $$"""{"name":"bad","platform":"openai","azure":{},"secret":"{{NewSecret()}}"}"""));
        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/accounts", $$"""{"name":"bad","azure":{"apiVersion":"2024-10-21"},"secret":"{{NewSecret()}}"}"""));
        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/accounts", $$"""{"name":"bad","platform":"openai","azure":{"apiVersion":"2024 10"},"secret":"{{NewSecret()}}"}"""));

        var id = view.GetProperty("id").GetString();
        var (patchStatus, patched) = await Server.PatchAsync($"api/accounts/{id}", """{"azure":null}""");
        Assert.Equal(200, patchStatus);
        Assert.False(ControlServer.Parse(patched).TryGetProperty("azure", out _));
    }
}
