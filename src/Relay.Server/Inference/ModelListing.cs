using System.Diagnostics;
using System.Globalization;
using Relay.Core.Accounts;
using Relay.Core.Admission;
using Relay.Core.Snapshots;
using Relay.Core.Usage;
using Relay.Protocols.Models;
using Relay.Server.Admission;
using Relay.Server.Inference.Shapes;

namespace Relay.Server.Inference;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>, answered by Relay itself from what the caller's key can
/// reach (<see cref="ReachableModels"/>, the same list <c>GET /api/me</c> shows): no upstream is called, so the
/// list shows the key's aliases and policy rather than one account's catalogue.
/// 1. authenticate the relay key (401 in the caller's shape);
/// 2. the policy's client rule (403; a refusal is recorded as a usage event like any other);
/// 3. answer in the caller's shape. Not metered: no concurrency slot, no limit spent, no usage event for an answer.
/// </summary>
internal sealed class ModelListing(ISnapshotSource snapshots, KeyFirstUse firstUse, UsageRecorder usage, TimeProvider time)
{
    /// <summary>Which API's list the caller expects.</summary>
    public enum Dialect
    {
        /// <summary>Anthropic under <c>/claude</c>, OpenAI under <c>/openai</c>, elsewhere decided by the request's headers.</summary>
        ByHeaders,
        Anthropic,
        OpenAI,
    }

    public async Task ListAsync(HttpContext context, Dialect dialect)
    {
        var anthropic = IsAnthropic(context.Request, dialect);
        if (await AdmitAsync(context, anthropic).ConfigureAwait(false) is not { } models)
        {
            return;
        }

        if (!anthropic)
        {
            await WriteAsync(context, OpenAIModelList.List(models)).ConfigureAwait(false);
            return;
        }

        if (!TryReadPaging(context.Request.Query, out var limit, out var afterId, out var beforeId, out var invalid))
        {
            await MessagesClientShape.Instance.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request_error", invalid).ConfigureAwait(false);
            return;
        }

        var (page, hasMore) = AnthropicModelList.Page(models, limit, afterId, beforeId);
        await WriteAsync(context, AnthropicModelList.List(page, hasMore)).ConfigureAwait(false);
    }

    public async Task GetAsync(HttpContext context, string modelId, Dialect dialect)
    {
        var anthropic = IsAnthropic(context.Request, dialect);
        if (await AdmitAsync(context, anthropic).ConfigureAwait(false) is not { } models)
        {
            return;
        }

        // A catch-all route value keeps an encoded slash encoded ("org/model" ids are common on OpenAI-compatible hosts).
        var id = modelId.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            if (string.Equals(model.Id, id, StringComparison.Ordinal))
            {
                await WriteAsync(context, anthropic ? AnthropicModelList.Model(model) : OpenAIModelList.Model(model)).ConfigureAwait(false);
                return;
            }
        }

        await ShapeOf(anthropic).WriteErrorAsync(context, StatusCodes.Status404NotFound, "not_found_error", $"The model '{id}' does not exist or this key cannot use it.", param: "model").ConfigureAwait(false);
    }

    /// <summary>
    /// Anthropic's list when the client sends <c>anthropic-version</c> (every Anthropic SDK and Claude Code do, with
    /// the key in <c>x-api-key</c> or, for <c>ANTHROPIC_AUTH_TOKEN</c>, as a Bearer token); OpenAI's otherwise.
    /// </summary>
    private static bool IsAnthropic(HttpRequest request, Dialect dialect) => dialect switch
    {
        Dialect.Anthropic => true,
        Dialect.OpenAI => false,
        _ => request.Headers.ContainsKey("anthropic-version"),
    };

    private static ClientShape ShapeOf(bool anthropic) => anthropic ? MessagesClientShape.Instance : ChatClientShape.Instance;

    /// <returns>The key's models, or null when the caller was refused (the refusal is written).</returns>
    private async Task<IReadOnlyList<ModelEntry>?> AdmitAsync(HttpContext context, bool anthropic)
    {
        var started = Stopwatch.GetTimestamp();
        var shape = ShapeOf(anthropic);
        var snapshot = snapshots.Current;
        var key = ClientKey.Authenticate(context.Request, snapshot, time.GetUtcNow(), firstUse, out var refusal);
        if (key is null)
        {
            await shape.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "authentication_error", refusal).ConfigureAwait(false);
            return null;
        }

        // Any authenticated request is a use: "expires N days after first use" counts from here too.
        firstUse.Note(key);
        if (KeyAdmission.CheckPolicy(snapshot, key, null, context.Request.Headers.UserAgent.ToString()) is { } denied)
        {
            var (status, type) = AnthropicRefusals.StatusAndType(denied.Kind);
            await shape.WriteErrorAsync(context, status, type, denied.Message, denied.RetryAfter).ConfigureAwait(false);
            RecordRefusal(key, status, denied.ErrorClass, started);
            return null;
        }

        return [.. ReachableModels.For(snapshot, key).Select(m => new ModelEntry(m.Id, m.Since, m.Platform))];
    }

    private void RecordRefusal(KeyEntry key, int status, string errorClass, long started) =>
        usage.Record(new UsageEvent
        {
            Timestamp = time.GetUtcNow(),
            KeyId = key.Id,
            Platform = Platforms.Anthropic,
            Status = status,
            ErrorClass = errorClass,
            LatencyMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Attempts = 0,
        });

    /// <summary>Anthropic's paging parameters: <c>limit</c> 1–1000 (default 20), and at most one of <c>after_id</c>, <c>before_id</c>.</summary>
    private static bool TryReadPaging(IQueryCollection query, out int limit, out string? afterId, out string? beforeId, out string invalid)
    {
        limit = AnthropicModelList.DefaultLimit;
        afterId = NonEmpty(query["after_id"]);
        beforeId = NonEmpty(query["before_id"]);
        invalid = string.Empty;
        if (NonEmpty(query["limit"]) is { } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > AnthropicModelList.MaxLimit))
        {
            invalid = $"limit: must be an integer from 1 to {AnthropicModelList.MaxLimit}.";
            return false;
        }

        if (afterId is not null && beforeId is not null)
        {
            invalid = "Only one of after_id and before_id may be given.";
            return false;
        }

        return true;
    }

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues values) => values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static Task WriteAsync(HttpContext context, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
