using System.Collections.Frozen;
using Relay.Core.Accounts;

namespace Relay.Server.OAuth;

/// <summary>Lays a configuration section over a built-in provider's data and checks the result.</summary>
internal static class OAuthProviderResolver
{
    /// <exception cref="InvalidOperationException">An invalid or missing value; the message names the setting.</exception>
    public static OAuthProvider Resolve(string id, OAuthProviderOptions builtIn, OAuthProviderOptions configured)
    {
        string? Pick(Func<OAuthProviderOptions, string?> field) =>
            field(configured) is { Length: > 0 } value ? value : field(builtIn) is { Length: > 0 } fallback ? fallback : null;

        var prefix = $"Relay:OAuthProviders:{id}";
        var platform = Pick(o => o.Platform) ?? Platforms.Anthropic;
        if (!Platforms.IsKnown(platform))
        {
            throw new InvalidOperationException($"{prefix}:Platform must be one of: {string.Join(", ", Platforms.All)}.");
        }

        var clientId = Pick(o => o.ClientId) ?? throw new InvalidOperationException($"{prefix}:ClientId is required.");
        var format = Pick(o => o.TokenFormat) ?? "form";
        var tokenFormat = format.ToLowerInvariant() switch
        {
            "form" => TokenRequestFormat.Form,
            "json" => TokenRequestFormat.Json,
            _ => throw new InvalidOperationException($"{prefix}:TokenFormat must be 'form' or 'json'."),
        };

        var shapes = Split(Pick(o => o.Shapes));
        var unknownShape = shapes.FirstOrDefault(s => !WireShapes.For(platform).Contains(s));
        if (unknownShape is not null)
        {
            throw new InvalidOperationException($"{prefix}:Shapes: '{unknownShape}' is not a shape of the {platform} platform.");
        }

        return new OAuthProvider
        {
            Id = id,
            DisplayName = Pick(o => o.DisplayName) ?? id,
            Platform = platform,
            BaseUrl = OptionalUrl(Pick(o => o.BaseUrl), $"{prefix}:BaseUrl")?.ToString().TrimEnd('/'),
            Shapes = shapes,
            TokenUrl = RequiredUrl(Pick(o => o.TokenUrl), $"{prefix}:TokenUrl"),
            ClientId = clientId,
            ClientSecret = Pick(o => o.ClientSecret),
            Scopes = Pick(o => o.Scopes)?.Trim(),
            RefreshSkew = TimeSpan.FromSeconds(Math.Max(0, configured.RefreshSkewSeconds ?? builtIn.RefreshSkewSeconds ?? 60)),
            TokenFormat = tokenFormat,
            AuthorizeUrl = OptionalUrl(Pick(o => o.AuthorizeUrl), $"{prefix}:AuthorizeUrl"),
            RedirectUri = Pick(o => o.RedirectUri),
            SignInScopes = Pick(o => o.SignInScopes),
            AuthorizeParameters = Merge(builtIn.AuthorizeParameters, configured.AuthorizeParameters),
            SetupTokenScopes = Pick(o => o.SetupTokenScopes),
            SetupTokenLifetimeSeconds = configured.SetupTokenLifetimeSeconds ?? builtIn.SetupTokenLifetimeSeconds,
            DeviceCodeUrl = OptionalUrl(Pick(o => o.DeviceCodeUrl), $"{prefix}:DeviceCodeUrl"),
            DeviceTokenUrl = OptionalUrl(Pick(o => o.DeviceTokenUrl), $"{prefix}:DeviceTokenUrl"),
            DeviceVerificationUrl = Pick(o => o.DeviceVerificationUrl),
            DeviceRedirectUri = Pick(o => o.DeviceRedirectUri),
            AnthropicBetas = Split(Pick(o => o.AnthropicBetas)),
            AccountIdHeader = Pick(o => o.AccountIdHeader),
            RequestHeaders = Merge(builtIn.RequestHeaders, configured.RequestHeaders),
            Terms = Pick(o => o.Terms),
            ResponsesStreamOnly = configured.ResponsesStreamOnly ?? builtIn.ResponsesStreamOnly ?? false,
            ResponsesForceUnstored = configured.ResponsesForceUnstored ?? builtIn.ResponsesForceUnstored ?? false,
            ResponsesRequireInstructions = configured.ResponsesRequireInstructions ?? builtIn.ResponsesRequireInstructions ?? false,
            ResponsesInputAsList = configured.ResponsesInputAsList ?? builtIn.ResponsesInputAsList ?? false,

            // Unlike the other lists, a configured empty value counts: it is how an operator stops dropping fields.
            ResponsesDropFields = Split(configured.ResponsesDropFields ?? builtIn.ResponsesDropFields),
        };
    }

    private static string[] Split(string? list) =>
        list is null ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Configured entries replace built-in ones of the same name; an empty configured value removes it.</summary>
    private static FrozenDictionary<string, string> Merge(Dictionary<string, string>? builtIn, Dictionary<string, string>? configured)
    {
        var merged = new Dictionary<string, string>(builtIn ?? [], StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in configured ?? [])
        {
            if (string.IsNullOrEmpty(value))
            {
                merged.Remove(name);
            }
            else
            {
                merged[name] = value;
            }
        }

        return merged.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static Uri RequiredUrl(string? value, string setting) =>
        OptionalUrl(value, setting) ?? throw new InvalidOperationException($"{setting} must be an absolute http(s) URL.");

    private static Uri? OptionalUrl(string? value, string setting)
    {
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw new InvalidOperationException($"{setting} must be an absolute http(s) URL.");
    }
}
