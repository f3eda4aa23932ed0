namespace Relay.Core.Limits;

/// <summary>Builds the charges of one reservation from a scope's windowed rules and a request's estimate.</summary>
public static class LimitCharges
{
    /// <summary>
    /// One request, <paramref name="tokens"/> and <paramref name="cost"/> against each rule. An estimate is capped
    /// at the rule's max: an estimate is only a guess, and a guess above the limit must not make a request that
    /// would really fit impossible forever (it still needs an otherwise empty window).
    /// </summary>
    public static LimitCharge[] For(string scope, LimitRule[] rules, decimal tokens, decimal cost)
    {
        var charges = new LimitCharge[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            var amount = rule.Meter switch
            {
                LimitMeter.Requests => 1m,
                LimitMeter.Tokens => Math.Min(tokens, rule.Max),
                LimitMeter.Cost => Math.Min(cost, rule.Max),
                _ => throw new ArgumentException("window rules only", nameof(rules)),
            };
            charges[i] = new LimitCharge(scope, rule, amount);
        }

        return charges;
    }
}
