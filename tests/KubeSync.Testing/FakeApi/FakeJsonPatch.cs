using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>RFC 6902 JSON patch: add, remove, replace, move, copy, test.</summary>
internal static class FakeJsonPatch
{
    public static JsonObject Apply(JsonObject target, JsonArray operations)
    {
        var doc = target.DeepClone().AsObject();
        foreach (var op in operations)
        {
            var name = op?["op"]?.GetValue<string>() ?? throw FakeApiException.BadRequest("json patch: operation without op");
            var path = op["path"]?.GetValue<string>() ?? throw FakeApiException.BadRequest($"json patch: {name} without path");
            switch (name)
            {
                case "add":
                    Add(doc, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(doc, path);
                    break;
                case "replace":
                    Remove(doc, path);
                    Add(doc, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    var moved = Get(doc, From(op, name));
                    Remove(doc, From(op, name));
                    Add(doc, path, moved);
                    break;
                case "copy":
                    Add(doc, path, Get(doc, From(op, name))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), op["value"]))
                    {
                        throw new FakeApiException(422, "Invalid", $"json patch: test of {path} failed");
                    }

                    break;
                default:
                    throw FakeApiException.BadRequest($"json patch: unknown op {name}");
            }
        }

        return doc;
    }

    private static string From(JsonNode op, string name) =>
        op["from"]?.GetValue<string>() ?? throw FakeApiException.BadRequest($"json patch: {name} without from");

    private static string[] Tokens(string pointer) =>
        pointer.Length == 0 ? [] : [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        JsonNode? current = root;
        foreach (var token in Tokens(pointer))
        {
            current = current switch
            {
                JsonObject map when map.ContainsKey(token) => map[token],
                JsonArray list when int.TryParse(token, out var i) && i >= 0 && i < list.Count => list[i],
                _ => throw new FakeApiException(422, "Invalid", $"json patch: {pointer} does not exist"),
            };
        }

        return current;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            throw FakeApiException.BadRequest("json patch: the root cannot be the target");
        }

        var parentPointer = pointer[..pointer.LastIndexOf('/')];
        return (Get(root, parentPointer) ?? throw new FakeApiException(422, "Invalid", $"json patch: parent of {pointer} is null"), tokens[^1]);
    }

    private static void Add(JsonNode root, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(root, pointer);
        if (parent is JsonObject map)
        {
            map[last] = value;
        }
        else if (parent is JsonArray list)
        {
            var index = last == "-" ? list.Count : int.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
            list.Insert(index, value);
        }
    }

    private static void Remove(JsonNode root, string pointer)
    {
        _ = Get(root, pointer);
        var (parent, last) = Parent(root, pointer);
        if (parent is JsonObject map)
        {
            map.Remove(last);
        }
        else if (parent is JsonArray list)
        {
            list.RemoveAt(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
