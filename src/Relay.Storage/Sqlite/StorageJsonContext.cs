using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Core.Limits;
using Relay.Core.Policies;

namespace Relay.Storage.Sqlite;

/// <summary>Source-generated JSON for the list, map, policy and limit columns.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(KeyPolicySpec))]
[JsonSerializable(typeof(LimitRuleSpec[]))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
