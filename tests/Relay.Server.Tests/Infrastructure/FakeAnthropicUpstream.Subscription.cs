using System.Globalization;
using System.Text.Json;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// The fake as the Anthropic API behind OAuth sign-ins: bearer-only prefixes, and a Claude subscription's rules (the
/// OAuth beta flag, Claude Code-only refusals, unified usage-window headers).
/// </summary>
public sealed partial class FakeAnthropicUpstream
{
    /// <summary>
    /// Makes <paramref name="prefix"/> accept only <c>Authorization: Bearer</c> with a token <paramref name="isValid"/>
    /// approves (an OAuth sign-in's current access token), answering 401 <c>authentication_error</c> otherwise, and
    /// playing <c>ok</c> when it is valid.
    /// </summary>
    public void AcceptOnlyBearer(string prefix, Func<string?, bool> isValid) => Script(prefix, async (context, request) =>
    {
        var authorization = request.Header("authorization");
        var token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        if (!isValid(token))
        {
            await WriteJsonAsync(context, 401, UpstreamTranscripts.AuthErrorJson, null).ConfigureAwait(false);
            return;
        }

        await PlayAsync(context, request, Scenarios.Ok).ConfigureAwait(false);
    });

    /// <summary>The flag Anthropic requires on requests carrying a Claude sign-in's bearer token.</summary>
    public const string OAuthBeta = "oauth-2025-04-20";

    /// <summary>Anthropic's answer to a Claude sign-in's token used for anything but Claude Code (research §1.6).</summary>
    public const string ClaudeCodeOnlyJson =
        """{"type":"error","error":{"type":"invalid_request_error","message":"This credential is only authorized for use with Claude Code and cannot be used for other API requests."},"request_id":"req_fake_claude_code_only"}""";

    /// <summary>
    /// Makes <paramref name="prefix"/> play the Anthropic API behind a Claude subscription sign-in: only
    /// <c>Authorization: Bearer</c> with a token <paramref name="isValid"/> approves (401 otherwise), and only with
    /// <see cref="OAuthBeta"/> in <c>anthropic-beta</c> (401, as the real API answers a bearer without it); with
    /// <paramref name="claudeCodeOnly"/>, a request whose system prompt is not Claude Code's gets the 400 the real API gives
    /// (<see cref="ClaudeCodeOnlyJson"/>). Every answer carries <c>anthropic-ratelimit-unified-*</c> usage-window headers
    /// (5h at 21 %, 7d at 43 %); the answer itself is <c>ok</c>'s.
    /// </summary>
    public void PlayClaudeSubscription(string prefix, Func<string?, bool> isValid, bool claudeCodeOnly = true) => Script(prefix, async (context, request) =>
    {
        var authorization = request.Header("authorization");
        var token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        var betas = (request.Header("anthropic-beta") ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (!isValid(token) || !betas.Contains(OAuthBeta, StringComparer.Ordinal))
        {
            await WriteJsonAsync(context, 401, UpstreamTranscripts.AuthErrorJson, null).ConfigureAwait(false);
            return;
        }

        var headers = context.Response.Headers;
        var now = DateTimeOffset.UtcNow;
        headers["anthropic-ratelimit-unified-status"] = "allowed";
        headers["anthropic-ratelimit-unified-representative-claim"] = "five_hour";
        headers["anthropic-ratelimit-unified-reset"] = Unix(now.AddHours(3));
        headers["anthropic-ratelimit-unified-5h-utilization"] = "0.21";
        headers["anthropic-ratelimit-unified-5h-reset"] = Unix(now.AddHours(3));
        headers["anthropic-ratelimit-unified-5h-status"] = "allowed";
        headers["anthropic-ratelimit-unified-7d-utilization"] = "0.43";
        headers["anthropic-ratelimit-unified-7d-reset"] = Unix(now.AddDays(4));
        headers["anthropic-ratelimit-unified-7d-status"] = "allowed";
        if (claudeCodeOnly && !IsClaudeCodeRequest(request))
        {
            await WriteJsonAsync(context, 400, ClaudeCodeOnlyJson, null).ConfigureAwait(false);
            return;
        }

        await PlayAsync(context, request, Scenarios.Ok).ConfigureAwait(false);
    });

    /// <summary>
    /// The sentences Claude Code opens its system prompt with: interactive, and in print mode (<c>claude -p</c>, which
    /// identifies as the Agent SDK; 2.1.x sends a billing-header block before it).
    /// </summary>
    private static readonly string[] ClaudeCodeIdentities =
    [
        "You are Claude Code, Anthropic's official CLI for Claude",
        "You are a Claude agent, built on Anthropic's Claude Agent SDK.",
    ];

    /// <summary>Whether one of a Messages body's system blocks is Claude Code's own identity sentence (what the real API checks for).</summary>
    public static bool IsClaudeCodeRequest(UpstreamRequest request)
    {
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            if (!json.RootElement.TryGetProperty("system", out var system))
            {
                return false;
            }

            var texts = system.ValueKind == JsonValueKind.String
                ? [system.GetString() ?? ""]
                : system.ValueKind == JsonValueKind.Array
                    ? system.EnumerateArray().Where(b => b.TryGetProperty("text", out _)).Select(b => b.GetProperty("text").GetString() ?? "").ToArray()
                    : [];
            return texts.Any(t => ClaudeCodeIdentities.Any(identity => t.StartsWith(identity, StringComparison.Ordinal)));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
