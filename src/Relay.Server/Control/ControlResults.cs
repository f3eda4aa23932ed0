namespace Relay.Server.Control;

/// <summary>Turns service outcomes into HTTP results, always through <see cref="ControlJson.Options"/>.</summary>
internal static class ControlResults
{
    public static IResult Json<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        Results.Json(value, ControlJson.Options, statusCode: statusCode);

    public static IResult From<T>(Outcome<T> outcome, int statusCode = StatusCodes.Status200OK) =>
        outcome.Error is { } error ? Error(error) : Json(outcome.Value, statusCode);

    public static IResult Error(ControlError error) =>
        Results.Json(new ErrorEnvelope(error), ControlJson.Options, statusCode: StatusCodeOf(error));

    public static int StatusCodeOf(ControlError error) => error.Type switch
    {
        ControlError.NotFoundType => StatusCodes.Status404NotFound,
        ControlError.UnauthorizedType => StatusCodes.Status401Unauthorized,
        ControlError.ConflictType => StatusCodes.Status409Conflict,
        ControlError.ForbiddenType => StatusCodes.Status403Forbidden,
        ControlError.RateLimitedType => StatusCodes.Status429TooManyRequests,
        ControlError.UpstreamUnavailableType => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status400BadRequest,
    };
}

/// <summary>The <c>{"items":[…]}</c> wrapper of list responses, leaving room for paging fields later.</summary>
internal sealed record ItemList<T>(IReadOnlyList<T> Items);
