using Relay.Core.Policies;
using Relay.Core.Snapshots;

namespace Relay.Core.Scheduling;

/// <summary>
/// Which accounts may take a request besides health and load: the account can answer the client's wire shape
/// (directly or through a translator) and its platform is one the key's policy allows. A struct, so the
/// scheduler's hot loop neither allocates nor calls through a delegate.
/// </summary>
public readonly record struct AccountFilter(string ClientShape, IReadOnlyList<string> AllowedPlatforms)
{
    public static AccountFilter For(string clientShape, KeyPolicy policy) => new(clientShape, policy.Platforms);

    public bool Allows(AccountEntry account) =>
        account.CanAnswer(ClientShape) && PolicyEvaluator.IsPlatformAllowed(AllowedPlatforms, account.Platform);

    /// <summary>The same filter without the key's platform restriction (to tell "not allowed" from "not served").</summary>
    public AccountFilter AnyPlatform => this with { AllowedPlatforms = [] };
}
