using Relay.Protocols.RateLimits;

namespace Relay.Core.State;

/// <summary>
/// How much of its subscription an account has used, in the form the scheduler reads on every choice: the report's
/// windows flattened into two arrays when the report arrives, so a choice is a short loop with no allocation.
/// <para>
/// The use at a moment is the highest utilization (a fraction; may exceed 1) among the windows that have not reset by
/// then: the account runs out when its fullest window does. A window whose reset has passed counts as 0 — it has
/// reset, and an account that gets no traffic because it looked full would otherwise never learn that it is empty
/// again. A window reported without a reset counts until one window length after it was observed (it must have turned
/// over by then); one whose length is unknown as well, or without a utilization, is left out.
/// </para>
/// </summary>
public sealed class SubscriptionUse
{
    private readonly double[] _utilization;
    private readonly DateTimeOffset[] _until;

    private SubscriptionUse(double[] utilization, DateTimeOffset[] until)
    {
        _utilization = utilization;
        _until = until;
    }

    public static SubscriptionUse Of(UsageWindowReport report, DateTimeOffset observedAt)
    {
        ArgumentNullException.ThrowIfNull(report);
        var utilization = new List<double>(report.Windows.Count);
        var until = new List<DateTimeOffset>(report.Windows.Count);
        foreach (var window in report.Windows)
        {
            if (window.Utilization is not { } used)
            {
                continue;
            }

            var minutes = UsageWindow.LengthMinutes(window.Window);
            DateTimeOffset? end = window.ResetsAt ?? (minutes > 0 ? observedAt.AddMinutes(minutes) : null);
            if (end is { } counted)
            {
                utilization.Add(used);
                until.Add(counted);
            }
        }

        return new SubscriptionUse([.. utilization], [.. until]);
    }

    /// <summary>The use at <paramref name="now"/>: the fullest window not yet reset, 0 when all have reset.</summary>
    public double At(DateTimeOffset now)
    {
        var use = 0d;
        for (var i = 0; i < _utilization.Length; i++)
        {
            if (now < _until[i] && _utilization[i] > use)
            {
                use = _utilization[i];
            }
        }

        return use;
    }
}
