using Relay.Core.Policies;

namespace Relay.Server.Control.Settings;

/// <summary>The body of <c>PATCH /api/settings</c>: any subset; given fields replace the stored ones (<c>clientPatterns</c> as a whole).</summary>
internal sealed record SettingsInput
{
    /// <summary>IANA time zone id, e.g. "Europe/Berlin".</summary>
    public string? TimeZone { get; init; }

    /// <summary>"monday" … "sunday".</summary>
    public string? WeekStartsOn { get; init; }

    /// <summary>0–23.</summary>
    public int? DayResetHour { get; init; }

    public IReadOnlyList<ClientPattern>? ClientPatterns { get; init; }
}
