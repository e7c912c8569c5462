using System.Globalization;
using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>An object as the fake stores it, with its field ownership.</summary>
internal sealed class FakeStoredObject
{
    public FakeStoredObject(JsonObject obj)
    {
        Object = obj;
    }

    public JsonObject Object { get; set; }

    public Dictionary<FakeManagerKey, FakeFieldOwner> Owners { get; } = [];

    /// <summary>A copy for an answer, with <c>metadata.managedFields</c> rendered.</summary>
    public JsonObject Render()
    {
        var copy = Object.DeepClone().AsObject();
        var entries = new JsonArray();
        foreach (var (key, owner) in Owners.OrderBy(o => o.Value.Time).ThenBy(o => o.Key.Manager, StringComparer.Ordinal))
        {
            if (owner.Paths.Count == 0)
            {
                continue;
            }

            var entry = new JsonObject
            {
                ["manager"] = key.Manager,
                ["operation"] = key.Operation,
                ["apiVersion"] = owner.ApiVersion,
                ["time"] = owner.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldPaths.ToFieldsV1(owner.Paths),
            };
            if (key.Subresource is not null)
            {
                entry["subresource"] = key.Subresource;
            }

            entries.Add(entry);
        }

        if (entries.Count > 0)
        {
            copy["metadata"]!["managedFields"] = entries;
        }

        return copy;
    }

    public FakeFieldOwner Owner(FakeManagerKey key)
    {
        if (!Owners.TryGetValue(key, out var owner))
        {
            owner = new FakeFieldOwner();
            Owners[key] = owner;
        }

        return owner;
    }
}
