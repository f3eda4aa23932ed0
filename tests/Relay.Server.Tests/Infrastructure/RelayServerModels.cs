using Microsoft.AspNetCore.Builder;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>Settings for one relay under test. <see cref="Settings"/> are <c>Relay:*</c> option names and values.</summary>
public sealed record RelayServerOptions
{
    /// <summary>Overrides of the defaults below, e.g. <c>["MaxRequestBodyBytes"] = "2048"</c>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Use this data directory (and keep it on dispose), e.g. to restart a relay on the same state.</summary>
    public string? DataDir { get; init; }

    /// <summary>Extra adjustments of the builder, after the fixture's own.</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }

    /// <summary>Short timeouts so failure tests take seconds, not minutes.</summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["StreamFirstByteTimeoutSeconds"] = "2",
        ["StreamIdleTimeoutSeconds"] = "2",
        ["FirstByteTimeoutSeconds"] = "3",
        ["ConnectTimeoutSeconds"] = "2",
        ["ConfigPollMilliseconds"] = "60000",
    };
}

/// <summary>An account to create; a random secret is made up when none is given.</summary>
public sealed record AccountSpec
{
    public required string Name { get; init; }
    public required string BaseUrl { get; init; }
    public string Secret { get; init; } = "sk-ant-api03-" + RelayServer.RandomToken(32);
    public int? Priority { get; init; }
    public int? Weight { get; init; }
    public int? MaxConcurrency { get; init; }
    public IReadOnlyDictionary<string, string>? ModelMap { get; init; }
    public IReadOnlyList<string>? Models { get; init; }

    /// <summary>The account's egress proxy URL (its password, if any, should also be made a known secret).</summary>
    public string? Proxy { get; init; }
}

/// <summary>An account as the Control API shows it.</summary>
public sealed record AccountView(string Id, string Name, string State, DateTimeOffset? Until, string? Reason, string Secret);

/// <summary>A relay key as issued (the only time the key is visible).</summary>
public sealed record IssuedKey(string Id, string Key);

/// <summary>Totals of <c>GET /api/usage</c>.</summary>
public sealed record UsageTotalsView(long Requests, long InputTokens, long OutputTokens, long CacheWrite5mTokens, long CacheWrite1hTokens, long CacheReadTokens, decimal Cost);

public sealed record UsageReport(UsageTotalsView Total, IReadOnlyList<(string Group, UsageTotalsView Totals)> Groups);
