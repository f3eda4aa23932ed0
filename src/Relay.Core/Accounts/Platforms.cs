namespace Relay.Core.Accounts;

/// <summary>Upstream wire families. Strings, because they are part of the Control API and the database.</summary>
public static class Platforms
{
    public const string Anthropic = "anthropic";

    public static bool IsKnown(string? platform) => platform is Anthropic;
}

/// <summary>How Relay authenticates to an account's upstream.</summary>
public static class AccountTypes
{
    public const string ApiKey = "api-key";

    public static bool IsKnown(string? type) => type is ApiKey;
}
