using Relay.Core.Accounts;
using Relay.Server.OAuth;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// What a sign-in provider requires on every request of its accounts, and nothing more: its <c>anthropic-beta</c>
/// flags merged with the client's, the signed-in account's id in the provider's header, and the provider's fixed
/// headers where the client sent none. Built once per provider (<see cref="SignInRequestRules"/>), applied to
/// OAuth accounts' requests only, after the client's headers were copied and the bearer set.
/// <para>
/// Deliberately absent: no system prompt, user agent, <c>metadata</c>, <c>instructions</c> or any other field is
/// added or rewritten (docs/design/subscription-accounts-research.md §0.3). A request that the provider refuses as it
/// is stays refused.
/// </para>
/// </summary>
internal sealed class ProviderRequestHeaders
{
    private const string AnthropicBeta = "anthropic-beta";

    private readonly string[] _betas;
    private readonly string? _accountIdHeader;
    private readonly KeyValuePair<string, string>[] _defaults;

    public ProviderRequestHeaders(OAuthProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _betas = [.. provider.AnthropicBetas];
        _accountIdHeader = provider.AccountIdHeader;
        _defaults = [.. provider.RequestHeaders];
    }

    /// <summary>True when the provider asks for nothing (a provider configured without any request fields).</summary>
    private bool IsEmpty => _betas.Length == 0 && _accountIdHeader is null && _defaults.Length == 0;

    /// <summary>The headers one provider requires, or null when it requires none.</summary>
    public static ProviderRequestHeaders? For(OAuthProvider provider)
    {
        var headers = new ProviderRequestHeaders(provider);
        return headers.IsEmpty ? null : headers;
    }

    /// <param name="tokens">The live token set the bearer came from: its account id is the one sent, so a refresh that changes it is honoured.</param>
    public void Apply(HttpRequestMessage message, OAuthTokenSet tokens)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(tokens);
        if (_betas.Length > 0)
        {
            MergeBetas(message.Headers);
        }

        if (_accountIdHeader is not null)
        {
            // The provider's id of Relay's own account: a client's value is never its business, so it never passes.
            message.Headers.Remove(_accountIdHeader);
            if (tokens.AccountId is { } accountId)
            {
                message.Headers.TryAddWithoutValidation(_accountIdHeader, accountId);
            }
        }

        foreach (var (name, value) in _defaults)
        {
            if (!message.Headers.Contains(name))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    /// <summary>
    /// One <c>anthropic-beta</c> header: the client's flags in their order (from one header or several, duplicates
    /// dropped), then the provider's that are missing. A client that already sent them all in one header keeps its
    /// header untouched.
    /// </summary>
    private void MergeBetas(System.Net.Http.Headers.HttpRequestHeaders headers)
    {
        var flags = new List<string>(16);
        var values = 0;
        var duplicates = false;
        if (headers.NonValidated.TryGetValues(AnthropicBeta, out var sent))
        {
            foreach (var value in sent)
            {
                values++;
                foreach (var range in value.AsSpan().Split(','))
                {
                    var flag = value.AsSpan()[range].Trim();
                    if (flag.Length == 0)
                    {
                        continue;
                    }

                    if (Contains(flags, flag))
                    {
                        duplicates = true;
                    }
                    else
                    {
                        flags.Add(flag.ToString());
                    }
                }
            }
        }

        var complete = true;
        foreach (var beta in _betas)
        {
            if (!Contains(flags, beta))
            {
                flags.Add(beta);
                complete = false;
            }
        }

        if (complete && values == 1 && !duplicates)
        {
            return;
        }

        headers.Remove(AnthropicBeta);
        headers.TryAddWithoutValidation(AnthropicBeta, string.Join(',', flags));
    }

    private static bool Contains(List<string> flags, ReadOnlySpan<char> flag)
    {
        foreach (var existing in flags)
        {
            if (flag.SequenceEqual(existing))
            {
                return true;
            }
        }

        return false;
    }
}
