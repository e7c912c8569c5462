using System.Text.Json.Nodes;

using KubeSync.Testing;

using YamlDotNet.RepresentationModel;

namespace KubeSync.Delivery.Tests.Support;

/// <summary>Reads YAML (one or many documents) into JSON nodes with the YAML 1.2 core schema's scalar types.</summary>
internal static class YamlDocuments
{
    /// <summary>Every non-empty document of <paramref name="text"/>.</summary>
    public static IReadOnlyList<JsonNode> Parse(string text) => YamlJson.ParseDocuments(text);

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
}
