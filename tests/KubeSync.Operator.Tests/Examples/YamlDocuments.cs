using System.Text.Json.Nodes;

using KubeSync.Testing;

namespace KubeSync.Operator.Tests.Examples;

/// <summary>The documents of a (multi-document) YAML manifest as JSON, with YAML 1.2 core typing of plain scalars.</summary>
internal static class YamlDocuments
{
    public static IReadOnlyList<JsonObject> Load(string text) => [.. YamlJson.ParseDocuments(text).OfType<JsonObject>()];

    public static IReadOnlyList<JsonObject> LoadFile(string path) => Load(File.ReadAllText(path));
}
