using System.Text.Json;
using System.Text.Json.Nodes;

namespace Relay.Core.Settings;

/// <summary>
/// The stored form of <see cref="RelaySettings"/> (the value of setting <see cref="RelaySettings.StorageName"/>):
/// <c>{"timeZone":"Europe/Berlin","weekStartsOn":"monday","dayResetHour":0,"clientPatterns":[{"family":"ci-bot","userAgent":"acme-ci/*"}]}</c>,
/// the same shape the Control API shows. One place for both directions, so the Control API that writes it and the
/// snapshot builder that reads it cannot drift apart.
/// </summary>
public static class RelaySettingsJson
{
    /// <summary>Every field is written by name (enums as lower-case text), so a newer or older build reads what it knows.</summary>
    public static string Serialize(RelaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return JsonSerializer.Serialize(settings, RelaySettingsJsonContext.Default.RelaySettings);
    }

    /// <summary>
    /// Like <see cref="Serialize(RelaySettings)"/>, but keeps the members of <paramref name="storedJson"/> this build
    /// does not know: a setting added by a newer build survives a write by an older one.
    /// </summary>
    public static string Serialize(RelaySettings settings, string? storedJson)
    {
        var written = Serialize(settings);
        if (string.IsNullOrWhiteSpace(storedJson) || TryParseObject(storedJson) is not { } stored)
        {
            return written;
        }

        var merged = (JsonObject)JsonNode.Parse(written)!;
        foreach (var (name, value) in stored)
        {
            if (!merged.ContainsKey(name))
            {
                merged[name] = value?.DeepClone();
            }
        }

        return merged.ToJsonString();
    }

    /// <summary>
    /// Reads the stored value. Never throws: absent, unreadable or invalid (by <see cref="RelaySettings.Validate"/>)
    /// gives <see cref="RelaySettings.Default"/>, because the request path must keep working whatever is in the file.
    /// Unknown members are ignored.
    /// </summary>
    public static RelaySettings Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return RelaySettings.Default;
        }

        try
        {
            // Read into a shape where every member is optional, then apply defaults here: what a missing member
            // means is decided in this one place, not by how a serializer treats property initializers.
            var stored = JsonSerializer.Deserialize(json, RelaySettingsJsonContext.Default.StoredRelaySettings);
            if (stored is null)
            {
                return RelaySettings.Default;
            }

            var defaults = RelaySettings.Default;
            var settings = new RelaySettings
            {
                TimeZone = stored.TimeZone ?? defaults.TimeZone,
                WeekStartsOn = stored.WeekStartsOn ?? defaults.WeekStartsOn,
                DayResetHour = stored.DayResetHour ?? defaults.DayResetHour,
                ClientPatterns = stored.ClientPatterns ?? [],
                StickyTtlSeconds = stored.StickyTtlSeconds,
                MaxAttempts = stored.MaxAttempts,
                StreamFirstByteTimeoutSeconds = stored.StreamFirstByteTimeoutSeconds,
                FirstByteTimeoutSeconds = stored.FirstByteTimeoutSeconds,
                StreamIdleTimeoutSeconds = stored.StreamIdleTimeoutSeconds,
                LogContent = stored.LogContent ?? defaults.LogContent,
                ContentRetentionDays = stored.ContentRetentionDays ?? defaults.ContentRetentionDays,
                ContentMaxBytes = stored.ContentMaxBytes ?? defaults.ContentMaxBytes,
            };
            return settings.Validate() is null ? settings : RelaySettings.Default;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return RelaySettings.Default;
        }
    }

    private static JsonObject? TryParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
