using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

using KubeSync.Contracts.Schema;

namespace KubeSync.Operator.Tests.Crd;

/// <summary>
/// Derives an OpenAPI v3 schema from the contract types: property names as System.Text.Json writes them (camelCase),
/// <c>required</c> from C# <c>required</c> members, enums from the enum members' JSON names, defaults from the property
/// initializers, descriptions from the XML docs, and the rest from the <c>Schema*</c> attributes.
/// </summary>
internal sealed class CrdSchemaBuilder(XmlDocs docs)
{
    public JsonObject ForObject(Type type, string? description = null)
    {
        var schema = new JsonObject();
        if ((description ?? docs.Of(type)) is { } text)
        {
            schema["description"] = text;
        }

        schema["type"] = "object";
        var properties = new JsonObject();
        var required = new JsonArray();
        object? defaults = type.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(type);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => JsonName(p), StringComparer.Ordinal))
        {
            properties[JsonName(property)] = ForProperty(property, defaults);
            if (property.GetCustomAttribute<RequiredMemberAttribute>() is not null)
            {
                required.Add(JsonName(property));
            }
        }

        schema["properties"] = properties;
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        AddRules(schema, type.GetCustomAttributes<SchemaRuleAttribute>());
        return schema;
    }

    public static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private JsonObject ForProperty(PropertyInfo property, object? defaults)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var schema = property.GetCustomAttribute<SchemaOpaqueAttribute>() is not null
            ? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true }
            : ForType(type, docs.Of(property));
        if (docs.Of(property) is { } text)
        {
            // Description first, as people read it.
            schema.Remove("description");
            schema = Prepend(schema, "description", text);
        }

        Decorate(schema, property, type);
        if (defaults is not null && property.GetCustomAttribute<RequiredMemberAttribute>() is null && DefaultOf(property.GetValue(defaults), type) is { } value)
        {
            schema["default"] = value;
        }

        AddRules(schema, property.GetCustomAttributes<SchemaRuleAttribute>());
        return schema;
    }

    private JsonObject ForType(Type type, string? description)
    {
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = type == typeof(int) ? "int32" : "int64" };
        }

        if (type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type.IsEnum)
        {
            return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. EnumNames(type).Select(n => (JsonNode)n)]) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = ForType(type.GetGenericArguments()[1], null) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var itemType = type.GetGenericArguments()[0];
            return new JsonObject { ["type"] = "array", ["items"] = itemType.IsClass && itemType != typeof(string) ? ForObject(itemType) : ForType(itemType, null) };
        }

        if (type.IsClass)
        {
            return ForObject(type, description);
        }

        throw new NotSupportedException($"no schema for {type}");
    }

    private static void Decorate(JsonObject schema, PropertyInfo property, Type type)
    {
        var isList = schema["type"]?.GetValue<string>() == "array";
        var target = isList ? schema["items"]!.AsObject() : schema;
        if (property.GetCustomAttribute<SchemaPatternAttribute>() is { } pattern)
        {
            target["pattern"] = pattern.Pattern;
        }

        if (property.GetCustomAttribute<SchemaEnumAttribute>() is { } values)
        {
            target["enum"] = new JsonArray([.. values.Values.Select(v => (JsonNode)v)]);
        }

        if (property.GetCustomAttribute<SchemaRangeAttribute>() is { } range)
        {
            schema["minimum"] = range.Minimum;
            schema["maximum"] = range.Maximum;
        }

        if (property.GetCustomAttribute<SchemaLengthAttribute>() is { } length)
        {
            var (min, max) = schema["type"]!.GetValue<string>() switch
            {
                "array" => ("minItems", "maxItems"),
                "object" => ("minProperties", "maxProperties"),
                _ => ("minLength", "maxLength"),
            };
            if (length.Minimum >= 0)
            {
                schema[min] = length.Minimum;
            }

            if (length.Maximum >= 0)
            {
                schema[max] = length.Maximum;
            }
        }

        if (property.GetCustomAttribute<SchemaListMapAttribute>() is { } listMap)
        {
            schema["x-kubernetes-list-type"] = "map";
            schema["x-kubernetes-list-map-keys"] = new JsonArray(listMap.Key);
        }

        _ = type;
    }

    private static JsonNode? DefaultOf(object? value, Type type) => value switch
    {
        null => null,
        Enum e => EnumName(type, e),
        string s => s,
        true => true,
        int i when i != 0 => i,
        long l when l != 0 => l,
        IReadOnlyList<string> { Count: > 0 } list => new JsonArray([.. list.Select(x => (JsonNode)x)]),
        _ when type.IsClass && type != typeof(string) && !type.IsGenericType => new JsonObject(),
        _ => null,
    };

    public static void AddRules(JsonObject schema, IEnumerable<SchemaRuleAttribute> rules)
    {
        var list = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject { ["rule"] = r.Rule, ["message"] = r.Message })]);
        if (list.Count > 0)
        {
            schema["x-kubernetes-validations"] = list;
        }
    }

    private static JsonObject Prepend(JsonObject schema, string key, string value)
    {
        var result = new JsonObject { [key] = value };
        foreach (var (k, v) in schema.ToList())
        {
            schema.Remove(k);
            result[k] = v;
        }

        return result;
    }

    private static IEnumerable<string> EnumNames(Type type) =>
        Enum.GetValues(type).Cast<Enum>().Select(v => EnumName(type, v));

    private static string EnumName(Type type, Enum value) =>
        type.GetField(value.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString();
}
