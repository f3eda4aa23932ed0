using Relay.Core.Accounts;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// Rules for an account after the input has been laid over the defaults (create) or the stored
/// account (update), so one set of rules covers both and a PATCH cannot produce what a POST refuses.
/// </summary>
internal static class AccountValidator
{
    public const int MaxNameLength = 100;
    public const int MaxPriority = 1_000_000;
    public const int MaxWeight = 1000;

    public static ControlError? Validate(AccountRecord account)
    {
        if (string.IsNullOrWhiteSpace(account.Name))
        {
            return ControlError.Invalid("Field 'name' is required and must not be empty.");
        }

        if (account.Name.Length > MaxNameLength)
        {
            return ControlError.Invalid($"Field 'name' must be at most {MaxNameLength} characters.");
        }

        if (!Platforms.IsKnown(account.Platform))
        {
            return ControlError.Invalid($"Field 'platform' must be one of: {string.Join(", ", Platforms.All)}.");
        }

        var allowed = WireShapes.For(account.Platform);
        if (account.Shapes.FirstOrDefault(s => !allowed.Contains(s)) is { } shape)
        {
            return ControlError.Invalid($"Field 'shapes': '{shape}' is not a shape a {account.Platform} account serves (one of: {string.Join(", ", allowed)}).");
        }

        if (account.AzureApiVersion is { } apiVersion)
        {
            if (account.Platform != Platforms.OpenAI)
            {
                return ControlError.Invalid("Field 'azure' applies to openai accounts only.");
            }

            if (string.IsNullOrWhiteSpace(apiVersion) || apiVersion.Length > 40 || apiVersion.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.')))
            {
                return ControlError.Invalid("Field 'azure.apiVersion' is required for Azure OpenAI, e.g. \"2024-10-21\".");
            }
        }

        if (!AccountTypes.IsKnown(account.Type))
        {
            return ControlError.Invalid($"Field 'type' must be one of: {string.Join(", ", AccountTypes.All)}.");
        }

        if (!Uri.TryCreate(account.BaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            return ControlError.Invalid("Field 'baseUrl' must be an absolute http:// or https:// URL.");
        }

        if (account.Priority is < 0 or > MaxPriority)
        {
            return ControlError.Invalid($"Field 'priority' must be between 0 and {MaxPriority}.");
        }

        if (account.Weight is < 1 or > MaxWeight)
        {
            return ControlError.Invalid($"Field 'weight' must be between 1 and {MaxWeight}.");
        }

        if (account.MaxConcurrency < 0)
        {
            return ControlError.Invalid("Field 'maxConcurrency' must be 0 (no limit) or more.");
        }

        if (account.Models.Any(string.IsNullOrWhiteSpace))
        {
            return ControlError.Invalid("Field 'models' must contain only non-empty model names or glob patterns.");
        }

        if (account.ModelMap.Any(pair => string.IsNullOrWhiteSpace(pair.Key) || string.IsNullOrWhiteSpace(pair.Value)))
        {
            return ControlError.Invalid("Field 'modelMap' must map non-empty model names to non-empty model names.");
        }

        return null;
    }

    /// <summary>
    /// A given proxy must be <c>http|https|socks5|socks5h://[user:pass@]host:port</c>; blank means "remove it". The error
    /// never repeats the URL, which may carry a password.
    /// </summary>
    public static ControlError? ValidateProxy(string? proxy, out OutboundProxy? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(proxy))
        {
            return null;
        }

        return OutboundProxy.TryParse(proxy, out parsed, out var error) ? null : ControlError.Invalid($"Field 'proxy' {error}.");
    }

    /// <summary>A given secret must have content; it can be replaced but never cleared.</summary>
    public static ControlError? ValidateSecret(string? secret, bool required)
    {
        if (secret is null)
        {
            return required ? ControlError.Invalid("Field 'secret' is required.") : null;
        }

        return string.IsNullOrWhiteSpace(secret) ? ControlError.Invalid("Field 'secret' must not be empty.") : null;
    }
}
