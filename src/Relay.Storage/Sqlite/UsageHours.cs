namespace Relay.Storage.Sqlite;

/// <summary>Hour arithmetic on unix milliseconds, shared by the rollup writer and the read planner so both cut hours alike.</summary>
internal static class UsageHours
{
    public const long Milliseconds = 3_600_000;

    /// <summary>Start of the UTC hour holding <paramref name="ms"/> (floored, also before 1970).</summary>
    public static long Floor(long ms) => ms - (((ms % Milliseconds) + Milliseconds) % Milliseconds);

    /// <summary>The first hour start at or after <paramref name="ms"/>.</summary>
    public static long Ceiling(long ms)
    {
        var floor = Floor(ms);
        return floor == ms ? ms : floor + Milliseconds;
    }
}
