namespace Relay.Core.State;

/// <summary>Why an attempt on an account failed; each kind has its own cooling rule (see <see cref="CoolingPolicy"/>).</summary>
public enum FailureKind
{
    /// <summary>429: the account hit its upstream rate limit.</summary>
    RateLimited,

    /// <summary>529 or 503: the upstream is overloaded.</summary>
    Overloaded,

    /// <summary>Another 5xx.</summary>
    ServerError,

    /// <summary>Connect failure, reset, or no answer within the first-byte timeout.</summary>
    Network,

    /// <summary>401/403: the credential was refused. Needs an operator.</summary>
    AuthRejected,

    /// <summary>A 200 stream whose first event was an error event.</summary>
    StreamError,
}
