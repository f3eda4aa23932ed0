using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary>
/// A real relay whose built-in <c>claude</c> and <c>chatgpt</c> providers point at one <see cref="FakeOAuthProvider"/>,
/// with the fake Anthropic upstream for traffic. Every Control API answer is kept: at the end no answer, log line or
/// byte of the SQLite files may hold a token, code or verifier the fake issued or saw.
/// </summary>
public abstract class OAuthSignInTestBase(UpstreamFixture upstream) : ProxyTestBase(upstream)
{
    private readonly List<string> _answers = [];

    protected FakeOAuthProvider OAuth { get; private set; } = null!;

    protected override RelayServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>(OAuth.Settings("claude").Concat(OAuth.Settings("chatgpt"))),
    };

    public override async Task InitializeAsync()
    {
        OAuth = await FakeOAuthProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        var secrets = OAuth.IssuedTokens.Where(s => s.Length >= 8).ToList();
        foreach (var secret in secrets)
        {
            Relay.AddKnownSecret(secret);
        }

        foreach (var answer in _answers)
        {
            var leaked = secrets.FirstOrDefault(s => answer.Contains(s, StringComparison.Ordinal));
            Assert.True(leaked is null, $"A Control API answer holds a secret: {answer}");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Relay.DataDir, "relay.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            var bytes = await reader.ReadToEndAsync();
            var leaked = secrets.FirstOrDefault(s => bytes.Contains(s, StringComparison.Ordinal));
            Assert.True(leaked is null, $"{Path.GetFileName(file)} holds a secret in clear text");
        }

        await base.DisposeAsync();
        await OAuth.DisposeAsync();
    }

    protected async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Relay.Admin.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        _answers.Add(text);
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!);
    }

    protected async Task<JsonNode> GetAsync(string path)
    {
        using var response = await Relay.Admin.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        _answers.Add(text);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    /// <summary>Starts a sign-in and asserts 201.</summary>
    protected async Task<JsonNode> StartAsync(string provider, object body)
    {
        var (status, started) = await PostAsync($"api/accounts/oauth/{provider}/start", body);
        Assert.True(status == HttpStatusCode.Created, started.ToJsonString());
        return started;
    }

    protected Task<(HttpStatusCode Status, JsonNode Body)> CompleteAsync(string provider, JsonNode started, string code) =>
        PostAsync($"api/accounts/oauth/{provider}/complete", new { sessionId = (string)started["sessionId"]!, code });

    /// <summary>Start, the operator's browser, paste: the new account's view.</summary>
    protected async Task<JsonNode> SignInAsync(string provider, string name, string baseUrl, string method = "browser")
    {
        var started = await StartAsync(provider, new { method, account = new { name, baseUrl } });
        var pasted = await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!);
        var (status, view) = await CompleteAsync(provider, started, pasted);
        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        return view;
    }

    protected static void AssertError(HttpStatusCode expected, string type, (HttpStatusCode Status, JsonNode Body) answer, string? mentions = null)
    {
        Assert.True(answer.Status == expected, $"expected {(int)expected}, got {(int)answer.Status}: {answer.Body.ToJsonString()}");
        Assert.Equal(type, (string)answer.Body["error"]!["type"]!);
        if (mentions is not null)
        {
            Assert.Contains(mentions, (string)answer.Body["error"]!["message"]!, StringComparison.Ordinal);
        }
    }

    /// <summary>A JWT with these claims (any signature), as OpenAI issues them.</summary>
    protected static string Jwt(object claims)
    {
        static string Part(object value) => System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
        return $"{Part(new { alg = "RS256" })}.{Part(claims)}.c2lnbmF0dXJl";
    }
}
