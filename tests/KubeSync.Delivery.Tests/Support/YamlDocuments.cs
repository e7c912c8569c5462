using System.Globalization;
using System.Text.Json.Nodes;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeSync.Delivery.Tests.Support;

/// <summary>Reads YAML (one or many documents) into JSON nodes with the YAML 1.2 core schema's scalar types.</summary>
internal static class YamlDocuments
{
    /// <summary>Every non-empty document of <paramref name="text"/>.</summary>
    public static IReadOnlyList<JsonNode> Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => Convert(d.RootNode)).OfType<JsonNode>()];
    }

    /// <summary>The single document of the file at <paramref name="path"/>, which must be a mapping.</summary>
    public static JsonObject ParseFile(string path)
    {
        var documents = Parse(File.ReadAllText(path));
        Assert.True(documents.Count == 1, $"{path}: expected one YAML document, found {documents.Count}");
        return Assert.IsType<JsonObject>(documents[0]);
    }

    /// <summary>The YAML tree itself, with line numbers, for checks on the file's text (comments).</summary>
    public static YamlMappingNode LoadMapping(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return Assert.IsType<YamlMappingNode>(stream.Documents.Single().RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Any(char.IsDigit) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }
}
