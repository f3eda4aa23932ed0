using Relay.Core.Policies;
using Relay.Core.Settings;

namespace Relay.Server.Control.Settings;

/// <summary>The live settings as the Control API shows them (the same shape they are stored in).</summary>
internal sealed record SettingsView(string TimeZone, string WeekStartsOn, int DayResetHour, IReadOnlyList<ClientPattern> ClientPatterns)
{
    public static SettingsView From(RelaySettings settings) => new(
        settings.TimeZone,
        settings.WeekStartsOn.ToString().ToLowerInvariant(),
        settings.DayResetHour,
        settings.ClientPatterns);
}
