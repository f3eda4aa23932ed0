namespace Relay.Core.Usage;

/// <summary>
/// What usage totals are broken down by. Group values: key id; account id (<c>""</c> when no account
/// was tried); upstream model, else requested (<c>""</c> when neither is known); account group id
/// (<c>""</c> for the shared pool); UTC day <c>yyyy-MM-dd</c>; UTC hour <c>yyyy-MM-ddTHH:00:00Z</c>.
/// </summary>
public enum UsageGrouping { Key, Account, Model, Day, Group, Hour }

/// <summary>Totals over [<see cref="From"/>, <see cref="To"/>) (null = unbounded), one row per group value.</summary>
public sealed record UsageQuery(DateTimeOffset? From, DateTimeOffset? To, UsageGrouping GroupBy, UsageFilter? Filter = null);
