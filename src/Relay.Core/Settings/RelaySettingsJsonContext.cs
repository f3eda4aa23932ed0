using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Core.Settings;

/// <summary>Source-generated JSON for <see cref="RelaySettingsJson"/>: camelCase names, days as "monday", unknown members ignored.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    Converters = [typeof(CamelCaseDayOfWeekConverter)],
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RelaySettings))]
[JsonSerializable(typeof(StoredRelaySettings))]
internal sealed partial class RelaySettingsJsonContext : JsonSerializerContext;

/// <summary>The stored settings as read: every member optional, so absence is explicit (see <see cref="RelaySettingsJson.Parse"/>).</summary>
internal sealed class StoredRelaySettings
{
    public string? TimeZone { get; set; }
    public DayOfWeek? WeekStartsOn { get; set; }
    public int? DayResetHour { get; set; }
    public List<Policies.ClientPattern>? ClientPatterns { get; set; }
    public int? StickyTtlSeconds { get; set; }
    public int? MaxAttempts { get; set; }
    public int? StreamFirstByteTimeoutSeconds { get; set; }
    public int? FirstByteTimeoutSeconds { get; set; }
    public int? StreamIdleTimeoutSeconds { get; set; }
    public bool? LogContent { get; set; }
    public int? ContentRetentionDays { get; set; }
    public int? ContentMaxBytes { get; set; }
}

/// <summary>"monday" on write; any case on read.</summary>
internal sealed class CamelCaseDayOfWeekConverter() : JsonStringEnumConverter<DayOfWeek>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
