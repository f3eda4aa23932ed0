using Relay.Core.Limits;

namespace Relay.Server.Control.Limits;

/// <summary>
/// Turns <see cref="LimitRuleInput"/> lists into rules with errors that name the rule at fault
/// (<c>limits[1].max is required</c>). The rule semantics themselves live in <see cref="LimitRuleSpec"/>.
/// </summary>
internal static class LimitRules
{
    /// <summary>Key and policy limits: every meter, and a queue on concurrency.</summary>
    public static Outcome<IReadOnlyList<LimitRule>> ForKey(IReadOnlyList<LimitRuleInput?> inputs, string field = "limits") =>
        Convert(inputs, field);

    /// <summary>
    /// Account limits: the same windows, and concurrency without a queue. A request waits in a queue before an
    /// account is chosen, so an account has nothing to queue on; its concurrency rule acts like maxConcurrency.
    /// </summary>
    public static Outcome<IReadOnlyList<LimitRule>> ForAccount(IReadOnlyList<LimitRuleInput?> inputs, string field = "limits")
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i]?.Queue is not null)
            {
                return ControlError.Invalid($"Field '{field}[{i}].queue': queue applies to key concurrency only.");
            }
        }

        return Convert(inputs, field);
    }

    private static Outcome<IReadOnlyList<LimitRule>> Convert(IReadOnlyList<LimitRuleInput?> inputs, string field)
    {
        var specs = new List<LimitRuleSpec>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is not { } input)
            {
                return ControlError.Invalid($"Field '{field}[{i}]' must be a rule object.");
            }

            if (string.IsNullOrWhiteSpace(input.Meter))
            {
                return ControlError.Invalid($"Field '{field}[{i}].meter' is required: requests, tokens, cost or concurrency.");
            }

            if (input.Max is not { } max)
            {
                return ControlError.Invalid($"Field '{field}[{i}].max' is required.");
            }

            var queue = input.Queue is { } q ? new LimitQueueSpec(q.Size ?? 0, q.Timeout ?? "") : null;
            specs.Add(new LimitRuleSpec(input.Meter.Trim(), input.Window?.Trim(), max, queue));
        }

        return LimitRuleSpec.TryToRules(specs, field, out var rules, out var error)
            ? Outcome<IReadOnlyList<LimitRule>>.Success(rules)
            : ControlError.Invalid($"Field {error}.");
    }
}
