using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>
/// A minimal OpenAPI v3: per group version, the PATCH operation of each resource with its GVK and the
/// <c>fieldValidation</c> parameter. kubectl reads exactly that to leave validation to the server
/// (the fake accepts <c>fieldValidation</c> and ignores it); there are no schemas.
/// </summary>
internal static class FakeOpenApi
{
    public static JsonObject Index(FakeResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All.Select(d => (d.Group, d.Version)).Distinct())
        {
            var prefix = GroupVersionPath(gv.Group, gv.Version);
            paths[prefix] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{prefix}?hash=0" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? GroupVersion(FakeResourceRegistry registry, string group, string version)
    {
        var definitions = registry.All.Where(d => d.Group == group && d.Version == version).ToList();
        if (definitions.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var d in definitions)
        {
            var scope = d.Namespaced ? "/namespaces/{namespace}" : "";
            paths[$"/{GroupVersionPath(group, version)}{scope}/{d.Plural}/{{name}}"] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{d.Kind}",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = d.Kind },
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (KubeSync fake)", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static string GroupVersionPath(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
}
