using Relay.Core.Storage;
using Relay.Server.Control;
using Relay.Server.Control.Accounts;

namespace Relay.Server.Cli;

/// <summary>
/// <c>relay accounts add|list|get|update|delete|reset</c>, through <see cref="AccountService"/> like the API;
/// <c>signin</c> and <c>import</c> are in <see cref="SignInCommands"/>.
/// </summary>
internal static class AccountCommands
{
    private static readonly Dictionary<string, FlagKind> NoFlags = [];

    /// <summary>The account settings an operator chooses, whatever the credential: shared with <c>accounts signin/import</c>.</summary>
    internal static readonly IReadOnlyDictionary<string, FlagKind> SettingFlags = new Dictionary<string, FlagKind>
    {
        ["--name"] = FlagKind.Value,
        ["--base-url"] = FlagKind.Value,
        ["--priority"] = FlagKind.Value,
        ["--weight"] = FlagKind.Value,
        ["--max-concurrency"] = FlagKind.Value,
        ["--models"] = FlagKind.List,
        ["--model-map"] = FlagKind.List,
        ["--groups"] = FlagKind.List,
        ["--shared"] = FlagKind.OptionalBool,
        ["--limit"] = FlagKind.List,
        ["--proxy"] = FlagKind.Value,
        ["--enabled"] = FlagKind.OptionalBool,
        ["--disabled"] = FlagKind.Switch,
    };

    private static readonly Dictionary<string, FlagKind> FieldFlags = new(SettingFlags)
    {
        ["--secret"] = FlagKind.Value,
        ["--platform"] = FlagKind.Value,
        ["--type"] = FlagKind.Value,
        ["--shapes"] = FlagKind.List,
        ["--azure-api-version"] = FlagKind.Value,
        ["--provider"] = FlagKind.Value,
        ["--access-token"] = FlagKind.Value,
        ["--refresh-token"] = FlagKind.Value,
        ["--expires-in"] = FlagKind.Value,
    };

    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        var command = $"accounts {verb}";
        switch (verb)
        {
            case "add":
                {
                    var parsed = CliArgs.Parse(command, args, FieldFlags);
                    parsed.Require();
                    var oauth = parsed.String("--type") == Relay.Core.Accounts.AccountTypes.OAuth;
                    if (!parsed.Has("--name") || !parsed.Has(oauth ? "--access-token" : "--secret"))
                    {
                        throw new CliUsageException(oauth ? "'accounts add --type oauth' needs --name, --provider and --access-token." : "'accounts add' needs --name and --secret.");
                    }

                    var input = ToInput(parsed);
                    return async (services, console, ct) =>
                        console.Write(await Service(services).CreateAsync(await WithSecretAsync(input, console).ConfigureAwait(false), ct).ConfigureAwait(false));
                }

            case "list":
                CliArgs.Parse(command, args, NoFlags).Require();
                return async (services, console, ct) =>
                    console.Json(new ItemList<AccountView>(await Service(services).ListAsync(ct).ConfigureAwait(false)));

            case "get":
                {
                    var (id, _) = WithId(command, args, NoFlags);
                    return async (services, console, ct) => console.Write(await Service(services).GetAsync(id, ct).ConfigureAwait(false));
                }

            case "update":
                {
                    var (id, parsed) = WithId(command, args, FieldFlags);
                    var input = ToInput(parsed);
                    return async (services, console, ct) =>
                        console.Write(await Service(services).UpdateAsync(id, await WithSecretAsync(input, console).ConfigureAwait(false), ct).ConfigureAwait(false));
                }

            case "delete":
                {
                    var (id, _) = WithId(command, args, NoFlags);
                    return async (services, console, ct) =>
                    {
                        if (await Service(services).DeleteAsync(id, ct).ConfigureAwait(false) is { } error)
                        {
                            return console.Fail(error);
                        }

                        console.Note($"Deleted account {id}.");
                        return CliConsole.Success;
                    };
                }

            case "reset":
                {
                    var (id, _) = WithId(command, args, NoFlags);
                    return async (services, console, ct) =>
                    {
                        var outcome = await Service(services).ResetAsync(id, ct).ConfigureAwait(false);
                        if (outcome.Error is null)
                        {
                            // Cooldowns live in the running server's memory; it applies this request within a poll interval.
                            await AccountResetRequests.RequestAsync(
                                services.GetRequiredService<IConfigStore>(), id, services.GetRequiredService<TimeProvider>().GetUtcNow(), ct).ConfigureAwait(false);
                        }

                        return console.Write(outcome);
                    };
                }

            case "signin":
                return SignInCommands.ParseSignIn(args);

            case "import":
                return SignInCommands.ParseImport(args);

            default:
                throw new CliUsageException($"Unknown command 'accounts {verb}'. Use add, list, get, update, delete, reset, signin or import.");
        }
    }

    private static AccountService Service(IServiceProvider services) => services.GetRequiredService<AccountService>();

    private static (string Id, CliArgs Parsed) WithId(string command, IReadOnlyList<string> args, Dictionary<string, FlagKind> flags)
    {
        var parsed = CliArgs.Parse(command, args, flags);
        return (parsed.Require("ID")[0], parsed);
    }

    private static AccountInput ToInput(CliArgs parsed)
    {
        if (parsed.Has("--enabled") && parsed.Has("--disabled"))
        {
            throw new CliUsageException("Give --enabled or --disabled, not both.");
        }

        return new AccountInput
        {
            Name = parsed.String("--name"),
            Secret = parsed.String("--secret"),
            Platform = parsed.String("--platform"),
            Type = parsed.String("--type"),
            BaseUrl = parsed.String("--base-url"),
            Priority = parsed.Int("--priority"),
            Weight = parsed.Int("--weight"),
            MaxConcurrency = parsed.Int("--max-concurrency"),
            Models = parsed.List("--models") is { } models ? [.. models] : null,
            ModelMap = parsed.List("--model-map") is { } pairs ? CliValues.ModelMap("--model-map", pairs) : null,
            Enabled = parsed.Has("--disabled") ? false : parsed.Bool("--enabled"),
            Groups = parsed.List("--groups") is { } groups ? CliValues.Items(groups) : null,
            Shared = parsed.Bool("--shared"),
            Limits = parsed.List("--limit") is { } limits ? CliValues.Limits("--limit", limits) : null,
            Shapes = parsed.List("--shapes") is { } shapes ? CliValues.Items(shapes) : null,

            // "none" turns an Azure account back into a plain OpenAI one.
            Azure = parsed.String("--azure-api-version") is { } version && version != "none" ? new AzureInput { ApiVersion = version } : null,
            AzureGiven = parsed.Has("--azure-api-version"),

            // --proxy "" removes the account's proxy.
            Proxy = parsed.String("--proxy"),

            // oauth accounts: the provider and a token set to import (all write-only, "-" reads from stdin).
            OAuth = parsed.String("--provider") is { } provider ? new OAuthInput { Provider = provider } : null,
            Tokens = parsed.Has("--access-token") || parsed.Has("--refresh-token")
                ? new TokensInput { AccessToken = parsed.String("--access-token"), RefreshToken = parsed.String("--refresh-token"), ExpiresIn = parsed.Int("--expires-in") }
                : null,
        };
    }

    /// <summary>
    /// <c>--secret -</c>, <c>--access-token -</c>, <c>--refresh-token -</c> read the value from stdin (one line each, in
    /// that order), keeping credentials out of shell history and the process list.
    /// </summary>
    private static async Task<AccountInput> WithSecretAsync(AccountInput input, CliConsole console)
    {
        if (input.Secret == "-")
        {
            input = input with { Secret = await ReadLineAsync(console).ConfigureAwait(false) };
        }

        if (input.Tokens is { } tokens)
        {
            if (tokens.AccessToken == "-")
            {
                tokens = tokens with { AccessToken = await ReadLineAsync(console).ConfigureAwait(false) };
            }

            if (tokens.RefreshToken == "-")
            {
                tokens = tokens with { RefreshToken = await ReadLineAsync(console).ConfigureAwait(false) };
            }

            input = input with { Tokens = tokens };
        }

        return input;
    }

    private static async Task<string> ReadLineAsync(CliConsole console) =>
        (await console.Input.ReadLineAsync().ConfigureAwait(false))?.Trim() ?? "";
}
