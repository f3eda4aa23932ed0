namespace Relay.Core.Limits;

/// <summary>
/// The operator's calendar for "1d" and "1w" windows: daily caps reset at <see cref="ResetHour"/> local
/// time, weekly caps on <see cref="WeekStartsOn"/> at that hour. Live configuration, passed with each call.
/// </summary>
public sealed record CalendarSettings(TimeZoneInfo TimeZone, DayOfWeek WeekStartsOn = DayOfWeek.Monday, int ResetHour = 0)
{
    public static CalendarSettings Utc { get; } = new(TimeZoneInfo.Utc);
}
