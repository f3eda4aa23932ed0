using Relay.Server.Control;
using Relay.Server.Control.Accounts;
using Relay.Server.OAuth;

namespace Relay.Server.Cli;

/// <summary>
/// <c>relay accounts signin|import PROVIDER</c>, through <see cref="OAuthSignIn"/> like the API. A sign-in runs in
/// this process from start to end (its session lives here): the URL or user code goes to stderr, the pasted code is
/// read from stdin, the account's JSON goes to stdout.
/// </summary>
internal static class SignInCommands
{
    /// <summary>The account's settings as <c>accounts add</c> takes them, plus <c>--account ID</c> to sign an existing account in again.</summary>
    private static readonly Dictionary<string, FlagKind> AccountFlags = new(AccountCommands.SettingFlags) { ["--account"] = FlagKind.Value };

    private static readonly Dictionary<string, FlagKind> SignInFlags = new(AccountFlags)
    {
        ["--setup-token"] = FlagKind.Switch,
        ["--device"] = FlagKind.Switch,
    };

    private static readonly Dictionary<string, FlagKind> ImportFlags = new(AccountFlags)
    {
        ["--file"] = FlagKind.Value,
    };

    public static CliAction ParseSignIn(IReadOnlyList<string> args)
    {
        var parsed = CliArgs.Parse("accounts signin", args, SignInFlags);
        var provider = parsed.Require("PROVIDER")[0];
        if (parsed.Has("--setup-token") && parsed.Has("--device"))
        {
            throw new CliUsageException("Give --setup-token or --device, not both.");
        }

        RequireTarget(parsed, "signin");
        var input = new SignInStartInput
        {
            Method = parsed.Has("--device") ? SignInMethod.Device : parsed.Has("--setup-token") ? SignInMethod.SetupToken : SignInMethod.Browser,
            AccountId = parsed.String("--account"),
            Account = ToAccount(parsed),
        };
        return async (services, console, ct) =>
        {
            var signIn = services.GetRequiredService<OAuthSignIn>();
            var started = await signIn.StartAsync(provider, input, ct).ConfigureAwait(false);
            if (started.Error is { } error)
            {
                return console.Fail(error);
            }

            return started.Value!.Method == SignInMethod.Device
                ? await PollAsync(signIn, provider, started.Value, console, ct).ConfigureAwait(false)
                : await PasteAsync(signIn, provider, started.Value, console, ct).ConfigureAwait(false);
        };
    }

    public static CliAction ParseImport(IReadOnlyList<string> args)
    {
        var parsed = CliArgs.Parse("accounts import", args, ImportFlags);
        var provider = parsed.Require("PROVIDER")[0];
        if (parsed.String("--file") is not { Length: > 0 } file)
        {
            throw new CliUsageException("'accounts import' needs --file PATH (or --file - to read the credentials from stdin).");
        }

        RequireTarget(parsed, "import");
        var accountId = parsed.String("--account");
        var account = ToAccount(parsed);
        return async (services, console, ct) =>
        {
            string credentials;
            try
            {
                credentials = file == "-"
                    ? await console.Input.ReadToEndAsync(ct).ConfigureAwait(false)
                    : await File.ReadAllTextAsync(file, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return console.Fail(ControlError.Invalid($"Cannot read --file {file}: {ex.GetType().Name}."));
            }

            var input = new CredentialImportInput { Credentials = credentials, AccountId = accountId, Account = account };
            return Write(console, await services.GetRequiredService<OAuthSignIn>().ImportAsync(provider, input, ct).ConfigureAwait(false));
        };
    }

    /// <summary>Reads pasted lines until one completes the sign-in; a refused paste may be retried, end of input gives up.</summary>
    private static async Task<int> PasteAsync(OAuthSignIn signIn, string provider, SignInStarted started, CliConsole console, CancellationToken ct)
    {
        console.Note($"Open this URL in a browser and sign in (it is valid until {started.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC):");
        console.Note(started.AuthorizeUrl!);
        console.Note("Then paste the code the page shows (CODE#STATE), or the whole address the browser ended on:");
        while (await console.Input.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var outcome = await signIn.CompleteAsync(provider, new SignInCompleteInput { SessionId = started.SessionId, Code = line }, ct).ConfigureAwait(false);
            if (outcome.Error is { Type: ControlError.InvalidRequestType or ControlError.UpstreamUnavailableType } retry)
            {
                // The session stays open after a refused or undeliverable code: say why and let the operator paste again.
                console.Note($"relay: {retry.Message}");
                console.Note("Paste the code again (or end the input to give up):");
                continue;
            }

            return Write(console, outcome);
        }

        return console.Fail(ControlError.Invalid("No code was pasted; the sign-in was abandoned."));
    }

    /// <summary>Polls at the provider's interval until the operator approves, the provider refuses, or the session expires.</summary>
    private static async Task<int> PollAsync(OAuthSignIn signIn, string provider, SignInStarted started, CliConsole console, CancellationToken ct)
    {
        console.Note($"Open {started.VerificationUrl} and enter the code {started.UserCode} (valid until {started.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC).");
        console.Note("Never enter it for anyone else: whoever has it can sign in as you. Waiting for approval…");
        var interval = TimeSpan.FromSeconds(Math.Max(1, started.IntervalSeconds ?? 5));
        while (true)
        {
            await Task.Delay(interval, ct).ConfigureAwait(false);
            var outcome = await signIn.PollAsync(provider, new SignInPollInput { SessionId = started.SessionId }, ct).ConfigureAwait(false);
            if (outcome.Error is { Type: ControlError.UpstreamUnavailableType } unavailable)
            {
                console.Note($"relay: {unavailable.Message}");
                continue;
            }

            if (outcome.Error is null && outcome.Value!.Pending is { } pending)
            {
                interval = TimeSpan.FromSeconds(Math.Max(1, pending.IntervalSeconds));
                continue;
            }

            return Write(console, outcome);
        }
    }

    private static int Write(CliConsole console, Outcome<SignInResult> outcome) =>
        outcome.Error is { } error ? console.Fail(error) : console.Json(outcome.Value!.Account);

    private static void RequireTarget(CliArgs parsed, string verb)
    {
        if (!parsed.Has("--name") && !parsed.Has("--account"))
        {
            throw new CliUsageException($"'accounts {verb}' needs --name for a new account, or --account ID to sign an existing one in again.");
        }

        if (parsed.Has("--enabled") && parsed.Has("--disabled"))
        {
            throw new CliUsageException("Give --enabled or --disabled, not both.");
        }
    }

    private static SignInAccountInput ToAccount(CliArgs parsed) => new()
    {
        Name = parsed.String("--name"),
        BaseUrl = parsed.String("--base-url"),
        Priority = parsed.Int("--priority"),
        Weight = parsed.Int("--weight"),
        MaxConcurrency = parsed.Int("--max-concurrency"),
        Models = parsed.List("--models") is { } models ? [.. models] : null,
        ModelMap = parsed.List("--model-map") is { } pairs ? CliValues.ModelMap("--model-map", pairs) : null,
        Groups = parsed.List("--groups") is { } groups ? CliValues.Items(groups) : null,
        Shared = parsed.Bool("--shared"),
        Limits = parsed.List("--limit") is { } limits ? CliValues.Limits("--limit", limits) : null,
        Proxy = parsed.String("--proxy"),
        Enabled = parsed.Has("--disabled") ? false : parsed.Bool("--enabled"),
    };
}
