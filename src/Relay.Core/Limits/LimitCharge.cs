namespace Relay.Core.Limits;

/// <summary>
/// One rule to check in a reservation: <paramref name="Amount"/> of the rule's meter on <paramref name="Scope"/>
/// (e.g. "key:…" or "account:…", so a key's and its account's rules go through one atomic call).
/// Rules on the same scope with the same meter and window share one counter: the amount is taken once and
/// every such rule's max is checked, so the tightest wins.
/// </summary>
public readonly record struct LimitCharge(string Scope, LimitRule Rule, decimal Amount);
