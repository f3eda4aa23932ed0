using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Relay.Server.Control;

/// <summary>
/// The one serializer configuration of the Control API. The endpoints and the CLI verbs both write
/// with it, so <c>relay accounts list</c> prints exactly what <c>GET /api/accounts</c> returns.
/// </summary>
internal static class ControlJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

            // Web defaults accept "5" for a number; a typed API should say the type is wrong instead.
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),

            // Answers are application/json (or CLI output), never embedded in HTML, so the default
            // HTML-safe escaping would only turn "'" into \u0027 in every message operators read.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly();
        return options;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
