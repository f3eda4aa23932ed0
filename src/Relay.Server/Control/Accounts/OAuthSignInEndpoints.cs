namespace Relay.Server.Control.Accounts;

/// <summary>Routes under <c>/api/accounts/oauth</c>: sign an account in at a provider, or import its credentials; thin calls into <see cref="OAuthSignIn"/>.</summary>
internal static class OAuthSignInEndpoints
{
    public static RouteGroupBuilder MapOAuthSignIn(this RouteGroupBuilder accounts)
    {
        var oauth = accounts.MapGroup("/oauth");

        oauth.MapGet("/providers", (OAuthSignIn signIn) => ControlResults.Json(new ItemList<OAuthProviderView>(signIn.Providers())))
            .WithName("ListOAuthProviders")
            .WithSummary("The OAuth providers accounts can sign in with: their sign-in methods, import formats and whose terms apply.")
            .Produces<ItemList<OAuthProviderView>>();

        oauth.MapPost("/{provider}/start", async (string provider, HttpRequest request, OAuthSignIn signIn, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<SignInStartInput>(request, ct).ConfigureAwait(false);
                return body.Error is { } error
                    ? ControlResults.Error(error)
                    : ControlResults.From(await signIn.StartAsync(provider, body.Value!.Value, ct).ConfigureAwait(false), StatusCodes.Status201Created);
            })
            .WithName("StartOAuthSignIn")
            .WithSummary("Start a sign-in: a browser URL to open (browser, setup-token) or a user code to enter (device). The session lasts 10 minutes (device: the provider's expiry).")
            .WithDescription("Body: {\"method\":\"browser\"|\"setup-token\"|\"device\", \"account\":{\"name\":…, …}} or {\"accountId\":… } to sign an existing account in again. " +
                "The account fields are checked now, before the operator signs in. 502 upstream_unavailable when the provider's device endpoint cannot be reached.")
            .AcceptsJson<SignInStartInput>()
            .Produces<SignInStarted>(StatusCodes.Status201Created)
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status502BadGateway);

        oauth.MapPost("/{provider}/complete", async (string provider, HttpRequest request, OAuthSignIn signIn, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<SignInCompleteInput>(request, ct).ConfigureAwait(false);
                return body.Error is { } error ? ControlResults.Error(error) : Result(await signIn.CompleteAsync(provider, body.Value!.Value, ct).ConfigureAwait(false));
            })
            .WithName("CompleteOAuthSignIn")
            .WithSummary("Finish a browser sign-in with what the provider showed: CODE#STATE, the bare code, or the whole callback URL.")
            .WithDescription("201 with the new account, 200 with the account signed in again. 400 when the state does not match or the provider refused the code " +
                "(the session stays open: paste again); 404 when the session is unknown, expired or used; 502 when the token endpoint cannot be reached.")
            .AcceptsJson<SignInCompleteInput>()
            .Produces<AccountView>(StatusCodes.Status201Created)
            .Produces<AccountView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status502BadGateway);

        oauth.MapPost("/{provider}/poll", async (string provider, HttpRequest request, OAuthSignIn signIn, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<SignInPollInput>(request, ct).ConfigureAwait(false);
                return body.Error is { } error ? ControlResults.Error(error) : Result(await signIn.PollAsync(provider, body.Value!.Value, ct).ConfigureAwait(false));
            })
            .WithName("PollOAuthSignIn")
            .WithSummary("Ask whether the operator has approved a device sign-in: 202 {status:\"pending\"} until then, then 201/200 with the account.")
            .WithDescription("400 when the provider says the sign-in was denied or expired (the session ends); 404 for an unknown session; 502 when the provider cannot be reached (poll again).")
            .AcceptsJson<SignInPollInput>()
            .Produces<SignInPending>(StatusCodes.Status202Accepted)
            .Produces<AccountView>(StatusCodes.Status201Created)
            .Produces<AccountView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status502BadGateway);

        oauth.MapPost("/{provider}/import", async (string provider, HttpRequest request, OAuthSignIn signIn, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<CredentialImportInput>(request, ct).ConfigureAwait(false);
                return body.Error is { } error ? ControlResults.Error(error) : Result(await signIn.ImportAsync(provider, body.Value!.Value, ct).ConfigureAwait(false));
            })
            .WithName("ImportOAuthCredentials")
            .WithSummary("Add (or re-sign-in) an account from the provider's own credentials: a Claude Code .credentials.json, a Claude sk-ant-oat token, or a Codex auth.json.")
            .AcceptsJson<CredentialImportInput>()
            .Produces<AccountView>(StatusCodes.Status201Created)
            .Produces<AccountView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound);

        return accounts;
    }

    /// <summary>201 for a new account, 200 for a re-sign-in, 202 with the pending status of a device sign-in.</summary>
    private static IResult Result(Outcome<SignInResult> outcome)
    {
        if (outcome.Error is { } error)
        {
            return ControlResults.Error(error);
        }

        var result = outcome.Value!;
        return result.Pending is { } pending
            ? ControlResults.Json(pending, result.StatusCode)
            : ControlResults.Json(result.Account, result.StatusCode);
    }
}
