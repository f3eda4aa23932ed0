using Relay.Server.Control.Limits;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// The body of <c>POST /api/accounts</c> and <c>PATCH /api/accounts/{id}</c>, and what the CLI
/// flags fill in. A null property means "not given": defaults apply on create, the stored value
/// stays on update.
/// </summary>
internal sealed record AccountInput
{
    public string? Name { get; init; }
    public string? Platform { get; init; }
    public string? Type { get; init; }
    public string? BaseUrl { get; init; }

    /// <summary>The upstream credential; required on create, replaces the stored one on update. Never returned.</summary>
    public string? Secret { get; init; }

    public int? Priority { get; init; }
    public int? Weight { get; init; }
    public int? MaxConcurrency { get; init; }
    public IReadOnlyList<string>? Models { get; init; }
    public IReadOnlyDictionary<string, string>? ModelMap { get; init; }
    public bool? Enabled { get; init; }

    /// <summary>Ids of the groups the account belongs to; replaces the membership when given.</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>False: only keys bound to the account (directly or through a group) may use it.</summary>
    public bool? Shared { get; init; }

    /// <summary>Request, token and cost windows, and a concurrency rule without a queue.</summary>
    public IReadOnlyList<LimitRuleInput>? Limits { get; init; }
}
