using Relay.Core.Limits;

namespace Relay.Core.Tests.Limits;

public sealed class WindowMathTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_day_starts_at_the_operators_midnight()
    {
        var (start, end) = WindowMath.CalendarPeriod(LimitWindowKind.Day, Utc("2026-06-10T21:30:00"), new CalendarSettings(Berlin));
        Assert.Equal(Utc("2026-06-09T22:00:00"), start);
        Assert.Equal(Utc("2026-06-10T22:00:00"), end);

        // Half an hour later it is tomorrow in Berlin.
        (start, _) = WindowMath.CalendarPeriod(LimitWindowKind.Day, Utc("2026-06-10T22:00:00"), new CalendarSettings(Berlin));
        Assert.Equal(Utc("2026-06-10T22:00:00"), start);
    }

    [Fact]
    public void The_spring_forward_day_is_23_hours_and_a_reset_inside_the_gap_happens_when_it_ends()
    {
        var (start, end) = WindowMath.CalendarPeriod(LimitWindowKind.Day, Utc("2026-03-29T12:00:00"), new CalendarSettings(Berlin));
        Assert.Equal(Utc("2026-03-28T23:00:00"), start);
        Assert.Equal(Utc("2026-03-29T22:00:00"), end);
        Assert.Equal(TimeSpan.FromHours(23), end - start);

        // 02:00 local does not exist that day: the reset happens at 03:00 CEST.
        (start, end) = WindowMath.CalendarPeriod(LimitWindowKind.Day, Utc("2026-03-29T10:00:00"), new CalendarSettings(Berlin, ResetHour: 2));
        Assert.Equal(Utc("2026-03-29T01:00:00"), start);
        Assert.Equal(Utc("2026-03-30T00:00:00"), end);
    }

    [Fact]
    public void A_reset_in_the_repeated_fall_back_hour_happens_at_its_first_occurrence()
    {
        var (start, end) = WindowMath.CalendarPeriod(LimitWindowKind.Day, Utc("2026-11-01T12:00:00"), new CalendarSettings(NewYork, ResetHour: 1));
        Assert.Equal(Utc("2026-11-01T05:00:00"), start); // 01:00 EDT
        Assert.Equal(Utc("2026-11-02T06:00:00"), end); // 01:00 EST
        Assert.Equal(TimeSpan.FromHours(25), end - start);
    }

    [Fact]
    public void Weeks_start_on_the_configured_day_and_hour()
    {
        var mondayNine = new CalendarSettings(NewYork, DayOfWeek.Monday, 9);

        // Monday 08:00 EST is still last week.
        var (start, end) = WindowMath.CalendarPeriod(LimitWindowKind.Week, Utc("2026-11-23T13:00:00"), mondayNine);
        Assert.Equal(Utc("2026-11-16T14:00:00"), start);
        Assert.Equal(Utc("2026-11-23T14:00:00"), end);

        (start, end) = WindowMath.CalendarPeriod(LimitWindowKind.Week, Utc("2026-11-23T14:00:00"), mondayNine);
        Assert.Equal(Utc("2026-11-23T14:00:00"), start);
        Assert.Equal(Utc("2026-11-30T14:00:00"), end);
    }

    [Fact]
    public void A_week_across_the_autumn_change_is_one_hour_longer()
    {
        var sunday = new CalendarSettings(Berlin, DayOfWeek.Sunday);
        var (start, end) = WindowMath.CalendarPeriod(LimitWindowKind.Week, Utc("2026-10-24T21:59:00"), sunday);
        Assert.Equal(Utc("2026-10-17T22:00:00"), start);
        Assert.Equal(Utc("2026-10-24T22:00:00"), end);

        (start, end) = WindowMath.CalendarPeriod(LimitWindowKind.Week, Utc("2026-10-25T12:00:00"), sunday);
        Assert.Equal(Utc("2026-10-24T22:00:00"), start);
        Assert.Equal(Utc("2026-10-31T23:00:00"), end);
        Assert.Equal(TimeSpan.FromHours(7 * 24 + 1), end - start);
    }

    [Fact]
    public void Sliding_sub_buckets_are_a_sixtieth_of_the_window()
    {
        Assert.Equal(TimeSpan.FromSeconds(1).Ticks, WindowMath.BucketTicks(TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.FromMinutes(5).Ticks, WindowMath.BucketTicks(TimeSpan.FromHours(5)));
    }
}
