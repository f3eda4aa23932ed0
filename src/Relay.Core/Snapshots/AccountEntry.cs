using Relay.Core.Accounts;
using Relay.Core.Limits;

namespace Relay.Core.Snapshots;

/// <summary>
/// An account as the request path sees it: immutable, secret decrypted, model rules precompiled.
/// A class rather than a record so that no generated ToString can ever print the secret.
/// </summary>
public sealed class AccountEntry
{
    private readonly ModelMatcher _models;

    public AccountEntry(AccountRecord record, string? secret, string? unusableReason, OutboundProxy? proxy = null, OAuthTokenSet? tokens = null)
    {
        Record = record;
        Secret = secret;
        Tokens = tokens;
        Proxy = proxy;
        UnusableReason = unusableReason;
        _models = new ModelMatcher(record.Models);
        BaseUrl = record.BaseUrl.TrimEnd('/');
        Scope = LimitScopes.Account(record.Id);
        ServedShapes = record.ServedShapes;
        WindowRules = [.. record.Limits.Where(r => r.Meter != LimitMeter.Concurrency)];

        // A concurrency rule in the account's limits is the same cap as maxConcurrency: the smaller wins.
        var rule = record.Limits.Where(r => r.Meter == LimitMeter.Concurrency).Select(r => (int)r.Max).DefaultIfEmpty(0).Min();
        MaxConcurrency = (record.MaxConcurrency, rule) switch
        {
            (0, var r) => r,
            (var m, 0) => m,
            (var m, var r) => Math.Min(m, r),
        };
    }

    public AccountRecord Record { get; }
    public string Id => Record.Id;
    public string Name => Record.Name;
    public string Platform => Record.Platform;
    public int Priority => Record.Priority;
    public int Weight => Math.Max(1, Record.Weight);

    /// <summary>Most requests in flight at once (0 = unlimited): the smaller of maxConcurrency and a concurrency limit rule.</summary>
    public int MaxConcurrency { get; }

    /// <summary>The request shapes the account's upstream speaks (<see cref="WireShapes"/>).</summary>
    public IReadOnlyList<string> ServedShapes { get; }

    /// <summary>
    /// The shape to send a request in when the client speaks <paramref name="clientShape"/>: the same shape when the
    /// account serves it (passed through unchanged), else one Relay translates to, else null. Translations:
    /// Chat and Responses clients on a Messages account; Messages and Responses clients on a Chat account; Messages and
    /// Chat clients on an account serving only Responses.
    /// </summary>
    public string? UpstreamShapeFor(string clientShape)
    {
        if (Contains(ServedShapes, clientShape))
        {
            return clientShape;
        }

        return clientShape switch
        {
            WireShapes.Chat or WireShapes.Responses when Contains(ServedShapes, WireShapes.Messages) => WireShapes.Messages,
            WireShapes.Messages or WireShapes.Responses when Contains(ServedShapes, WireShapes.Chat) => WireShapes.Chat,
            WireShapes.Messages or WireShapes.Chat when Contains(ServedShapes, WireShapes.Responses) => WireShapes.Responses,
            _ => null,
        };
    }

    /// <summary>True when a client of <paramref name="clientShape"/> can be answered by this account.</summary>
    public bool CanAnswer(string clientShape) => UpstreamShapeFor(clientShape) is not null;

    private static bool Contains(IReadOnlyList<string> shapes, string shape)
    {
        for (var i = 0; i < shapes.Count; i++)
        {
            if (string.Equals(shapes[i], shape, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>May keys without a binding use it? See <see cref="AccountRecord.Shared"/>.</summary>
    public bool Shared => Record.Shared;

    /// <summary>The hot-state scope of the account's limit counters.</summary>
    public string Scope { get; }

    /// <summary>Requests, tokens and cost rules on the account, reserved per attempt.</summary>
    public LimitRule[] WindowRules { get; }
    public bool Enabled => Record.Enabled;

    /// <summary>Base URL without a trailing slash; request paths are appended to it.</summary>
    public string BaseUrl { get; }

    /// <summary>Decrypted credential; null when it could not be decrypted (see <see cref="UnusableReason"/>).</summary>
    public string? Secret { get; }

    /// <summary>Why the account cannot be used whatever its health (e.g. its secret does not decrypt under this master key).</summary>
    public string? UnusableReason { get; }

    /// <summary>The egress proxy all of this account's upstream traffic goes through; null = direct.</summary>
    public OutboundProxy? Proxy { get; }

    /// <summary>
    /// OAuth accounts: the token set as stored when the snapshot was built. The live set (refreshed since) is held by
    /// the server's token refresher; this one only seeds it.
    /// </summary>
    public OAuthTokenSet? Tokens { get; }

    public bool IsOAuth => Record.IsOAuth;

    public bool IsUsable => Enabled && (Secret is not null || Tokens is not null) && UnusableReason is null;

    /// <summary>This account alone, as the pool of a key dedicated to it (built once, not per request).</summary>
    public AccountPool AsDedicatedPool => _dedicatedPool ??= AccountPool.Dedicated(this);

    private AccountPool? _dedicatedPool;

    /// <summary>True when this account may serve <paramref name="model"/>: it is mapped, or it matches the model list (empty list = all).</summary>
    public bool Serves(string model) => Record.ModelMap.ContainsKey(model) || _models.Matches(model);

    /// <summary>The model name to send upstream for a requested model.</summary>
    public string MapModel(string model) => Record.ModelMap.TryGetValue(model, out var mapped) ? mapped : model;
}
