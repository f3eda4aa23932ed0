using System.Text.Json.Serialization;

namespace Relay.Core.Policies;

/// <summary>An operator-defined client family: User-Agents matching <paramref name="UserAgentGlob"/> belong to <paramref name="Family"/>.</summary>
public sealed record ClientPattern(string Family, [property: JsonPropertyName("userAgent")] string UserAgentGlob);
