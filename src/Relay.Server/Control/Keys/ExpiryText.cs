using Relay.Core.Limits;

namespace Relay.Server.Control.Keys;

/// <summary>
/// The text of <c>expires.afterFirstUse</c>. Parsing is <see cref="DurationText"/>'s; showing prefers whole days,
/// because "30d" was what the operator wrote and "720h" is not what they would recognise.
/// </summary>
internal static class ExpiryText
{
    public static string Format(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.Ticks / TimeSpan.TicksPerDay}d" : DurationText.Format(span);
}
