using Relay.Core.Policies;
using Relay.Core.Settings;
using Relay.Core.Snapshots;
using Relay.Core.Storage;
using Relay.Server.Control.Policies;

namespace Relay.Server.Control.Settings;

/// <summary>
/// Live settings (time zone and calendar of limit windows, operator client families), shared by the Control API
/// and the CLI. Stored as one JSON value (<see cref="RelaySettingsJson"/>) so the snapshot reads them with the rest.
/// </summary>
internal sealed class SettingsService(IConfigStore store, SnapshotManager snapshots, ILogger<SettingsService> logger, ForwardingSettings? processDefaults = null)
{
    private readonly ForwardingSettings _processDefaults = processDefaults ?? ForwardingSettings.Default;

    public async Task<SettingsView> GetAsync(CancellationToken cancellationToken) =>
        SettingsView.From(RelaySettingsJson.Parse(await ReadStoredAsync(cancellationToken).ConfigureAwait(false)), _processDefaults);

    /// <param name="given">Fields present in the body, so that an explicit null (back to the process setting) differs from absent; null = only non-null fields count.</param>
    public async Task<Outcome<SettingsView>> UpdateAsync(SettingsInput input, CancellationToken cancellationToken, IReadOnlySet<string>? given = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        int? Forwarding(string field, int? value, int? stored) => value is not null ? value : given?.Contains(field) == true ? null : stored;

        var stored = await ReadStoredAsync(cancellationToken).ConfigureAwait(false);
        var current = RelaySettingsJson.Parse(stored);

        var weekStartsOn = current.WeekStartsOn;
        if (input.WeekStartsOn is { } day && !TryParseDay(day, out weekStartsOn))
        {
            return ControlError.Invalid($"Field 'weekStartsOn' must be a day of the week (monday … sunday), got '{day}'.");
        }

        var updated = current with
        {
            TimeZone = input.TimeZone?.Trim() ?? current.TimeZone,
            WeekStartsOn = weekStartsOn,
            DayResetHour = input.DayResetHour ?? current.DayResetHour,
            ClientPatterns = input.ClientPatterns is { } patterns ? Normalise(patterns) : current.ClientPatterns,
            StickyTtlSeconds = Forwarding("stickyTtlSeconds", input.StickyTtlSeconds, current.StickyTtlSeconds),
            MaxAttempts = Forwarding("maxAttempts", input.MaxAttempts, current.MaxAttempts),
            StreamFirstByteTimeoutSeconds = Forwarding("streamFirstByteTimeoutSeconds", input.StreamFirstByteTimeoutSeconds, current.StreamFirstByteTimeoutSeconds),
            FirstByteTimeoutSeconds = Forwarding("firstByteTimeoutSeconds", input.FirstByteTimeoutSeconds, current.FirstByteTimeoutSeconds),
            StreamIdleTimeoutSeconds = Forwarding("streamIdleTimeoutSeconds", input.StreamIdleTimeoutSeconds, current.StreamIdleTimeoutSeconds),
            LogContent = input.LogContent ?? current.LogContent,
            ContentRetentionDays = input.ContentRetentionDays ?? current.ContentRetentionDays,
            ContentMaxBytes = input.ContentMaxBytes ?? current.ContentMaxBytes,
        };
        if (updated.Validate() is { } invalid)
        {
            return ControlError.Invalid($"Field {invalid}.");
        }

        if (input.ClientPatterns is not null && await FamilyStillInUseAsync(updated, cancellationToken).ConfigureAwait(false) is { } conflict)
        {
            return conflict;
        }

        await store.SetSettingAsync(RelaySettings.StorageName, RelaySettingsJson.Serialize(updated, stored), cancellationToken).ConfigureAwait(false);
        ControlLog.SettingsUpdated(logger);
        if (updated.LogContent != current.LogContent)
        {
            ControlLog.ContentLoggingChanged(logger, updated.LogContent);
        }

        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return await GetAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<string?> ReadStoredAsync(CancellationToken cancellationToken) => store.GetSettingAsync(RelaySettings.StorageName, cancellationToken);

    /// <summary>Removing a family a key or policy is restricted to would lock its holder out without anyone deciding so.</summary>
    private async Task<ControlError?> FamilyStillInUseAsync(RelaySettings updated, CancellationToken cancellationToken)
    {
        var known = PolicyChecks.KnownClientFamilies(updated);
        var bindings = await Bindings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var orphan = bindings.ClientFamiliesInUse().FirstOrDefault(use => !known.Contains(use.Family));
        return orphan.Family is null
            ? null
            : ControlError.Conflict($"Client family '{orphan.Family}' is still used by {orphan.Owner}; keep a clientPatterns entry for it or change that policy first.");
    }

    /// <summary>Families are matched case-insensitively; store them lower-case like policies do.</summary>
    private static List<ClientPattern> Normalise(IReadOnlyList<ClientPattern> patterns) =>
        [.. patterns.Select(p => p is null ? null! : new ClientPattern(p.Family?.Trim().ToLowerInvariant()!, p.UserAgentGlob?.Trim()!))];

    private static bool TryParseDay(string text, out DayOfWeek day) =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out day) && Enum.IsDefined(day) && !char.IsDigit(text.Trim().FirstOrDefault());
}
