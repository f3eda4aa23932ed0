using System.Diagnostics;
using System.Text.Json;
using Relay.Core.Accounts;
using Relay.Core.Keys;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Server.Forwarding;
using Relay.Server.Forwarding.Exchanges;
using Relay.Server.Inference;
using Relay.Server.Inference.Shapes;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// <c>POST /api/accounts/{id}/test</c>: one tiny, real, non-streamed request to one account through the normal
/// <see cref="Forwarder"/> (the account's endpoint, shape, credential and model map), so "the test passed" means
/// "requests would pass". The attempt runs in a request context of its own whose body is kept in memory instead of
/// sent anywhere. It works on disabled accounts and accounts in error (operators test before enabling), skips the
/// scheduler, leases and limits, and records no usage; its outcome changes the account's health like a real
/// request's (<see cref="AccountHealthReport"/>). The reply is returned, never logged.
/// </summary>
internal sealed class AccountTester(IConfigStore store, SnapshotManager snapshots, Forwarder forwarder, IHotState hotState, TimeProvider time)
{
    public const string Prompt = "Reply with the single word: ok";
    public const int MaxTokens = 16;
    public const int MaxModelLength = 200;

    /// <summary>A test waits at most this long for the upstream, whatever the forwarding timeouts are.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A model for a test when none is given: the first mapped upstream model, else the first exact model name, else a cheap one of the platform.</summary>
    public static string DefaultModel(AccountRecord account)
    {
        ArgumentNullException.ThrowIfNull(account);
        foreach (var mapped in account.ModelMap.Values)
        {
            return mapped;
        }

        return account.Models.FirstOrDefault(m => m.IndexOfAny(['*', '?', '[']) < 0)
            ?? (account.Platform == Platforms.OpenAI ? "gpt-4o-mini" : "claude-haiku-4-5");
    }

    public async Task<Outcome<AccountTestResult>> TestAsync(string id, AccountTestInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Model is { } given && (string.IsNullOrWhiteSpace(given) || given.Length > MaxModelLength))
        {
            return ControlError.Invalid($"Field 'model' must be a model name of 1 to {MaxModelLength} characters.");
        }

        var account = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return ControlError.NotFound($"No account with id '{id}'.");
        }

        var model = input.Model?.Trim() ?? DefaultModel(account.Record);
        if ((account.Secret is null && account.Tokens is null) || account.UnusableReason is not null)
        {
            return new AccountTestResult(false, 0, 0, model) { Error = account.UnusableReason ?? "The account has no usable secret." };
        }

        var shape = ShapeFor(account);
        var body = Body(shape.Name, model);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        using var answer = new MemoryStream();
        var http = new DefaultHttpContext { RequestAborted = deadline.Token };
        http.Request.Method = HttpMethods.Post;
        http.Request.ContentType = "application/json";
        http.Response.Body = answer;

        var path = shape.Name switch { WireShapes.Messages => "/v1/messages", WireShapes.Chat => "/v1/chat/completions", _ => "/v1/responses" };
        var request = new RelayRequest(http, shape, TestKey, snapshots.Current, path);
        using var pooled = await PooledBody.ReadAsync(new MemoryStream(body), 64 * 1024, cancellationToken, body.Length).ConfigureAwait(false);
        request.Body = pooled;
        if (!shape.TryReadHead(request, body, out var invalid))
        {
            return ControlError.Invalid($"Field 'model' cannot be sent: {invalid}");
        }

        var started = Stopwatch.GetTimestamp();
        var result = await forwarder.SendAsync(request, account).ConfigureAwait(false);
        var latencyMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        cancellationToken.ThrowIfCancellationRequested();
        AccountHealthReport.Apply(hotState, account, result, time.GetUtcNow());

        if (result.Committed && result.ClientStatus is >= 200 and < 300)
        {
            return new AccountTestResult(true, result.ClientStatus, latencyMs, model) { Reply = AccountTestReply.Read(shape.Name, answer.ToArray()) };
        }

        string error;
        if (result.Committed)
        {
            // An error the upstream blamed on the request (an unknown model, say): passed through, health unchanged.
            var (_, message) = UpstreamErrors.Read(answer.ToArray());
            error = UpstreamErrorText.Scrub(message ?? $"upstream answered {result.ClientStatus}", account.Secret);
        }
        else
        {
            error = result.ClientGone ? $"no answer within {Deadline.TotalSeconds:0} seconds" : UpstreamErrorText.Describe(result, account);
        }

        return new AccountTestResult(false, result.Committed ? result.ClientStatus : result.UpstreamStatus, latencyMs, model) { Error = error };
    }

    /// <summary>The account as the request path sees it; one added by the CLI a moment ago may need a fresh snapshot.</summary>
    private async Task<AccountEntry?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (snapshots.Current.AccountsById.TryGetValue(id, out var entry))
        {
            return entry;
        }

        if (await store.GetAccountAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return snapshots.Current.AccountsById.GetValueOrDefault(id);
    }

    /// <summary>The account's own shape, so nothing is translated: Messages, else Chat, else Responses.</summary>
    private static ClientShape ShapeFor(AccountEntry account) =>
        account.ServedShapes.Contains(WireShapes.Messages) ? MessagesClientShape.Instance
        : account.ServedShapes.Contains(WireShapes.Chat) ? ChatClientShape.Instance
        : ResponsesClientShape.Instance;

    private static byte[] Body(string shape, string model)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            if (shape == WireShapes.Responses)
            {
                // A plain Responses request, as any client may send it; a backend with its own requirements (ChatGPT's,
                // which answers only streams and refuses max_output_tokens) gets it made acceptable by the forwarder's
                // provider rules, as every client's request is.
                json.WriteString("instructions", Prompt);
                json.WriteNumber("max_output_tokens", MaxTokens);
                json.WriteString("input", "ok?");
            }
            else
            {
                json.WriteNumber("max_tokens", MaxTokens);
                json.WriteStartArray("messages");
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteString("content", Prompt);
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Stands in for a relay key: the forwarder needs one on the request, and a test belongs to no key.</summary>
    private static readonly KeyEntry TestKey = new(new RelayKeyRecord { Id = "account-test", Name = "account test", Hash = "", Prefix = "" });
}
