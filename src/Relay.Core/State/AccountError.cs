namespace Relay.Core.State;

/// <summary>
/// The most recent failed upstream attempt on an account, kept for operators after the account recovers (until a
/// reset). <see cref="Message"/> is the upstream's error message or Relay's own description, already free of
/// secrets (callers scrub it) and at most <see cref="MaxMessageLength"/> characters.
/// </summary>
/// <param name="Status">The upstream's HTTP status; 0 when it never answered (connect failure, timeout).</param>
public sealed record AccountError(DateTimeOffset At, int Status, string Message)
{
    public const int MaxMessageLength = 300;

    public static AccountError Create(DateTimeOffset at, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(at, status, message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 1)] + "…");
    }
}
