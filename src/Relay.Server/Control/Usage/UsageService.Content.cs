using System.Globalization;

namespace Relay.Server.Control.Usage;

/// <summary>Logged request and response content (stored only while the live setting <c>logContent</c> is on).</summary>
internal sealed partial class UsageService
{
    /// <summary>The content of one event; 404 when the event has none (never logged, aged out, deleted) or does not exist.</summary>
    public async Task<Outcome<UsageContentView>> ContentAsync(string id, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var eventId))
        {
            return ControlError.NotFound($"No usage event with id '{id}'.");
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.GetContentAsync(eventId, cancellationToken).ConfigureAwait(false) is { } content
            ? UsageContentView.From(content)
            : ControlError.NotFound($"No stored content for usage event '{id}' (it was not logged, has aged out, or the event does not exist).");
    }

    /// <summary>Deletes every stored content now (events stay); returns how many events lost theirs.</summary>
    public async Task<long> DeleteAllContentAsync(CancellationToken cancellationToken)
    {
        // Content still in the queue would land right after the delete; write it first so "all" means all.
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.DeleteAllContentAsync(cancellationToken).ConfigureAwait(false);
    }
}
