using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Core.Settings;

/// <summary>Source-generated JSON for <see cref="RelaySettingsJson"/>: camelCase names, days as "monday", unknown members ignored.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    Converters = [typeof(CamelCaseDayOfWeekConverter)],
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RelaySettings))]
internal sealed partial class RelaySettingsJsonContext : JsonSerializerContext;

/// <summary>"monday" on write; any case on read.</summary>
internal sealed class CamelCaseDayOfWeekConverter() : JsonStringEnumConverter<DayOfWeek>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
