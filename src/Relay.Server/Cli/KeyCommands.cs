using Relay.Server.Control;
using Relay.Server.Control.Keys;

namespace Relay.Server.Cli;

/// <summary><c>relay keys create|list|get|update|delete|rotate</c>, through <see cref="KeyService"/> like the API.</summary>
internal static class KeyCommands
{
    private static readonly Dictionary<string, FlagKind> NoFlags = [];

    private static readonly Dictionary<string, FlagKind> CreateFlags = PolicyFlags.With(new Dictionary<string, FlagKind>
    {
        ["--name"] = FlagKind.Value,
        ["--expires-at"] = FlagKind.Value,
        ["--expires-after-first-use"] = FlagKind.Value,
        ["--policy-id"] = FlagKind.Value,
        ["--limit"] = FlagKind.List,
        ["--disabled"] = FlagKind.Switch,
    });

    private static readonly Dictionary<string, FlagKind> UpdateFlags = PolicyFlags.With(new Dictionary<string, FlagKind>
    {
        ["--name"] = FlagKind.Value,
        ["--expires-at"] = FlagKind.Value,
        ["--expires-after-first-use"] = FlagKind.Value,
        ["--policy-id"] = FlagKind.Value,
        ["--clear-policy"] = FlagKind.Switch,
        ["--limit"] = FlagKind.List,
        ["--enabled"] = FlagKind.OptionalBool,
        ["--disabled"] = FlagKind.Switch,
    });

    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        var command = $"keys {verb}";
        switch (verb)
        {
            case "create":
                {
                    var parsed = CliArgs.Parse(command, args, CreateFlags);
                    parsed.Require();
                    if (!parsed.Has("--name"))
                    {
                        throw new CliUsageException("'keys create' needs --name.");
                    }

                    var input = WithStored(ToInput(parsed), parsed, current: null);
                    return async (services, console, ct) => console.Write(await Service(services).CreateAsync(input, ct).ConfigureAwait(false));
                }

            case "list":
                CliArgs.Parse(command, args, NoFlags).Require();
                return async (services, console, ct) => console.Json(new ItemList<KeyView>(await Service(services).ListAsync(ct).ConfigureAwait(false)));

            case "get":
                {
                    var id = Id(command, args, NoFlags).Id;
                    return async (services, console, ct) => console.Write(await Service(services).GetAsync(id, ct).ConfigureAwait(false));
                }

            case "update":
                {
                    var (id, parsed) = Id(command, args, UpdateFlags);
                    if (parsed.Has("--clear-policy") && PolicyFlags.AnyGiven(parsed))
                    {
                        throw new CliUsageException("Give --clear-policy or policy flags (--platforms, --group, …), not both.");
                    }

                    var input = ToInput(parsed);
                    _ = WithStored(input, parsed, current: null);
                    return async (services, console, ct) =>
                    {
                        // Policy flags and the first-use expiry refine what is stored, so read it first.
                        var current = await Service(services).GetAsync(id, ct).ConfigureAwait(false);
                        if (current.Error is { } missing)
                        {
                            return console.Fail(missing);
                        }

                        return console.Write(await Service(services).UpdateAsync(id, WithStored(input, parsed, current.Value), ct).ConfigureAwait(false));
                    };
                }

            case "delete":
                {
                    var id = Id(command, args, NoFlags).Id;
                    return async (services, console, ct) =>
                    {
                        if (await Service(services).DeleteAsync(id, ct).ConfigureAwait(false) is { } error)
                        {
                            return console.Fail(error);
                        }

                        console.Note($"Deleted key {id}.");
                        return CliConsole.Success;
                    };
                }

            case "rotate":
                {
                    var id = Id(command, args, NoFlags).Id;
                    return async (services, console, ct) => console.Write(await Service(services).RotateAsync(id, ct).ConfigureAwait(false));
                }

            default:
                throw new CliUsageException($"Unknown command 'keys {verb}'. Use create, list, get, update, delete or rotate.");
        }
    }

    private static KeyService Service(IServiceProvider services) => services.GetRequiredService<KeyService>();

    private static (string Id, CliArgs Parsed) Id(string command, IReadOnlyList<string> args, Dictionary<string, FlagKind> flags)
    {
        var parsed = CliArgs.Parse(command, args, flags);
        return (parsed.Require("ID")[0], parsed);
    }

    private static KeyInput ToInput(CliArgs parsed)
    {
        if (parsed.Has("--enabled") && parsed.Has("--disabled"))
        {
            throw new CliUsageException("Give --enabled or --disabled, not both.");
        }

        var expires = parsed.String("--expires-at");
        var policyId = parsed.String("--policy-id");
        return new KeyInput
        {
            Name = parsed.String("--name"),
            Enabled = parsed.Has("--disabled") ? false : parsed.Bool("--enabled"),
            ExpiresAt = expires is null ? null : CliValues.Expiry("--expires-at", expires),
            ExpiresAtGiven = expires is not null,
            PolicyId = policyId is null ? null : CliValues.OrNone(policyId),
            PolicyIdGiven = policyId is not null,
            Policy = null,
            PolicyGiven = parsed.Has("--clear-policy"),
            Limits = parsed.List("--limit") is { } limits ? CliValues.Limits("--limit", limits) : null,
        };
    }

    /// <summary>
    /// Adds what refines the stored key: policy flags laid over its own policy, and a first-use expiry that keeps
    /// the fixed instant unless <c>--expires-at</c> is given too.
    /// </summary>
    private static KeyInput WithStored(KeyInput input, CliArgs parsed, KeyView? current)
    {
        if (PolicyFlags.Overlay(parsed, current?.Policy) is { } policy)
        {
            input = input with { Policy = policy, PolicyGiven = true };
        }

        if (parsed.String("--expires-after-first-use") is { } text)
        {
            input = input with
            {
                Expires = new KeyExpiresInput
                {
                    At = input.ExpiresAtGiven ? input.ExpiresAt : current?.Expires?.At,
                    AfterFirstUse = CliValues.OrNone(text),
                },
                ExpiresGiven = true,
                ExpiresAt = null,
                ExpiresAtGiven = false,
            };
        }

        return input;
    }
}
