using System.Globalization;
using System.Text;

namespace Relay.Storage.Sqlite;

/// <summary>
/// Where each bucket of a usage read comes from: the whole hours inside it from <c>usage_hourly</c>,
/// the partial hours at its edges from <c>usage_events</c> (through the ts index, at most an hour of
/// events per edge). The result is exact for any bounds, and the raw table is never scanned at large.
/// A bucket edge inside an hour (a range's from/to, or a day boundary of a zone whose offset is not a
/// whole number of hours) is simply one more raw piece.
/// </summary>
internal sealed class UsageReadPlan
{
    /// <summary>Stands for "no bound": far beyond any real timestamp, and safe to pass through SQLite's JSON.</summary>
    private const long Unbounded = 1L << 60;

    private readonly List<Piece> _rollup = [];
    private readonly List<Piece> _raw = [];

    public bool IsEmpty => _rollup.Count == 0 && _raw.Count == 0;

    /// <summary>Plans bucket number i of <paramref name="buckets"/>, [from, to) in unix ms, null = unbounded.</summary>
    public static UsageReadPlan For(IEnumerable<(long? From, long? To)> buckets)
    {
        var plan = new UsageReadPlan();
        var index = 0;
        foreach (var (from, to) in buckets)
        {
            plan.Add(from, to, index++);
        }

        return plan;
    }

    /// <summary>The rollup pieces as a JSON array of [from, to, bucket] (numbers only), for <c>json_each</c>.</summary>
    public string RollupJson => ToJson(_rollup);

    /// <summary>The raw-event pieces, same shape as <see cref="RollupJson"/>.</summary>
    public string RawJson => ToJson(_raw);

    private void Add(long? from, long? to, int bucket)
    {
        var start = from ?? -Unbounded;
        var end = to ?? Unbounded;
        if (start >= end)
        {
            return;
        }

        var firstHour = from is { } f ? UsageHours.Ceiling(f) : -Unbounded;
        var lastHour = to is { } t ? UsageHours.Floor(t) : Unbounded;
        if (firstHour >= lastHour)
        {
            // No whole hour inside: the bucket lies within one or two partial hours.
            _raw.Add(new Piece(start, end, bucket));
            return;
        }

        _rollup.Add(new Piece(firstHour, lastHour, bucket));
        if (start < firstHour)
        {
            _raw.Add(new Piece(start, firstHour, bucket));
        }

        if (lastHour < end)
        {
            _raw.Add(new Piece(lastHour, end, bucket));
        }
    }

    private static string ToJson(List<Piece> pieces)
    {
        var json = new StringBuilder(2 + (pieces.Count * 40)).Append('[');
        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = pieces[i];
            json.Append(i == 0 ? "[" : ",[")
                .Append(piece.From.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(piece.To.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(piece.Bucket.ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        return json.Append(']').ToString();
    }

    private readonly record struct Piece(long From, long To, int Bucket);
}
