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
        foreach (var path in new[] { "/api/accounts", "/api/accounts/{id}", "/api/accounts/{id}/reset", "/api/keys", "/api/keys/{id}", "/api/keys/{id}/rotate", "/api/usage", "/api/usage/series", "/api/prices", "/api/prices/{model}", "/api/groups", "/api/groups/{id}", "/api/policies", "/api/policies/{id}", "/api/settings", "/api/me" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }

        var create = paths.GetProperty("/api/accounts").GetProperty("post");
        Assert.Equal("CreateAccount", create.GetProperty("operationId").GetString());
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(create.TryGetProperty("requestBody", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("adminToken", out _));

        // The issue-4 nouns: one operation per verb, named and tagged like the others, conflicts declared.
        (string Path, string Method, string Name, string Tag)[] added =
        [
            ("/api/groups", "get", "ListGroups", "Groups"), ("/api/groups", "post", "CreateGroup", "Groups"),
            ("/api/groups/{id}", "get", "GetGroup", "Groups"), ("/api/groups/{id}", "patch", "UpdateGroup", "Groups"), ("/api/groups/{id}", "delete", "DeleteGroup", "Groups"),
            ("/api/policies", "get", "ListPolicies", "Policies"), ("/api/policies", "post", "CreatePolicy", "Policies"),
            ("/api/policies/{id}", "get", "GetPolicy", "Policies"), ("/api/policies/{id}", "patch", "UpdatePolicy", "Policies"), ("/api/policies/{id}", "delete", "DeletePolicy", "Policies"),
            ("/api/settings", "get", "GetSettings", "Settings"), ("/api/settings", "patch", "UpdateSettings", "Settings"),
        ];
        foreach (var (path, method, name, tag) in added)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Equal(name, operation.GetProperty("operationId").GetString());
            Assert.Equal(tag, operation.GetProperty("tags")[0].GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{name} has no summary");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{name} does not declare 401");
        }

        // The admin UI's routes: documented like the rest.
        (string Path, string Method, string Name, string Tag)[] ui =
        [
            ("/api/usage/events", "get", "ListUsageEvents", "Usage"), ("/api/usage/events.csv", "get", "ExportUsageEvents", "Usage"),
            ("/api/status", "get", "GetStatus", "Status"), ("/api/accounts/{id}/test", "post", "TestAccount", "Accounts"),
            ("/api/admin-users", "get", "ListAdminUsers", "Admin users"), ("/api/admin-users", "post", "CreateAdminUser", "Admin users"),
            ("/api/admin-users/{username}/password", "put", "SetAdminPassword", "Admin users"), ("/api/admin-users/{username}", "delete", "DeleteAdminUser", "Admin users"),
        ];
        foreach (var (path, method, name, tag) in added.Concat(ui))
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Equal(name, operation.GetProperty("operationId").GetString());
            Assert.Equal(tag, operation.GetProperty("tags")[0].GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{name} has no summary");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{name} does not declare 401");
        }

        Assert.True(paths.GetProperty("/api/groups/{id}").GetProperty("delete").GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(paths.GetProperty("/api/policies").GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.True(paths.GetProperty("/api/settings").GetProperty("patch").TryGetProperty("requestBody", out _));

        // Inference routes are not part of the Control API document.
        Assert.False(paths.TryGetProperty("/api/v1/messages", out _));
    }
}
