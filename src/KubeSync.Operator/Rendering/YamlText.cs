using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KubeSync.Operator.Rendering;

/// <summary>
/// Writes a JSON tree as block-style YAML the way people write Kubernetes manifests: two-space indents, list items
/// at their key's indent, strings plain where YAML reads them back as the same string and double-quoted otherwise.
/// </summary>
public static partial class YamlText
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Write(JsonNode node)
    {
        var text = new StringBuilder();
        WriteNode(text, node, 0, inList: false);
        return text.ToString();
    }

    private static void WriteNode(StringBuilder text, JsonNode node, int indent, bool inList)
    {
        switch (node)
        {
            case JsonObject map:
                var first = true;
                foreach (var (key, value) in map)
                {
                    if (!(first && inList))
                    {
                        text.Append(' ', indent);
                    }

                    first = false;
                    text.Append(Scalar(key)).Append(':');
                    WriteValue(text, value!, indent);
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    text.Append(' ', indent).Append("- ");
                    if (item is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
                    {
                        WriteNode(text, item, indent + 2, inList: true);
                    }
                    else
                    {
                        text.Append(Leaf(item!)).Append('\n');
                    }
                }

                break;
            default:
                throw new ArgumentException("a YAML document is a map or a list", nameof(node));
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode value, int indent)
    {
        if (value is JsonObject { Count: > 0 })
        {
            text.Append('\n');
            WriteNode(text, value, indent + 2, inList: false);
        }
        else if (value is JsonArray { Count: > 0 })
        {
            text.Append('\n');
            WriteNode(text, value, indent, inList: false);
        }
        else
        {
            text.Append(' ').Append(Leaf(value)).Append('\n');
        }
    }

    private static string Leaf(JsonNode node) => node switch
    {
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Scalar(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => "null",
    };

    private static string Scalar(string value) =>
        Plain().IsMatch(value) && !Reserved.Contains(value) && !Number().IsMatch(value)
            ? value
            : Quote(value);

    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                < ' ' => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    // Plain scalars: start with a letter, '/', '.' or '_' and hold nothing YAML could read as structure.
    [GeneratedRegex(@"^[A-Za-z_./][A-Za-z0-9_./()+,;=<>'\-]*( [A-Za-z0-9_./()+,;=<>'\-]+)*$")]
    private static partial Regex Plain();

    [GeneratedRegex(@"^[0-9.+\-eE_]+$")]
    private static partial Regex Number();
}
