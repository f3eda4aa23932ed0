namespace Relay.Server.Control.Accounts;

/// <summary>Routes under <c>/api/accounts</c>; each handler is a thin call into <see cref="AccountService"/>.</summary>
internal static class AccountEndpoints
{
    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Accounts");
        accounts.MapOAuthSignIn();

        accounts.MapGet("", async (AccountService service, CancellationToken ct) =>
                ControlResults.Json(new ItemList<AccountView>(await service.ListAsync(ct).ConfigureAwait(false))))
            .WithName("ListAccounts")
            .WithSummary("List upstream accounts with their live status.")
            .Produces<ItemList<AccountView>>();

        accounts.MapPost("", async (HttpRequest request, AccountService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<AccountInput>(request, ct, "proxy").ConfigureAwait(false);
                return body.Error is { } error
                    ? ControlResults.Error(error)
                    : ControlResults.From(await service.CreateAsync(body.Value!.Value, ct).ConfigureAwait(false), StatusCodes.Status201Created);
            })
            .WithName("CreateAccount")
            .WithSummary("Add an upstream account. The secret is encrypted at rest and never returned.")
            .AcceptsJson<AccountInput>()
            .Produces<AccountView>(StatusCodes.Status201Created)
            .ProducesControlError(StatusCodes.Status400BadRequest);

        accounts.MapGet("/{id}", async (string id, AccountService service, CancellationToken ct) =>
                ControlResults.From(await service.GetAsync(id, ct).ConfigureAwait(false)))
            .WithName("GetAccount")
            .WithSummary("Get one account.")
            .Produces<AccountView>()
            .ProducesControlError(StatusCodes.Status404NotFound);

        accounts.MapPatch("/{id}", async (string id, HttpRequest request, AccountService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<AccountInput>(request, ct, "azure", "proxy").ConfigureAwait(false);
                return body.Error is { } error
                    ? ControlResults.Error(error)
                    : ControlResults.From(await service.UpdateAsync(
                        id, body.Value!.Value with { AzureGiven = body.Value.Fields.Contains("azure"), ProxyGiven = body.Value.Fields.Contains("proxy") }, ct).ConfigureAwait(false));
            })
            .WithName("UpdateAccount")
            .WithSummary("Change some fields of an account; send 'secret' to replace the credential.")
            .AcceptsJson<AccountInput>()
            .Produces<AccountView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound);

        accounts.MapDelete("/{id}", async (string id, AccountService service, CancellationToken ct) =>
                await service.DeleteAsync(id, ct).ConfigureAwait(false) is { } error ? ControlResults.Error(error) : Results.NoContent())
            .WithName("DeleteAccount")
            .WithSummary("Delete an account. Refused with 409 while a key or policy is dedicated to it (policy.account).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status409Conflict);

        accounts.MapPost("/{id}/reset", async (string id, AccountService service, CancellationToken ct) =>
                ControlResults.From(await service.ResetAsync(id, ct).ConfigureAwait(false)))
            .WithName("ResetAccount")
            .WithSummary("Clear the account's error state and cooldowns so it is tried again at once.")
            .Produces<AccountView>()
            .ProducesControlError(StatusCodes.Status404NotFound);

        accounts.MapPost("/{id}/refresh", async (string id, AccountTokenRefresh refresh, CancellationToken ct) =>
                ControlResults.From(await refresh.RefreshAsync(id, ct).ConfigureAwait(false)))
            .WithName("RefreshAccountTokens")
            .WithSummary("Refresh an oauth account's tokens now (joins a refresh already in flight).")
            .WithDescription("200 with the view when the provider issued new tokens; 409 with the reason when it refused (the account is then in error) or could not be reached.")
            .Produces<AccountView>()
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status409Conflict);

        accounts.MapPost("/{id}/test", async (string id, HttpRequest request, AccountTester tester, CancellationToken ct) =>
            {
                // The body is optional: no body (or an empty one) tests with the account's default model.
                var input = new AccountTestInput();
                if (await OptionalBody.ReadAsync<AccountTestInput>(request, ct).ConfigureAwait(false) is { } body)
                {
                    if (body.Error is { } error)
                    {
                        return ControlResults.Error(error);
                    }

                    input = body.Value!.Value;
                }

                return ControlResults.From(await tester.TestAsync(id, input, ct).ConfigureAwait(false));
            })
            .WithName("TestAccount")
            .WithSummary("Send one tiny real request to this account (also when disabled); the outcome updates its health like a real request's.")
            .WithDescription("Body optional: {\"model\":\"…\"}. Default model: the first modelMap value, else the first exact name in models, else claude-haiku-4-5 (anthropic) / gpt-4o-mini (openai). " +
                "Always 200 for a known account: ok true with the start of the reply, or ok false with the upstream's error. Not recorded as usage.")
            .AcceptsJson<AccountTestInput>()
            .Produces<AccountTestResult>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound);

        return api;
    }
}
