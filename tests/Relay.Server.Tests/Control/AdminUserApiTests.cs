using Relay.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Server.Tests.Control;

/// <summary><c>/api/admin-users</c>: the CLI's admin user verbs over HTTP, with the same rules.</summary>
public sealed class AdminUserApiTests
{
    [Fact]
    public async Task Add_list_change_password_and_remove_with_the_caller_marked_current()
    {
        await using var server = await ControlServer.StartAsync();
        var adminPassword = Session.PasswordFrom(server.StartupOutput);
        var session = await Session.SignInAsync(server, "admin", adminPassword);

        // A generated password is returned once; a given one never is.
        var (status, text) = await session.SendAsync(server, HttpMethod.Post, "api/admin-users", """{"username":"carol"}""", session.CsrfToken);
        Assert.True(status == 201, text);
        var created = ControlServer.Parse(text);
        Assert.Equal("carol", created.GetProperty("username").GetString());
        var carolPassword = created.GetProperty("password").GetString()!;
        Assert.True(carolPassword.Length >= 12);
        await Session.SignInAsync(server, "carol", carolPassword);

        var (givenStatus, givenText) = await server.PostAsync("api/admin-users", """{"username":"dave","password":"correct horse battery"}""");
        Assert.Equal(201, givenStatus);
        Assert.False(ControlServer.Parse(givenText).TryGetProperty("password", out _));

        var (_, listText) = await session.SendAsync(server, HttpMethod.Get, "api/admin-users");
        var items = ControlServer.Parse(listText).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["admin", "carol", "dave"], items.Select(i => i.GetProperty("username").GetString()).Order());
        Assert.True(items.Single(i => i.GetProperty("username").GetString() == "admin").GetProperty("current").GetBoolean());
        Assert.All(items.Where(i => i.GetProperty("username").GetString() != "admin"), i => Assert.False(i.GetProperty("current").GetBoolean()));
        Assert.All(items, i => Assert.Equal(System.Text.Json.JsonValueKind.String, i.GetProperty("createdAt").ValueKind));

        // With the admin token nobody is "current".
        var byToken = ControlServer.Parse((await server.GetAsync("api/admin-users")).Text).GetProperty("items").EnumerateArray();
        Assert.All(byToken, i => Assert.False(i.GetProperty("current").GetBoolean()));

        // A new password signs the user out everywhere; the old one stops working.
        var carol = await Session.SignInAsync(server, "carol", carolPassword);
        var (putStatus, putText) = await server.SendAsync(HttpMethod.Put, "api/admin-users/carol/password", """{"password":"a brand new passphrase"}""");
        Assert.Equal(200, putStatus);
        Assert.Equal("""{"username":"carol"}""", putText);
        Assert.Equal(401, (await carol.SendAsync(server, HttpMethod.Get, "api/accounts")).Status);
        Assert.Equal(401, (await Session.TrySignInAsync(server, "carol", carolPassword)).Status);
        carol = await Session.SignInAsync(server, "carol", "a brand new passphrase");

        // No body: a generated one.
        var (_, generatedText) = await server.SendAsync(HttpMethod.Put, "api/admin-users/carol/password");
        var generated = ControlServer.Parse(generatedText).GetProperty("password").GetString()!;
        await Session.SignInAsync(server, "carol", generated);

        // Removal ends the user's sessions too.
        carol = await Session.SignInAsync(server, "carol", generated);
        Assert.Equal(204, (await session.SendAsync(server, HttpMethod.Delete, "api/admin-users/carol", csrf: session.CsrfToken)).Status);
        Assert.Equal(401, (await carol.SendAsync(server, HttpMethod.Get, "api/accounts")).Status);
        ControlServer.AssertError(404, "not_found", await server.SendAsync(HttpMethod.Delete, "api/admin-users/carol"));

        // Nothing secret reaches a body or a log line: no password and no hash.
        var hashes = (await server.App.Services.GetRequiredService<IAdminStore>().ListUsersAsync()).Select(u => u.PasswordHash).ToList();
        foreach (var secret in hashes.Append(adminPassword).Append(carolPassword).Append(generated).Append("correct horse battery"))
        {
            Assert.DoesNotContain(secret, server.Logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, listText, StringComparison.Ordinal);
        }

        Assert.Contains("Admin user carol added", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_admin_user_stays()
    {
        await using var server = await ControlServer.StartAsync();

        ControlServer.AssertError(409, "conflict", await server.SendAsync(HttpMethod.Delete, "api/admin-users/admin"));
        Assert.Single(ControlServer.Parse((await server.GetAsync("api/admin-users")).Text).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"username":"eve","password":"short"}""", 400, "invalid_request")]
    [InlineData("""{"username":"has space"}""", 400, "invalid_request")]
    [InlineData("""{"password":"long enough password"}""", 400, "invalid_request")]
    [InlineData("""{"username":"eve","role":"root"}""", 400, "invalid_request")]
    [InlineData("""{"username":"ADMIN"}""", 409, "conflict")]
    public async Task Bad_adds_are_refused(string body, int status, string type)
    {
        await using var server = await ControlServer.StartAsync();

        ControlServer.AssertError(status, type, await server.PostAsync("api/admin-users", body));
    }

    [Fact]
    public async Task Bad_password_changes_are_refused()
    {
        await using var server = await ControlServer.StartAsync();

        ControlServer.AssertError(400, "invalid_request", await server.SendAsync(HttpMethod.Put, "api/admin-users/admin/password", """{"password":"short"}"""));
        ControlServer.AssertError(400, "invalid_request", await server.SendAsync(HttpMethod.Put, "api/admin-users/admin/password", """{"pasword":"long enough password"}"""));
        ControlServer.AssertError(404, "not_found", await server.SendAsync(HttpMethod.Put, "api/admin-users/nobody/password", """{"password":"long enough password"}"""));
    }
}
