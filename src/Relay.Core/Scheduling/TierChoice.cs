using Relay.Core.State;

namespace Relay.Core.Scheduling;

/// <summary>
/// Which account of one priority tier to try next.
/// <list type="number">
/// <item>No candidate has reported usage windows (API-key pools): weighted random by <c>weight / (in-flight + 1)</c>,
/// exactly as before subscriptions existed.</item>
/// <item>Otherwise each candidate's score is its subscription use (<see cref="SubscriptionUse"/>: the fullest window not
/// yet reset; never reported = 0) plus <see cref="InFlightCost"/> per request in flight. The candidates within
/// <see cref="Band"/> of the lowest score share by the same weighted random; the rest wait.</item>
/// </list>
/// Why the band: accounts a few points apart are equally far from their limits, and still sharing by weight keeps
/// operators' weights meaningful. Why the in-flight cost: a burst arrives before any answer has updated the windows;
/// charging each request in flight a guess of its use lets the burst overflow to the next account instead of landing
/// whole on the least used one (20 points less used takes about 8 requests in flight before the next one shares).
/// Why never-reported counts as 0: a new subscription learns its windows from its first answer, so it must get one;
/// an account that never reports (an API key) has no window to run out of.
/// </summary>
internal static class TierChoice
{
    /// <summary>Scores this close to the lowest count as equal (5 percentage points).</summary>
    public const double Band = 0.05;

    /// <summary>What a request in flight is assumed to use until its answer reports the real figure (2 points).</summary>
    public const double InFlightCost = 0.02;

    /// <summary>Room for rounding, so 0.25 + 0.05 still includes a score of 0.30.</summary>
    private const double Epsilon = 1e-9;

    /// <summary>The index of the chosen candidate; <paramref name="roll"/> is uniform in [0, 1).</summary>
    public static int Pick(ReadOnlySpan<AccountLoad> loads, ReadOnlySpan<int> weights, double roll)
    {
        var ceiling = double.PositiveInfinity;
        for (var i = 0; i < loads.Length; i++)
        {
            if (loads[i].Use is not null)
            {
                ceiling = Lowest(loads) + Band + Epsilon;
                break;
            }
        }

        var total = 0d;
        for (var i = 0; i < loads.Length; i++)
        {
            total += Share(loads[i], weights[i], ceiling);
        }

        var left = roll * total;
        var last = 0;
        for (var i = 0; i < loads.Length; i++)
        {
            var share = Share(loads[i], weights[i], ceiling);
            if (share > 0)
            {
                last = i;
                left -= share;
                if (left < 0)
                {
                    return i;
                }
            }
        }

        return last;
    }

    /// <summary>Use plus the guess for requests in flight; a never-reported account starts at 0.</summary>
    public static double Score(AccountLoad load) => (load.Use ?? 0d) + (load.InFlight * InFlightCost);

    private static double Lowest(ReadOnlySpan<AccountLoad> loads)
    {
        var lowest = double.PositiveInfinity;
        foreach (var load in loads)
        {
            lowest = Math.Min(lowest, Score(load));
        }

        return lowest;
    }

    /// <summary>The candidate's share of the weighted draw: 0 outside the band.</summary>
    private static double Share(AccountLoad load, int weight, double ceiling) =>
        Score(load) <= ceiling ? (double)weight / (load.InFlight + 1) : 0d;
}
