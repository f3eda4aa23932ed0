using System.Text.Json.Serialization;

namespace Relay.Storage.Sqlite;

/// <summary>Source-generated JSON for the list and map columns of <c>accounts</c>.</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
