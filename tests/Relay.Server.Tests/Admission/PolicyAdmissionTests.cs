using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Policies;
using Relay.Core.Storage;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Admission;

/// <summary>What a key's policy lets through: refusals are 403 in Anthropic's shape, and nothing reaches the upstream.</summary>
public sealed class PolicyAdmissionTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private const string ClaudeCodeUserAgent = "claude-cli/2.1.328 (external, cli)";

    [Fact]
    public async Task Allowed_and_denied_models_follow_the_globs_with_deny_winning()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], Models(allow: ["claude-*"], deny: ["claude-*-opus-*", "claude-opus-*"]), []));

        var allowed = await PostAsync(client, "/v1/messages", Requests.Messages("claude-sonnet-4-5"));
        var denied = await PostAsync(client, "/v1/messages", Requests.Messages("claude-opus-4-5"));
        var notAllowed = await PostAsync(client, "/v1/messages", Requests.Messages("gpt-4o"));

        Assert.Equal(HttpStatusCode.OK, allowed.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Response.StatusCode);
        AssertAnthropicError(denied.Body, "permission_error");
        Assert.Contains("claude-opus-4-5", denied.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, notAllowed.Response.StatusCode);
        Assert.Equal(1, Fake.Count(prefix));
        Assert.DoesNotContain(key.Key, denied.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_restriction_accepts_real_claude_code_user_agents_of_any_version_and_refuses_curl()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, [ClientFamilies.ClaudeCode]));

        var claudeCode = await PostAsync(client, "/v1/messages", Requests.Messages(), r => r.Headers.UserAgent.ParseAdd(ClaudeCodeUserAgent));
        var newerClaudeCode = await PostAsync(client, "/v1/messages", Requests.Messages(), r => r.Headers.TryAddWithoutValidation("User-Agent", "claude-cli/9.0.0 (external, sdk-ts)"));
        var curl = await PostAsync(client, "/v1/messages", Requests.Messages(), r => r.Headers.UserAgent.ParseAdd("curl/8.5.0"));
        var impostor = await PostAsync(client, "/v1/messages", Requests.Messages(), r => r.Headers.TryAddWithoutValidation("User-Agent", "not-claude-cli/2.0.0"));

        Assert.Equal(HttpStatusCode.OK, claudeCode.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newerClaudeCode.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, curl.Response.StatusCode);
        AssertAnthropicError(curl.Body, "permission_error");
        Assert.Contains("claude-code", curl.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, impostor.Response.StatusCode);
        Assert.Equal(2, Fake.Count(prefix));
    }

    [Fact]
    public async Task Operator_defined_client_families_come_from_live_settings()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, ["ci-bot"]));
        var store = Relay.Services.GetRequiredService<IConfigStore>();
        await store.SetSettingAsync(Core.Settings.RelaySettings.StorageName, """{"clientPatterns":[{"family":"ci-bot","userAgent":"acme-ci/*"}]}""");
        await Relay.RefreshSnapshotAsync();
        var bot = await PostAsync(client, "/v1/messages", Requests.Messages(), r => r.Headers.TryAddWithoutValidation("User-Agent", "acme-ci/4.2"));
        var other = await PostAsync(client, "/v1/messages", Requests.Messages(), r => r.Headers.UserAgent.ParseAdd(ClaudeCodeUserAgent));

        Assert.Equal(HttpStatusCode.OK, bot.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.Response.StatusCode);
        Assert.Equal(1, Fake.Count(prefix));
    }

    [Fact]
    public async Task A_key_limited_to_a_platform_without_a_serving_account_is_refused_with_403()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy(["openai"], ModelRules.Any, []));

        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        AssertAnthropicError(body, "permission_error");
        Assert.Contains("only the openai platform", body, StringComparison.Ordinal);
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Fact]
    public async Task A_shared_policy_applies_to_every_key_pointing_at_it_and_a_missing_one_refuses()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var policyId = await Relay.CreatePolicyAsync("haiku-only", new KeyPolicy([], Models(allow: ["claude-*-haiku-*", "claude-haiku-*"]), []));
        var (first, firstClient) = await NewClientAsync();
        var (second, secondClient) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(first.Id, null, policyId);
        await Relay.SetKeyPolicyAsync(second.Id, null, policyId);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(firstClient, "/v1/messages", Requests.Messages("claude-haiku-4-5"))).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(secondClient, "/v1/messages", Requests.Messages("claude-sonnet-4-5"))).Response.StatusCode);

        await Relay.SetKeyPolicyAsync(second.Id, null, "pol_gone");
        var (response, body) = await PostAsync(secondClient, "/v1/messages", Requests.Messages("claude-haiku-4-5"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("policy", body, StringComparison.Ordinal);
        Assert.Equal(1, Fake.Count(prefix));
    }

    [Fact]
    public async Task Expiry_at_a_date_refuses_from_that_instant()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.UpdateKeyAsync(key.Id, k => k with { ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);

        await Relay.UpdateKeyAsync(key.Id, k => k with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) });
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_after_first_use_starts_with_the_first_request_and_is_stored()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.UpdateKeyAsync(key.Id, k => k with { ExpiresAfterFirstUse = TimeSpan.FromDays(30) });

        var (beforeStatus, before, _) = await Relay.GetMeAsync(key.Key);
        Assert.Equal(200, beforeStatus);
        Assert.False(before.GetProperty("key").TryGetProperty("expiresAt", out _), "an unused key has no expiry instant yet");

        var startedAt = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);

        var (_, after, _) = await Relay.GetMeAsync(key.Key);
        var expiresAt = after.GetProperty("key").GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, startedAt.AddDays(30).AddSeconds(-5), DateTimeOffset.UtcNow.AddDays(30).AddSeconds(5));

        // The first use reaches the store in the background, once.
        var store = Relay.Services.GetRequiredService<IConfigStore>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await store.GetKeyAsync(key.Id))!.FirstUsedAt is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.NotNull((await store.GetKeyAsync(key.Id))!.FirstUsedAt);
    }

    [Fact]
    public async Task A_trial_used_long_ago_has_expired()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        var store = Relay.Services.GetRequiredService<IConfigStore>();
        await store.MarkKeyFirstUsedAsync(key.Id, DateTimeOffset.UtcNow.AddDays(-31));
        await Relay.UpdateKeyAsync(key.Id, k => k with { ExpiresAfterFirstUse = TimeSpan.FromDays(30) });

        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertAnthropicError(body, "authentication_error");
        Assert.Contains("expired", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_refusals_are_recorded_as_usage_without_an_account()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], Models(deny: ["*"]), []));

        await PostAsync(client, "/v1/messages", Requests.Messages());
        var events = await Relay.WaitForUsageAsync(1);

        var e = Assert.Single(events);
        Assert.Equal(403, e.Status);
        Assert.Equal("policy_denied", e.ErrorClass);
        Assert.Null(e.AccountId);
        Assert.Equal(0, e.Attempts);
    }
}
