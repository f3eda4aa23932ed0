namespace Relay.Server.Control;

/// <summary>
/// A Control API failure as a value. The type string is part of the contract
/// (<c>invalid_request</c>, <c>not_found</c>, <c>conflict</c>, <c>unauthorized</c>, <c>forbidden</c>, <c>rate_limited</c>,
/// <c>upstream_unavailable</c>); the HTTP status and the CLI
/// exit code are derived from it in one place each (<see cref="ControlResults"/>, the CLI).
/// </summary>
internal sealed record ControlError(string Type, string Message)
{
    public const string InvalidRequestType = "invalid_request";
    public const string NotFoundType = "not_found";
    public const string UnauthorizedType = "unauthorized";

    /// <summary>Authenticated, but the request is not allowed as sent (a session request without its CSRF token).</summary>
    public const string ForbiddenType = "forbidden";

    /// <summary>Too many failed sign-ins; the answer carries <c>Retry-After</c>.</summary>
    public const string RateLimitedType = "rate_limited";

    /// <summary>The request is valid but clashes with what is stored: a taken name, or a deletion something still depends on.</summary>
    public const string ConflictType = "conflict";

    /// <summary>A provider Relay had to call for the operator (a sign-in's token or device endpoint) could not be reached or failed.</summary>
    public const string UpstreamUnavailableType = "upstream_unavailable";

    public static ControlError Invalid(string message) => new(InvalidRequestType, message);

    public static ControlError NotFound(string message) => new(NotFoundType, message);

    public static ControlError Unauthorized(string message) => new(UnauthorizedType, message);

    public static ControlError Conflict(string message) => new(ConflictType, message);

    public static ControlError Forbidden(string message) => new(ForbiddenType, message);

    public static ControlError RateLimited(string message) => new(RateLimitedType, message);

    public static ControlError UpstreamUnavailable(string message) => new(UpstreamUnavailableType, message);
}

/// <summary>The wire shape of every error: <c>{"error":{"type":…,"message":…}}</c>.</summary>
internal sealed record ErrorEnvelope(ControlError Error);
