using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Relay.Server.Control;

/// <summary>A request body bound to <typeparamref name="T"/>, with the (canonical) names of the fields that were present.</summary>
internal sealed record JsonBody<T>(T Value, IReadOnlySet<string> Fields);

/// <summary>
/// Reads Control API request bodies. The framework's own binding answers a malformed body with an
/// empty 400 or, for some type errors, a 500; this reader turns every problem (not JSON, not an
/// object, unknown field, null where a value is needed, wrong type) into an
/// <c>invalid_request</c> that names the field.
/// </summary>
internal static class JsonBody
{
    // Control bodies are a few hundred bytes; refuse anything that is clearly not one.
    private const int MaxBodyBytes = 1024 * 1024;

    public static async Task<Outcome<JsonBody<T>>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken, params string[] nullable)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return ControlError.Invalid($"The request body is larger than {MaxBodyBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length > MaxBodyBytes)
        {
            return ControlError.Invalid($"The request body is larger than {MaxBodyBytes} bytes.");
        }

        return Parse<T>(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), nullable);
    }

    /// <param name="nullable">Fields for which an explicit <c>null</c> means something (e.g. "no expiry"); for the rest null is an error.</param>
    public static Outcome<JsonBody<T>> Parse<T>(ReadOnlyMemory<byte> utf8, params string[] nullable)
        where T : class
    {
        if (utf8.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return ControlError.Invalid("A JSON object body is required.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException ex)
        {
            return ControlError.Invalid($"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        using (document)
        {
            return Bind<T>(document.RootElement, nullable);
        }
    }

    private static Outcome<JsonBody<T>> Bind<T>(JsonElement root, string[] nullable)
        where T : class
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ControlError.Invalid("The request body must be a JSON object.");
        }

        var typeInfo = (JsonTypeInfo<T>)ControlJson.Options.GetTypeInfo(typeof(T));
        var known = typeInfo.Properties.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var fields = new HashSet<string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (!known.TryGetValue(property.Name, out var info))
            {
                unknown.Add(property.Name);
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Null && !nullable.Contains(info.Name, StringComparer.Ordinal))
            {
                return ControlError.Invalid($"Field '{info.Name}' must not be null.");
            }

            fields.Add(info.Name);
        }

        if (unknown.Count > 0)
        {
            return ControlError.Invalid(
                $"Unknown field{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}. " +
                $"Known fields: {string.Join(", ", typeInfo.Properties.Select(p => p.Name))}.");
        }

        // Nested objects (a key's "policy", each of its "limits") follow the same rule: a typo inside is an error too.
        foreach (var property in root.EnumerateObject())
        {
            if (FindUnknownNested(property.Value, known[property.Name], known[property.Name].Name) is { } nestedError)
            {
                return nestedError;
            }
        }

        try
        {
            var value = root.Deserialize(typeInfo);
            return value is null
                ? ControlError.Invalid("The request body must be a JSON object.")
                : new JsonBody<T>(value, fields);
        }
        catch (JsonException ex)
        {
            return ControlError.Invalid(DescribeTypeError(ex.Path, known));
        }
    }

    /// <summary>The first unknown member inside an object-valued field (or inside the objects of an array field), as an error naming its path.</summary>
    private static ControlError? FindUnknownNested(JsonElement value, JsonPropertyInfo info, string path)
    {
        var typeInfo = ControlJson.Options.GetTypeInfo(info.PropertyType);
        if (typeInfo.Kind == JsonTypeInfoKind.Enumerable && value.ValueKind == JsonValueKind.Array && typeInfo.ElementType is { } elementType)
        {
            var elementInfo = ControlJson.Options.GetTypeInfo(elementType);
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (FindUnknownIn(item, elementInfo, $"{path}[{index++}]") is { } error)
                {
                    return error;
                }
            }

            return null;
        }

        return FindUnknownIn(value, typeInfo, path);
    }

    private static ControlError? FindUnknownIn(JsonElement value, JsonTypeInfo typeInfo, string path)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var known = typeInfo.Properties.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var property in value.EnumerateObject())
        {
            if (!known.TryGetValue(property.Name, out var info))
            {
                return ControlError.Invalid(
                    $"Unknown field '{path}.{property.Name}'. Known fields of '{path}': {string.Join(", ", typeInfo.Properties.Select(p => p.Name))}.");
            }

            if (FindUnknownNested(property.Value, info, $"{path}.{info.Name}") is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string DescribeTypeError(string? path, Dictionary<string, JsonPropertyInfo> known)
    {
        var field = path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        if (field is null)
        {
            return "The request body has a value of the wrong type.";
        }

        var top = field.Split('.', '[')[0];
        if (!known.TryGetValue(top, out var info))
        {
            return $"Field '{field}' has the wrong type.";
        }

        if (string.Equals(top, field, StringComparison.OrdinalIgnoreCase))
        {
            return $"Field '{info.Name}' must be {Describe(info.PropertyType)}.";
        }

        // Inside nested objects ("limits[0].max") name the member; for an item of a plain list ("models[0]") the list's type says more.
        return ResolveNested(info, field[top.Length..]) is { } nested && nested.Path.Contains('.', StringComparison.Ordinal)
            ? $"Field '{info.Name}{nested.Path}' must be {Describe(nested.Type)}."
            : $"Field '{field}' has the wrong type: '{info.Name}' must be {Describe(info.PropertyType)}.";
    }

    /// <summary>Follows ".name" and "[i]" steps below a top-level field to the type expected there, with canonical names.</summary>
    private static (string Path, Type Type)? ResolveNested(JsonPropertyInfo top, string rest)
    {
        var type = top.PropertyType;
        var path = new System.Text.StringBuilder();
        var i = 0;
        while (i < rest.Length)
        {
            var typeInfo = ControlJson.Options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            if (rest[i] == '[')
            {
                var close = rest.IndexOf(']', i);
                if (close < 0 || typeInfo.ElementType is null)
                {
                    return null;
                }

                path.Append(rest, i, close - i + 1);
                type = typeInfo.ElementType;
                i = close + 1;
                continue;
            }

            if (rest[i] != '.' || typeInfo.Kind != JsonTypeInfoKind.Object)
            {
                return null;
            }

            var end = rest.IndexOfAny(['.', '['], i + 1);
            var name = end < 0 ? rest[(i + 1)..] : rest[(i + 1)..end];
            var property = typeInfo.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                return null;
            }

            path.Append('.').Append(property.Name);
            type = property.PropertyType;
            i = end < 0 ? rest.Length : end;
        }

        return (path.ToString(), type);
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return "an integer";
        }

        if (type == typeof(decimal) || type == typeof(double))
        {
            return "a number";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return "an ISO-8601 timestamp (e.g. 2026-01-31T00:00:00Z)";
        }

        if (typeof(IDictionary<string, string>).IsAssignableFrom(type) || typeof(IReadOnlyDictionary<string, string>).IsAssignableFrom(type))
        {
            return "an object whose values are strings";
        }

        if (typeof(IEnumerable<string>).IsAssignableFrom(type))
        {
            return "an array of strings";
        }

        return ControlJson.Options.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Object => "an object",
            JsonTypeInfoKind.Enumerable => "an array",
            _ => "of a different type",
        };
    }
}
