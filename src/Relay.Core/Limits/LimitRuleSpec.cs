using System.Globalization;

namespace Relay.Core.Limits;

/// <summary>
/// A limit rule in its text shape, as the Control API takes and shows it and as the store keeps it:
/// <c>{ "meter": "cost", "window": "1d", "max": 5 }</c> or
/// <c>{ "meter": "concurrency", "max": 3, "queue": { "size": 10, "timeout": "10s" } }</c>.
/// One shape in both places, so what an operator wrote is what they read back, in canonical form (a window or
/// timeout is shown in its shortest exact spelling: "60s" reads back as "1m").
/// </summary>
public sealed record LimitRuleSpec(string Meter, string? Window, decimal Max, LimitQueueSpec? Queue = null)
{
    public static LimitRuleSpec From(LimitRule rule) => new(
        rule.Meter.ToString().ToLowerInvariant(),
        rule.Meter == LimitMeter.Concurrency ? null : rule.Window.ToString(),
        rule.Max,
        rule.Queue is { } q ? new LimitQueueSpec(q.Size, DurationText.Format(q.Timeout)) : null);

    public static IReadOnlyList<LimitRuleSpec> FromRules(IReadOnlyList<LimitRule> rules) => [.. rules.Select(From)];

    public bool TryToRule(out LimitRule? rule, out string? error) =>
        LimitRule.TryCreate(Meter, Window, Max, Queue?.Size, Queue?.Timeout, out rule, out error);

    /// <summary>
    /// Converts a whole list; the error names the rule at fault ("limits[1]: …"). Two rules on the same meter and
    /// window are refused: which one would an operator expect to win?
    /// </summary>
    public static bool TryToRules(IReadOnlyList<LimitRuleSpec>? specs, string field, out IReadOnlyList<LimitRule> rules, out string? error)
    {
        rules = [];
        error = null;
        if (specs is null)
        {
            return true;
        }

        if (specs.Count > MaxRules)
        {
            error = $"{field}: at most {MaxRules} rules";
            return false;
        }

        var list = new List<LimitRule>(specs.Count);
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i] is null)
            {
                error = $"{field}[{i}]: a rule object is required";
                return false;
            }

            if (!specs[i].TryToRule(out var rule, out var ruleError))
            {
                error = $"{field}[{i}]: {ruleError}";
                return false;
            }

            if (list.Any(r => r.Meter == rule!.Meter && r.Window == rule.Window))
            {
                error = $"{field}[{i}]: a {specs[i].Meter} rule{(rule!.Meter == LimitMeter.Concurrency ? "" : " for window " + rule.Window)} is already given";
                return false;
            }

            list.Add(rule!);
        }

        rules = list;
        return true;
    }

    public const int MaxRules = 32;

    public override string ToString() =>
        Window is null ? $"{Meter} ≤ {Max.ToString(CultureInfo.InvariantCulture)}" : $"{Meter} ≤ {Max.ToString(CultureInfo.InvariantCulture)} per {Window}";
}

/// <summary>The wait line of a concurrency rule: <c>{ "size": 10, "timeout": "10s" }</c>.</summary>
public sealed record LimitQueueSpec(int Size, string Timeout);
