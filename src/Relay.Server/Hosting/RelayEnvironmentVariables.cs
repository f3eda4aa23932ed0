using System.Collections;

namespace Relay.Server.Hosting;

/// <summary>
/// Maps <c>RELAY_SOME_SETTING</c> environment variables to <c>Relay:SomeSetting</c>. Underscores are
/// dropped, and configuration binding is case-insensitive, so <c>RELAY_DATA_DIR</c> binds to
/// <see cref="RelayOptions.DataDir"/>. Operators get the conventional upper-snake names without a
/// double-underscore convention to learn.
/// </summary>
internal sealed class RelayEnvironmentVariablesSource : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider();

    private sealed class Provider : ConfigurationProvider
    {
        private const string Prefix = "RELAY_";

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
            {
                if (variable.Key is string name && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
                {
                    var setting = name[Prefix.Length..].Replace("_", string.Empty, StringComparison.Ordinal);
                    data[$"{RelayOptions.Section}:{setting}"] = variable.Value as string;
                }
            }

            Data = data;
        }
    }
}

internal static class RelayEnvironmentVariablesExtensions
{
    public static IConfigurationBuilder AddRelayEnvironmentVariables(this IConfigurationBuilder builder) =>
        builder.Add(new RelayEnvironmentVariablesSource());
}
