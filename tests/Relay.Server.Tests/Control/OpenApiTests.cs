namespace Relay.Server.Tests.Control;

public sealed class OpenApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    [Fact]
    public async Task Document_lists_the_control_routes_with_names_and_the_bearer_scheme()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.Client.BaseAddress };
        var (status, text) = await fixture.Server.SendAsync(HttpMethod.Get, "api/openapi/v1.json", client: anonymous);
        Assert.Equal(200, status);

        var document = ControlServer.Parse(text);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/accounts", "/api/accounts/{id}", "/api/accounts/{id}/reset", "/api/keys", "/api/keys/{id}", "/api/keys/{id}/rotate", "/api/usage", "/api/usage/series", "/api/prices", "/api/prices/{model}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }

        var create = paths.GetProperty("/api/accounts").GetProperty("post");
        Assert.Equal("CreateAccount", create.GetProperty("operationId").GetString());
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(create.TryGetProperty("requestBody", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("adminToken", out _));

        // Inference routes are not part of the Control API document.
        Assert.False(paths.TryGetProperty("/api/v1/messages", out _));
    }
}
