using System.Globalization;
using Relay.Core.Limits;

namespace Relay.Core.Admission;

/// <summary>Human wording of limits for refusal messages and reports: "100 requests per 60s", "a daily cost budget of $5.00".</summary>
public static class LimitText
{
    public static string Amount(LimitMeter meter, decimal value) => meter switch
    {
        LimitMeter.Cost => "$" + value.ToString("0.00##", CultureInfo.InvariantCulture),
        LimitMeter.Requests => value.ToString("0.##", CultureInfo.InvariantCulture) + (value == 1 ? " request" : " requests"),
        LimitMeter.Tokens => value.ToString("#,0.##", CultureInfo.InvariantCulture) + " tokens",
        _ => value.ToString("0", CultureInfo.InvariantCulture) + " concurrent requests",
    };

    /// <summary>"limit of 100 requests per 60s", "daily budget of $5.00", "total budget of 1,000,000 tokens".</summary>
    public static string Describe(LimitRule rule) => rule.Window.Kind switch
    {
        LimitWindowKind.Sliding => $"limit of {Amount(rule.Meter, rule.Max)} per {rule.Window}",
        LimitWindowKind.Day => $"daily budget of {Amount(rule.Meter, rule.Max)}",
        LimitWindowKind.Week => $"weekly budget of {Amount(rule.Meter, rule.Max)}",
        LimitWindowKind.Total => $"total budget of {Amount(rule.Meter, rule.Max)}",
        _ => $"limit of {Amount(rule.Meter, rule.Max)}",
    };

    public static bool IsBudget(LimitWindow window) => window.Kind is LimitWindowKind.Day or LimitWindowKind.Week or LimitWindowKind.Total;
}
