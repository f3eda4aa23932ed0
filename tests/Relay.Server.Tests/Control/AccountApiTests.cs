using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.State;

namespace Relay.Server.Tests.Control;

public sealed class AccountApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    private ControlServer Server => fixture.Server;

    private static string NewSecret() => "sk-ant-api03-" + ControlServer.RandomToken(40);

    [Fact]
    public async Task Create_applies_defaults_and_never_returns_the_secret()
    {
        var secret = NewSecret();
        var (status, text) = await Server.PostAsync("api/accounts", $$"""{"name":"defaults","secret":"{{secret}}"}""");

        Assert.Equal(201, status);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("ciphertext", text, StringComparison.OrdinalIgnoreCase);
        var view = ControlServer.Parse(text);
        Assert.StartsWith("acc_", view.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("defaults", view.GetProperty("name").GetString());
        Assert.Equal("anthropic", view.GetProperty("platform").GetString());
        Assert.Equal("api-key", view.GetProperty("type").GetString());
        Assert.Equal("https://api.anthropic.com", view.GetProperty("baseUrl").GetString());
        Assert.Equal(50, view.GetProperty("priority").GetInt32());
        Assert.Equal(1, view.GetProperty("weight").GetInt32());
        Assert.Equal(0, view.GetProperty("maxConcurrency").GetInt32());
        Assert.Equal(0, view.GetProperty("models").GetArrayLength());
        Assert.Empty(view.GetProperty("modelMap").EnumerateObject());
        Assert.True(view.GetProperty("enabled").GetBoolean());
        Assert.True(view.GetProperty("hasSecret").GetBoolean());
        Assert.Equal("active", view.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(0, view.GetProperty("status").GetProperty("inFlight").GetInt32());
        Assert.True(view.TryGetProperty("createdAt", out _));
        Assert.True(view.TryGetProperty("updatedAt", out _));

        // Takes effect at once: the request path's snapshot already holds the decrypted secret.
        Assert.Equal(secret, Server.Snapshot.AccountsById[view.GetProperty("id").GetString()!].Secret);
    }

    [Fact]
    public async Task Crud_round_trip_keeps_the_secret_out_of_every_response_and_log()
    {
        var secret = NewSecret();
        var created = await Server.CreateAccountAsync(
            "crud",
            secret,
            ""","baseUrl":"http://127.0.0.1:9/up","priority":7,"weight":3,"maxConcurrency":2,"models":["claude-*"],"modelMap":{"fast":"claude-haiku-4-5"}""");
        var id = created.GetProperty("id").GetString()!;
        var responses = new List<string>();

        var get = await Server.GetAsync($"api/accounts/{id}");
        Assert.Equal(200, get.Status);
        responses.Add(get.Text);
        var view = ControlServer.Parse(get.Text);
        Assert.Equal(7, view.GetProperty("priority").GetInt32());
        Assert.Equal("claude-haiku-4-5", view.GetProperty("modelMap").GetProperty("fast").GetString());
        Assert.Equal("claude-*", view.GetProperty("models")[0].GetString());

        var list = await Server.GetAsync("api/accounts");
        Assert.Equal(200, list.Status);
        responses.Add(list.Text);
        Assert.Contains(ControlServer.Parse(list.Text).GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == id);

        var newSecret = NewSecret();
        var patch = await Server.PatchAsync($"api/accounts/{id}", $$"""{"name":"crud-renamed","weight":5,"secret":"{{newSecret}}"}""");
        Assert.Equal(200, patch.Status);
        responses.Add(patch.Text);
        var patched = ControlServer.Parse(patch.Text);
        Assert.Equal("crud-renamed", patched.GetProperty("name").GetString());
        Assert.Equal(5, patched.GetProperty("weight").GetInt32());
        Assert.Equal(7, patched.GetProperty("priority").GetInt32());
        Assert.Equal(newSecret, Server.Snapshot.AccountsById[id].Secret);

        var disabled = await Server.PatchAsync($"api/accounts/{id}", """{"enabled":false}""");
        responses.Add(disabled.Text);
        Assert.Equal("disabled", ControlServer.Parse(disabled.Text).GetProperty("status").GetProperty("state").GetString());

        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/accounts/{id}")).Status);
        ControlServer.AssertError(404, "not_found", await Server.GetAsync($"api/accounts/{id}"));
        ControlServer.AssertError(404, "not_found", await Server.SendAsync(HttpMethod.Delete, $"api/accounts/{id}"));
        ControlServer.AssertError(404, "not_found", await Server.PatchAsync($"api/accounts/{id}", """{"name":"x"}"""));
        Assert.False(Server.Snapshot.AccountsById.ContainsKey(id));

        foreach (var text in responses)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(newSecret, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(secret, Server.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(newSecret, Server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_clears_cooling_and_error()
    {
        var id = (await Server.CreateAccountAsync("reset-me", NewSecret())).GetProperty("id").GetString()!;
        var hot = Server.App.Services.GetRequiredService<IHotState>();
        hot.ReportFailure(id, FailureKind.AuthRejected, null, "upstream said 401", DateTimeOffset.UtcNow);

        var before = ControlServer.Parse((await Server.GetAsync($"api/accounts/{id}")).Text).GetProperty("status");
        Assert.Equal("error", before.GetProperty("state").GetString());
        Assert.Equal("upstream said 401", before.GetProperty("reason").GetString());

        var (status, text) = await Server.PostAsync($"api/accounts/{id}/reset", null);
        Assert.Equal(200, status);
        var after = ControlServer.Parse(text).GetProperty("status");
        Assert.Equal("active", after.GetProperty("state").GetString());
        Assert.False(after.TryGetProperty("reason", out _));

        ControlServer.AssertError(404, "not_found", await Server.PostAsync("api/accounts/acc_missing/reset", null));
    }

    [Fact]
    public async Task Cooling_shows_until()
    {
        var id = (await Server.CreateAccountAsync("cooling", NewSecret())).GetProperty("id").GetString()!;
        Server.App.Services.GetRequiredService<IHotState>()
            .ReportFailure(id, FailureKind.RateLimited, TimeSpan.FromMinutes(5), "rate limited", DateTimeOffset.UtcNow);

        var status = ControlServer.Parse((await Server.GetAsync($"api/accounts/{id}")).Text).GetProperty("status");
        Assert.Equal("cooling", status.GetProperty("state").GetString());
        Assert.True(status.GetProperty("until").GetDateTimeOffset() > DateTimeOffset.UtcNow);
    }

    [Theory]
    [InlineData("""{"secret":"s"}""", "name")]
    [InlineData("""{"name":"","secret":"s"}""", "name")]
    [InlineData("""{"name":"n"}""", "secret")]
    [InlineData("""{"name":"n","secret":""}""", "secret")]
    [InlineData("""{"name":"n","secret":"s","platform":"openai-ish"}""", "platform")]
    [InlineData("""{"name":"n","secret":"s","type":"oauth-ish"}""", "type")]
    [InlineData("""{"name":"n","secret":"s","baseUrl":"ftp://example.com"}""", "baseUrl")]
    [InlineData("""{"name":"n","secret":"s","baseUrl":"not a url"}""", "baseUrl")]
    [InlineData("""{"name":"n","secret":"s","weight":0}""", "weight")]
    [InlineData("""{"name":"n","secret":"s","weight":1001}""", "weight")]
    [InlineData("""{"name":"n","secret":"s","priority":-1}""", "priority")]
    [InlineData("""{"name":"n","secret":"s","priority":1000001}""", "priority")]
    [InlineData("""{"name":"n","secret":"s","maxConcurrency":-1}""", "maxConcurrency")]
    [InlineData("""{"name":"n","secret":"s","models":[""]}""", "models")]
    [InlineData("""{"name":"n","secret":"s","modelMap":{"a":""}}""", "modelMap")]
    public async Task Create_validates_fields(string body, string field)
    {
        var response = await Server.PostAsync("api/accounts", body);
        ControlServer.AssertError(400, "invalid_request", response);
        Assert.Contains(field, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_refuses_a_name_over_100_characters()
    {
        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/accounts", $$"""{"name":"{{new string('n', 101)}}","secret":"s"}"""));
        Assert.Equal(201, (await Server.PostAsync("api/accounts", $$"""{"name":"{{new string('n', 100)}}","secret":"s"}""")).Status);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"name\":\"n\",", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("null", "JSON object")]
    [InlineData("\"text\"", "JSON object")]
    [InlineData("""{"name":5,"secret":"s"}""", "'name' must be a string")]
    [InlineData("""{"name":"n","secret":"s","weight":"3"}""", "'weight' must be an integer")]
    [InlineData("""{"name":"n","secret":"s","weight":1.5}""", "'weight' must be an integer")]
    [InlineData("""{"name":"n","secret":"s","priority":99999999999}""", "'priority' must be an integer")]
    [InlineData("""{"name":"n","secret":"s","enabled":"yes"}""", "'enabled' must be true or false")]
    [InlineData("""{"name":"n","secret":"s","models":"claude-*"}""", "'models' must be an array of strings")]
    [InlineData("""{"name":"n","secret":"s","models":[1]}""", "'models' must be an array of strings")]
    [InlineData("""{"name":"n","secret":"s","modelMap":{"a":1}}""", "'modelMap' must be an object whose values are strings")]
    [InlineData("""{"name":"n","secret":"s","modelMap":["a"]}""", "'modelMap' must be an object whose values are strings")]
    [InlineData("""{"name":"n","secret":"s","weight":null}""", "'weight' must not be null")]
    [InlineData("""{"name":"n","secret":"s","maxConcurency":3}""", "Unknown field 'maxConcurency'")]
    public async Task Malformed_bodies_are_a_clear_400_never_a_500(string body, string expected)
    {
        var create = await Server.PostAsync("api/accounts", body);
        ControlServer.AssertError(400, "invalid_request", create);
        Assert.Contains(expected, ControlServer.Parse(create.Text).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"weight":"heavy"}""")]
    [InlineData("""{"colour":"blue"}""")]
    [InlineData("""{"secret":""}""")]
    [InlineData("""{"weight":0}""")]
    [InlineData("""{"name":null}""")]
    public async Task Patch_refuses_malformed_or_invalid_bodies(string body)
    {
        var id = (await Server.CreateAccountAsync("patch-invalid", NewSecret())).GetProperty("id").GetString()!;
        ControlServer.AssertError(400, "invalid_request", await Server.PatchAsync($"api/accounts/{id}", body));
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task The_body_is_read_as_json_whatever_the_content_type(string? contentType)
    {
        // What `curl -d '{…}'` sends: the body is JSON even though the header says otherwise.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/accounts")
        {
            Content = new ByteArrayContent("""{"name":"curl","secret":"sk-curl"}"""u8.ToArray()),
        };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await Server.Client.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);

        using var anonymous = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        using var unauthenticated = await anonymous.PostAsync("api/accounts", new StringContent("{}", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(401, (int)unauthenticated.StatusCode);
    }

    [Fact]
    public async Task Error_envelope_is_exact()
    {
        var (status, text) = await Server.GetAsync("api/accounts/acc_nope");
        Assert.Equal(404, status);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Single(root.EnumerateObject());
        var error = root.GetProperty("error");
        Assert.Equal(["type", "message"], error.EnumerateObject().Select(p => p.Name));
    }
}
