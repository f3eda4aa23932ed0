using System.Net.Http.Headers;
using System.Text;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// A fresh relay per test (fast: one SQLite file in a temp dir), the class's shared fake upstream, and the
/// check every test ends with: no captured log line contains a secret the test created.
/// </summary>
public abstract class ProxyTestBase(UpstreamFixture upstream) : IAsyncLifetime
{
    private static int s_prefixCounter;
    private readonly List<HttpClient> _clients = [];

    protected FakeAnthropicUpstream Fake => upstream.Fake;

    protected RelayServer Relay { get; private set; } = null!;

    /// <summary>Relay settings for every test of the class.</summary>
    protected virtual RelayServerOptions Options => new();

    public virtual async Task InitializeAsync() => Relay = await RelayServer.StartAsync(Options);

    public virtual async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        var leaks = Relay.LogLinesWithSecrets();
        await Relay.DisposeAsync();
        Assert.True(leaks.Count == 0, "Secrets in log lines:\n" + string.Join("\n", leaks.Select(l => l.Line.ToString())));
    }

    /// <summary>A prefix no other test uses, playing <paramref name="scenario"/>.</summary>
    protected static string NewPrefix(string scenario) => $"{scenario}-{Interlocked.Increment(ref s_prefixCounter)}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Creates an account whose upstream plays <paramref name="scenario"/> (or is refused, for "refused").</summary>
    protected async Task<(AccountView Account, string Prefix)> AddAccountAsync(
        string scenario,
        int? priority = null,
        int? maxConcurrency = null,
        IReadOnlyDictionary<string, string>? modelMap = null,
        int? weight = null)
    {
        var prefix = NewPrefix(scenario);
        var baseUrl = scenario == "refused" ? FakeAnthropicUpstream.ClosedPortUrl() : Fake.BaseUrl(prefix);
        var account = await Relay.CreateAccountAsync(new AccountSpec
        {
            Name = prefix,
            BaseUrl = baseUrl,
            Priority = priority,
            MaxConcurrency = maxConcurrency,
            ModelMap = modelMap,
            Weight = weight,
        });
        return (account, prefix);
    }

    /// <summary>A new relay key and a client that sends it as x-api-key (or Bearer).</summary>
    protected async Task<(IssuedKey Key, HttpClient Client)> NewClientAsync(bool bearer = false)
    {
        var key = await Relay.CreateKeyAsync();
        var client = Relay.CreateClient(key.Key, bearer);
        _clients.Add(client);
        return (key, client);
    }

    protected static async Task<(HttpResponseMessage Response, string Body)> PostAsync(HttpClient client, string path, string body, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = Requests.Post(path, body);
        adjust?.Invoke(request);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text);
    }

    protected static async Task<(HttpResponseMessage Response, byte[] Body)> PostBytesAsync(HttpClient client, string path, string body, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = Requests.Post(path, body);
        adjust?.Invoke(request);
        var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (response, bytes);
    }

    protected static void AssertAnthropicError(string body, string expectedType)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(expectedType, json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetProperty("message").GetString()));
    }

    protected static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    protected static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : null;

    protected static MediaTypeHeaderValue? ContentType(HttpResponseMessage response) => response.Content.Headers.ContentType;
}
