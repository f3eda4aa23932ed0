using System.Globalization;
using System.Text;

namespace Relay.Server.Control.Usage;

/// <summary>
/// <c>GET /api/usage/events.csv</c>: a header row, then one RFC 4180 row per event (CRLF line ends, fields with a
/// comma, quote or line break quoted, quotes doubled), written while the events are read so a million rows never sit
/// in memory. Text cells are operator-chosen (key, account and group names) or upstream-supplied (model names), so a
/// cell a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) gets a
/// leading <c>'</c> and is shown as text instead.
/// </summary>
internal sealed class UsageEventsCsv(IAsyncEnumerable<UsageEventView> events, DateTimeOffset now) : IResult
{
    public const string ContentType = "text/csv; charset=utf-8";

    private const string Header =
        "id,at,keyId,keyName,accountId,accountName,groupId,groupName,platform,requestedModel,upstreamModel,status,errorClass," +
        "stream,attempts,latencyMs,firstByteMs,inputTokens,outputTokens,cacheWrite5mTokens,cacheWrite1hTokens,cacheReadTokens,cost";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public string FileName => $"relay-usage-{now.UtcDateTime.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.csv";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.ContentDisposition = $"attachment; filename=\"{FileName}\"";
        response.Headers.CacheControl = "no-store";

        var cancellationToken = httpContext.RequestAborted;
        await using var writer = new StreamWriter(response.Body, Utf8NoBom, bufferSize: 32 * 1024, leaveOpen: true);
        await writer.WriteAsync(Header + "\r\n").ConfigureAwait(false);
        var line = new StringBuilder(256);
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            line.Clear();
            Text(line, e.Id).Append(',').Append(e.At.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture)).Append(',');
            Text(line, e.KeyId).Append(',');
            Text(line, e.KeyName).Append(',');
            Text(line, e.AccountId).Append(',');
            Text(line, e.AccountName).Append(',');
            Text(line, e.GroupId).Append(',');
            Text(line, e.GroupName).Append(',');
            Text(line, e.Platform).Append(',');
            Text(line, e.RequestedModel).Append(',');
            Text(line, e.UpstreamModel).Append(',');
            line.Append(e.Status.ToString(CultureInfo.InvariantCulture)).Append(',');
            Text(line, e.ErrorClass).Append(',');
            line.Append(e.Stream ? "true" : "false").Append(',')
                .Append(e.Attempts.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.LatencyMs.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.FirstByteMs?.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.InputTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.OutputTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.CacheWrite5mTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.CacheWrite1hTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.CacheReadTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(e.Cost.ToString(CultureInfo.InvariantCulture)).Append("\r\n");

            // The writer's buffer goes to the client whenever it fills: memory stays flat however many rows there are.
            await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends one text cell: neutralised against formula injection, then quoted when RFC 4180 needs it.</summary>
    internal static StringBuilder Text(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return line;
        }

        var guard = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!quote)
        {
            return guard ? line.Append('\'').Append(value) : line.Append(value);
        }

        line.Append('"');
        if (guard)
        {
            line.Append('\'');
        }

        return line.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
