using System.Text.Json.Nodes;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeSync.Testing.FakeApi;

/// <summary>Reads an <c>application/apply-patch+yaml</c> body (YAML, of which JSON is a subset) into JSON.</summary>
internal static class FakeYaml
{
    public static JsonObject ParseObject(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            return JsonNode.Parse(trimmed) as JsonObject ?? throw FakeApiException.BadRequest("apply: the body is not an object");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw FakeApiException.BadRequest($"apply: invalid YAML: {e.Message}");
        }

        return stream.Documents.Count == 1 && YamlJson.Convert(stream.Documents[0].RootNode) is JsonObject obj
            ? obj
            : throw FakeApiException.BadRequest("apply: the body must be one YAML object");
    }
}
