namespace Relay.Core.Limits;

/// <summary>Names of hot-state limit scopes. One place, so the request path, seeding and reports agree.</summary>
public static class LimitScopes
{
    public static string Key(string keyId) => "key:" + keyId;

    public static string Account(string accountId) => "account:" + accountId;
}
