using Relay.Protocols.RateLimits;

namespace Relay.Server.Forwarding;

/// <summary>
/// Finds a response's usage-window headers. The common case — no such header — is one pass over the header names
/// with a prefix test and allocates nothing; only a response that has them pays for collecting and parsing them.
/// </summary>
internal static class UsageWindowReader
{
    public static UsageWindowReport? Read(HttpResponseMessage response, DateTimeOffset now)
    {
        List<KeyValuePair<string, string?>>? found = null;
        foreach (var header in response.Headers.NonValidated)
        {
            if (!UsageWindowHeaders.IsUsageHeader(header.Key))
            {
                continue;
            }

            string? first = null;
            foreach (var value in header.Value)
            {
                first = value;
                break;
            }

            (found ??= new List<KeyValuePair<string, string?>>(16)).Add(new(header.Key, first));
        }

        return found is null ? null : UsageWindowHeaders.Parse(found, now);
    }
}
