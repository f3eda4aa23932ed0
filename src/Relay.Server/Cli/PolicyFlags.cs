using Relay.Core.Policies;

namespace Relay.Server.Cli;

/// <summary>
/// The flags that describe a policy, shared by <c>relay policies create|update</c> and <c>relay keys create|update</c>.
/// On update they are laid over the stored policy, so <c>--platforms anthropic</c> does not wipe the model rules.
/// </summary>
internal static class PolicyFlags
{
    public static readonly IReadOnlyDictionary<string, FlagKind> Flags = new Dictionary<string, FlagKind>
    {
        ["--platforms"] = FlagKind.List,
        ["--allow-models"] = FlagKind.List,
        ["--deny-models"] = FlagKind.List,
        ["--clients"] = FlagKind.List,
        ["--group"] = FlagKind.Value,
        ["--account"] = FlagKind.Value,
        ["--fallback-to-pool"] = FlagKind.OptionalBool,
    };

    public static bool AnyGiven(CliArgs parsed) => Flags.Keys.Any(parsed.Has);

    /// <summary>The policy with the given flags applied; null when none was given.</summary>
    public static KeyPolicySpec? Overlay(CliArgs parsed, KeyPolicySpec? current)
    {
        if (!AnyGiven(parsed))
        {
            return null;
        }

        var spec = current ?? new KeyPolicySpec();
        var models = spec.Models ?? new ModelRulesSpec();
        return spec with
        {
            Platforms = List(parsed, "--platforms") ?? spec.Platforms,
            Models = models with
            {
                Allow = List(parsed, "--allow-models") ?? models.Allow,
                Deny = List(parsed, "--deny-models") ?? models.Deny,
            },
            Clients = List(parsed, "--clients") ?? spec.Clients,
            Group = parsed.String("--group") is { } group ? CliValues.OrNone(group) : spec.Group,
            Account = parsed.String("--account") is { } account ? CliValues.OrNone(account) : spec.Account,
            FallbackToPool = parsed.Bool("--fallback-to-pool") ?? spec.FallbackToPool,
        };
    }

    private static List<string>? List(CliArgs parsed, string flag) => parsed.List(flag) is { } words ? CliValues.Items(words) : null;

    public static Dictionary<string, FlagKind> With(IReadOnlyDictionary<string, FlagKind> own)
    {
        var all = new Dictionary<string, FlagKind>(own);
        foreach (var (flag, kind) in Flags)
        {
            all[flag] = kind;
        }

        return all;
    }
}
