using Relay.Core.Accounts;

namespace Relay.Core.Snapshots;

/// <summary>
/// An account as the request path sees it: immutable, secret decrypted, model rules precompiled.
/// A class rather than a record so that no generated ToString can ever print the secret.
/// </summary>
public sealed class AccountEntry
{
    private readonly ModelMatcher _models;

    public AccountEntry(AccountRecord record, string? secret, string? unusableReason)
    {
        Record = record;
        Secret = secret;
        UnusableReason = unusableReason;
        _models = new ModelMatcher(record.Models);
        BaseUrl = record.BaseUrl.TrimEnd('/');
    }

    public AccountRecord Record { get; }
    public string Id => Record.Id;
    public string Name => Record.Name;
    public string Platform => Record.Platform;
    public int Priority => Record.Priority;
    public int Weight => Math.Max(1, Record.Weight);
    public int MaxConcurrency => Record.MaxConcurrency;
    public bool Enabled => Record.Enabled;

    /// <summary>Base URL without a trailing slash; request paths are appended to it.</summary>
    public string BaseUrl { get; }

    /// <summary>Decrypted credential; null when it could not be decrypted (see <see cref="UnusableReason"/>).</summary>
    public string? Secret { get; }

    /// <summary>Why the account cannot be used whatever its health (e.g. its secret does not decrypt under this master key).</summary>
    public string? UnusableReason { get; }

    public bool IsUsable => Enabled && Secret is not null;

    /// <summary>True when this account may serve <paramref name="model"/>: it is mapped, or it matches the model list (empty list = all).</summary>
    public bool Serves(string model) => Record.ModelMap.ContainsKey(model) || _models.Matches(model);

    /// <summary>The model name to send upstream for a requested model.</summary>
    public string MapModel(string model) => Record.ModelMap.TryGetValue(model, out var mapped) ? mapped : model;
}
