using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>RFC 7386 JSON merge patch.</summary>
internal static class FakeMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchMap)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject map ? map.DeepClone().AsObject() : [];
        foreach (var (key, value) in patchMap)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }
}
