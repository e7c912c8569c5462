using System.Text;
using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>
/// Field paths as server-side apply tracks ownership, one string per owned field, segments joined by a
/// newline in the FieldsV1 spelling: <c>f:spec</c>, <c>f:containers</c>, <c>k:{"name":"app"}</c>, <c>f:image</c>.
/// A path ending in a <c>k:</c> segment stands for the list item itself.
/// </summary>
internal static class FieldPaths
{
    public const char Separator = '\n';

    /// <summary>Lists merged by key instead of replaced whole (the list-maps of the built-in schemas that KubeSync touches).</summary>
    public static readonly IReadOnlyDictionary<string, string> ListMapKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["env"] = "name",
        ["imagePullSecrets"] = "name",
        ["conditions"] = "type",
    };

    private static readonly HashSet<string> ServerMetadata =
    [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink", "generateName",
    ];

    /// <summary>The fields set in <paramref name="obj"/>: the status only, or everything but the status.</summary>
    public static HashSet<string> Collect(JsonObject obj, bool status)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind" || value is null || (key == "status") != status)
            {
                continue;
            }

            if (key == "metadata" && value is JsonObject meta)
            {
                foreach (var (metaKey, metaValue) in meta)
                {
                    if (!ServerMetadata.Contains(metaKey) && metaValue is not null)
                    {
                        CollectValue(set, $"f:metadata{Separator}f:{metaKey}", metaKey, metaValue);
                    }
                }

                continue;
            }

            CollectValue(set, "f:" + key, key, value);
        }

        return set;
    }

    public static bool IsItemPath(string path) => LastSegment(path).StartsWith("k:", StringComparison.Ordinal);

    /// <summary>True for the key field of a list item (<c>k:{"name":"a"}</c> then <c>f:name</c>): it goes only with the item.</summary>
    public static bool IsKeyField(string path)
    {
        var segments = path.Split(Separator);
        return segments.Length >= 2
            && segments[^2].StartsWith("k:", StringComparison.Ordinal)
            && JsonNode.Parse(segments[^2][2..])!.AsObject().Single().Key == segments[^1][2..];
    }

    public static bool IsListMap(string key, JsonArray array, out string keyField)
    {
        if (!ListMapKeys.TryGetValue(key, out keyField!))
        {
            return false;
        }

        var field = keyField;
        return array.All(item => item is JsonObject o && o[field] is JsonValue);
    }

    public static string ItemSegment(string keyField, JsonNode keyValue) => $"k:{{\"{keyField}\":{keyValue.ToJsonString()}}}";

    /// <summary>The node at <paramref name="path"/>, or null when it is not there.</summary>
    public static JsonNode? Get(JsonObject root, string path)
    {
        JsonNode? current = root;
        foreach (var segment in path.Split(Separator))
        {
            current = Step(current, segment);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Removes the field or list item at <paramref name="path"/> when present.</summary>
    public static void Remove(JsonObject root, string path)
    {
        var at = path.LastIndexOf(Separator);
        var parent = at < 0 ? root : Get(root, path[..at]);
        var last = at < 0 ? path : path[(at + 1)..];
        if (last.StartsWith("f:", StringComparison.Ordinal) && parent is JsonObject map)
        {
            map.Remove(last[2..]);
        }
        else if (last.StartsWith("k:", StringComparison.Ordinal) && parent is JsonArray list && Step(list, last) is { } item)
        {
            list.Remove(item);
        }
    }

    /// <summary>The <c>managedFields[].fieldsV1</c> tree of a set of paths.</summary>
    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            var segments = path.Split(Separator);
            foreach (var segment in segments)
            {
                if (node[segment] is not JsonObject child)
                {
                    child = [];
                    node[segment] = child;
                }

                node = child;
            }

            if (segments[^1].StartsWith("k:", StringComparison.Ordinal))
            {
                node["."] = new JsonObject();
            }
        }

        return root;
    }

    /// <summary>The path as conflict messages print it: <c>.spec.containers[name="app"].image</c>.</summary>
    public static string ToDotted(string path)
    {
        var text = new StringBuilder();
        foreach (var segment in path.Split(Separator))
        {
            if (segment.StartsWith("f:", StringComparison.Ordinal))
            {
                text.Append('.').Append(segment[2..]);
            }
            else
            {
                var key = JsonNode.Parse(segment[2..])!.AsObject().Single();
                text.Append('[').Append(key.Key).Append('=').Append(key.Value!.ToJsonString()).Append(']');
            }
        }

        return text.ToString();
    }

    private static void CollectValue(HashSet<string> set, string path, string key, JsonNode value)
    {
        switch (value)
        {
            case JsonObject map when map.Count > 0:
                foreach (var (childKey, child) in map)
                {
                    if (child is not null)
                    {
                        CollectValue(set, $"{path}{Separator}f:{childKey}", childKey, child);
                    }
                }

                break;
            case JsonArray list when list.Count > 0 && IsListMap(key, list, out var keyField):
                foreach (var item in list)
                {
                    var itemPath = path + Separator + ItemSegment(keyField, item![keyField]!);
                    set.Add(itemPath);
                    foreach (var (childKey, child) in item.AsObject())
                    {
                        if (child is not null)
                        {
                            CollectValue(set, $"{itemPath}{Separator}f:{childKey}", childKey, child);
                        }
                    }
                }

                break;
            default:
                set.Add(path);
                break;
        }
    }

    private static JsonNode? Step(JsonNode? current, string segment)
    {
        if (segment.StartsWith("f:", StringComparison.Ordinal))
        {
            return (current as JsonObject)?[segment[2..]];
        }

        var key = JsonNode.Parse(segment[2..])!.AsObject().Single();
        return (current as JsonArray)?.FirstOrDefault(item => JsonNode.DeepEquals(item?[key.Key], key.Value));
    }

    private static string LastSegment(string path) => path[(path.LastIndexOf(Separator) + 1)..];
}
