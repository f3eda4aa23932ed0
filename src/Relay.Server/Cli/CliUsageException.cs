namespace Relay.Server.Cli;

/// <summary>A command line that cannot be run as written (exit code 2). Thrown only while parsing arguments.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
