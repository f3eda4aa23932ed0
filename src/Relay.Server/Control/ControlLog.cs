namespace Relay.Server.Control;

/// <summary>Control API log events (ids 4000–4099). Ids, prefixes and names only; never a secret or a full key.</summary>
internal static partial class ControlLog
{
    [LoggerMessage(4001, LogLevel.Information, "Account {AccountId} created ({Platform})")]
    public static partial void AccountCreated(ILogger logger, string accountId, string platform);

    [LoggerMessage(4002, LogLevel.Information, "Account {AccountId} updated (secret replaced: {SecretReplaced})")]
    public static partial void AccountUpdated(ILogger logger, string accountId, bool secretReplaced);

    [LoggerMessage(4003, LogLevel.Information, "Account {AccountId} deleted")]
    public static partial void AccountDeleted(ILogger logger, string accountId);

    [LoggerMessage(4004, LogLevel.Information, "Account {AccountId} reset by an operator")]
    public static partial void AccountReset(ILogger logger, string accountId);

    [LoggerMessage(4005, LogLevel.Warning, "Checking for account resets requested by the CLI failed; will retry")]
    public static partial void ResetPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(4011, LogLevel.Information, "Key {KeyId} created ({Prefix}…)")]
    public static partial void KeyCreated(ILogger logger, string keyId, string prefix);

    [LoggerMessage(4012, LogLevel.Information, "Key {KeyId} updated")]
    public static partial void KeyUpdated(ILogger logger, string keyId);

    [LoggerMessage(4013, LogLevel.Information, "Key {KeyId} rotated (now {Prefix}…)")]
    public static partial void KeyRotated(ILogger logger, string keyId, string prefix);

    [LoggerMessage(4014, LogLevel.Information, "Key {KeyId} deleted")]
    public static partial void KeyDeleted(ILogger logger, string keyId);

    [LoggerMessage(4021, LogLevel.Information, "Price override set for {Model}")]
    public static partial void PriceSet(ILogger logger, string model);

    [LoggerMessage(4022, LogLevel.Information, "Price override removed for {Model}")]
    public static partial void PriceRemoved(ILogger logger, string model);

    [LoggerMessage(4031, LogLevel.Warning, "The admin token was rotated by another process; the previous token no longer works")]
    public static partial void AdminTokenReloaded(ILogger logger);

    [LoggerMessage(4032, LogLevel.Warning, "Reloading the admin token hash failed; the current one stays in force")]
    public static partial void AdminTokenReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(4041, LogLevel.Information, "Group {GroupId} created")]
    public static partial void GroupCreated(ILogger logger, string groupId);

    [LoggerMessage(4042, LogLevel.Information, "Group {GroupId} updated")]
    public static partial void GroupUpdated(ILogger logger, string groupId);

    [LoggerMessage(4043, LogLevel.Information, "Group {GroupId} deleted")]
    public static partial void GroupDeleted(ILogger logger, string groupId);

    [LoggerMessage(4051, LogLevel.Information, "Policy {PolicyId} created")]
    public static partial void PolicyCreated(ILogger logger, string policyId);

    [LoggerMessage(4052, LogLevel.Information, "Policy {PolicyId} updated")]
    public static partial void PolicyUpdated(ILogger logger, string policyId);

    [LoggerMessage(4053, LogLevel.Information, "Policy {PolicyId} deleted")]
    public static partial void PolicyDeleted(ILogger logger, string policyId);

    [LoggerMessage(4061, LogLevel.Information, "Live settings updated")]
    public static partial void SettingsUpdated(ILogger logger);

    [LoggerMessage(4062, LogLevel.Warning, "Content logging turned {State}: request and response bodies of inference requests are {What}")]
    private static partial void ContentLoggingChanged(ILogger logger, string state, string what);

    public static void ContentLoggingChanged(ILogger logger, bool on) =>
        ContentLoggingChanged(logger, on ? "on" : "off", on ? "now stored (encrypted) with their usage events" : "no longer stored; what exists is kept until it ages out");

    [LoggerMessage(4063, LogLevel.Warning, "All stored request and response content deleted through the Control API ({Count} events)")]
    public static partial void ContentDeleted(ILogger logger, long count);

    [LoggerMessage(4071, LogLevel.Information, "Admin user {Username} added through the Control API")]
    public static partial void AdminUserAdded(ILogger logger, string username);

    [LoggerMessage(4072, LogLevel.Information, "Password of admin user {Username} replaced through the Control API; their sessions are signed out")]
    public static partial void AdminPasswordChanged(ILogger logger, string username);

    [LoggerMessage(4073, LogLevel.Information, "Admin user {Username} removed through the Control API; their sessions are signed out")]
    public static partial void AdminUserRemoved(ILogger logger, string username);
}
