using System.Text.Json.Nodes;

using KubeSync.Operator.Tests.Crd;

using NJsonSchema;

namespace KubeSync.Operator.Tests.Examples;

/// <summary>
/// The committed CRD's <c>openAPIV3Schema</c> as a JSON Schema validator. It checks types, required fields, enums,
/// patterns, bounds and unknown fields; it does not evaluate the CEL rules (<c>x-kubernetes-validations</c>), whose
/// hand-written equivalents the operator runs (SyncGroupSpecValidator) and tests check separately.
/// </summary>
internal static class CrdSchema
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(LoadAsync);

    public static async Task<IReadOnlyList<string>> ValidateAsync(JsonObject syncGroup)
    {
        var schema = await Schema.Value;
        return [.. schema.Validate(syncGroup.ToJsonString()).Select(e => $"{e.Path}: {e.Kind}")];
    }

    private static Task<JsonSchema> LoadAsync()
    {
        var crd = YamlDocuments.LoadFile(RepositoryFiles.CrdPath).Single();
        var schema = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.DeepClone().AsObject();
        Close(schema);
        return JsonSchema.FromJsonAsync(schema.ToJsonString());
    }

    /// <summary>
    /// A structural CRD schema prunes unknown fields; the API server drops them silently. Here they are errors
    /// (additionalProperties: false) so that a misspelt key in an example fails the test instead of vanishing.
    /// </summary>
    private static void Close(JsonObject schema)
    {
        if (schema["properties"] is JsonObject properties)
        {
            if (schema["x-kubernetes-preserve-unknown-fields"] is null && !properties.ContainsKey("apiVersion"))
            {
                schema["additionalProperties"] = false;
            }

            foreach (var (_, child) in properties)
            {
                Close(child!.AsObject());
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Close(items);
        }
    }
}
