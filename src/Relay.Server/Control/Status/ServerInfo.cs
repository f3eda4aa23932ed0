using System.Reflection;

namespace Relay.Server.Control.Status;

/// <summary>Facts about this server process that never change while it runs: its build and when it started.</summary>
internal sealed record ServerInfo(string Version, DateTimeOffset StartedAt)
{
    /// <summary>The informational version stamped into the assembly at build time (e.g. <c>1.2.0+abc123</c>).</summary>
    public static string AssemblyVersion { get; } =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServerInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
