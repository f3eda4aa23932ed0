namespace Relay.Storage.Sqlite;

/// <summary>
/// Usage cost is stored as integer nano-USD (1e-9 USD). Integers sum exactly in SQLite (REAL would
/// drift), and nano-USD still resolves one token of the cheapest class: $0.01 per million tokens is
/// 10 nano-USD per token, where micro-USD would round it to zero. A long holds ~9.2 billion USD.
/// </summary>
internal static class UsageCost
{
    private const decimal NanosPerDollar = 1_000_000_000m;

    public static long ToNanoUsd(decimal usd) => (long)decimal.Round(usd * NanosPerDollar, MidpointRounding.AwayFromZero);

    public static decimal FromNanoUsd(long nanoUsd) => nanoUsd / NanosPerDollar;
}
