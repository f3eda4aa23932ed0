using Relay.Core.State;
using Relay.Protocols.Usage;

namespace Relay.Server.Forwarding;

/// <summary>
/// How one attempt on one account ended. <see cref="Committed"/> means the client has received
/// (or is receiving) this answer and no other account may be tried; otherwise <see cref="Failure"/>
/// says why the account failed and the pipeline moves on.
/// </summary>
internal readonly record struct AttemptResult
{
    public bool Committed { get; init; }

    /// <summary>Set when the account should be cooled (before or after commit).</summary>
    public FailureKind? Failure { get; init; }

    /// <summary>Upstream's own hint of when to come back (retry-after, rate-limit reset).</summary>
    public TimeSpan? RetryHint { get; init; }

    /// <summary>An exact end of the cooldown: the reset of the usage window a 429 says is exhausted (wins over <see cref="RetryHint"/>).</summary>
    public DateTimeOffset? CoolUntil { get; init; }
    public string? Reason { get; init; }

    /// <summary>The upstream's own error message, when it sent one (unscrubbed: see <see cref="UpstreamErrorText"/>).</summary>
    public string? UpstreamMessage { get; init; }

    /// <summary>Status the upstream answered with; 0 when it never answered.</summary>
    public int UpstreamStatus { get; init; }

    /// <summary>Status the client saw (only meaningful when committed).</summary>
    public int ClientStatus { get; init; }
    public string? ErrorClass { get; init; }
    public TokenUsage Usage { get; init; }
    public string? UpstreamModel { get; init; }
    public int? FirstByteMs { get; init; }

    /// <summary>The client went away; nothing more to send and nobody to blame.</summary>
    public bool ClientGone { get; init; }

    /// <summary>
    /// The account declined this request without anything being wrong with it (a subscription that serves only its
    /// own client): the next account is tried, nothing cools, and when no account is left the client gets this body —
    /// the upstream's answer in the client's format — with <see cref="UpstreamStatus"/>.
    /// </summary>
    public byte[]? DeclinedBody { get; init; }

    public static AttemptResult Declined(string reason, int upstreamStatus, byte[] clientBody) =>
        new() { Reason = reason, UpstreamStatus = upstreamStatus, DeclinedBody = clientBody, ErrorClass = ErrorClasses.InvalidRequest };

    public static AttemptResult Failover(FailureKind kind, string reason, int upstreamStatus = 0, TimeSpan? hint = null, string? errorClass = null) =>
        new() { Failure = kind, Reason = reason, UpstreamStatus = upstreamStatus, RetryHint = hint, ErrorClass = errorClass ?? ErrorClasses.For(kind) };
}

/// <summary>Stable names for the usage event's error class.</summary>
internal static class ErrorClasses
{
    public const string RateLimited = "rate_limited";
    public const string Overloaded = "overloaded";
    public const string UpstreamError = "upstream_error";
    public const string Network = "network";
    public const string UpstreamAuth = "upstream_auth";
    public const string StreamError = "stream_error";
    public const string UpstreamCut = "upstream_cut";
    public const string IdleTimeout = "idle_timeout";
    public const string ClientClosed = "client_closed";
    public const string InvalidRequest = "invalid_request";
    public const string NoAccount = "no_account";

    public static string For(FailureKind kind) => kind switch
    {
        FailureKind.RateLimited => RateLimited,
        FailureKind.Overloaded => Overloaded,
        FailureKind.ServerError => UpstreamError,
        FailureKind.Network => Network,
        FailureKind.AuthRejected => UpstreamAuth,
        FailureKind.StreamError => StreamError,
        _ => UpstreamError,
    };
}
