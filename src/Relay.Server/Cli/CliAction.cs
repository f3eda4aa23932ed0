namespace Relay.Server.Cli;

/// <summary>
/// A parsed verb, ready to run against the store. Parsing happens before any service starts, so a
/// usage error never creates a data directory or opens the database.
/// </summary>
internal delegate Task<int> CliAction(IServiceProvider services, CliConsole console, CancellationToken cancellationToken);
