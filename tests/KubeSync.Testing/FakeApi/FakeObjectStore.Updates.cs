using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

public sealed partial class FakeObjectStore
{
    private static readonly string[] ServerOwnedMetadata =
        ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"];

    /// <summary>PUT: a set <c>metadata.resourceVersion</c> must be the current one (409 Conflict otherwise).</summary>
    internal JsonObject Replace(FakeResourceDefinition definition, string? ns, string name, JsonObject body, string manager, bool status)
    {
        lock (_lock)
        {
            var stored = Stored(definition, ns, name);
            var candidate = Normalize(definition, body);
            var bodyName = candidate["metadata"]!["name"]?.GetValue<string>();
            if (bodyName is not null && bodyName != name)
            {
                throw FakeApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            CheckPrecondition(definition, stored, candidate, name);
            return Commit(definition, stored, candidate, new FakeManagerKey(manager, "Update", status ? "status" : null), status, apply: false);
        }
    }

    /// <summary>PATCH with a merge or JSON patch: <paramref name="patch"/> turns the current object into the new one.</summary>
    internal JsonObject Patch(FakeResourceDefinition definition, string? ns, string name, Func<JsonObject, JsonObject> patch, string manager, bool status)
    {
        lock (_lock)
        {
            var stored = Stored(definition, ns, name);
            var candidate = Normalize(definition, patch(stored.Object.DeepClone().AsObject()));
            CheckPrecondition(definition, stored, candidate, name);
            return Commit(definition, stored, candidate, new FakeManagerKey(manager, "Update", status ? "status" : null), status, apply: false);
        }
    }

    /// <summary>Server-side apply: creates (true) or merges into the existing object (false).</summary>
    internal (JsonObject Object, bool Created) Apply(
        FakeResourceDefinition definition, string? ns, string name, JsonObject applied, string manager, bool force, bool status)
    {
        lock (_lock)
        {
            var body = Normalize(definition, applied);
            var appliedName = body["metadata"]!["name"]?.GetValue<string>();
            if (appliedName != name)
            {
                throw FakeApiException.BadRequest($"apply: metadata.name ({appliedName}) must match the name on the URL ({name})");
            }

            var key = new FakeManagerKey(manager, "Apply", status ? "status" : null);
            var now = _time.GetUtcNow();
            if (!Bucket(definition).TryGetValue(Key(definition, ns, name), out var stored))
            {
                if (status)
                {
                    throw FakeApiException.NotFound(definition, name);
                }

                return (Create(definition, ns, body, key), true);
            }

            var merged = FakeServerSideApply.Apply(stored, body, key, force, status, now);
            return (Commit(definition, stored, merged, key, status, apply: true), false);
        }
    }

    private FakeStoredObject Stored(FakeResourceDefinition definition, string? ns, string name) =>
        Bucket(definition).TryGetValue(Key(definition, ns, name), out var stored) ? stored : throw FakeApiException.NotFound(definition, name);

    private static void CheckPrecondition(FakeResourceDefinition definition, FakeStoredObject stored, JsonObject candidate, string name)
    {
        var wanted = candidate["metadata"]!["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(wanted) && wanted != stored.Object["metadata"]!["resourceVersion"]!.GetValue<string>())
        {
            throw FakeApiException.Conflict(definition, name);
        }
    }

    /// <summary>Stores <paramref name="candidate"/> as the new state: server-owned fields kept, status split off, generation and resourceVersion bumped.</summary>
    private JsonObject Commit(FakeResourceDefinition definition, FakeStoredObject stored, JsonObject candidate, FakeManagerKey manager, bool status, bool apply)
    {
        var old = stored.Object;
        var next = NextState(definition, old, candidate, status);
        if (!apply)
        {
            FakeServerSideApply.RecordUpdate(stored, old, next, manager, status, _time.GetUtcNow());
        }

        if (JsonNode.DeepEquals(old, next))
        {
            return stored.Render();
        }

        if (!JsonNode.DeepEquals(WithoutMetadataAndStatus(old), WithoutMetadataAndStatus(next)))
        {
            next["metadata"]!["generation"] = (old["metadata"]!["generation"]?.GetValue<long>() ?? 0) + 1;
        }

        stored.Object = next;
        var meta2 = next["metadata"]!.AsObject();
        if (meta2["deletionTimestamp"] is not null && meta2["finalizers"] is not JsonArray { Count: > 0 })
        {
            Bucket(definition).Remove(Key(definition, meta2["namespace"]?.GetValue<string>(), meta2["name"]!.GetValue<string>()));
            Publish(definition, "DELETED", stored);
        }
        else
        {
            Publish(definition, "MODIFIED", stored, old);
        }

        return stored.Render();
    }

    /// <summary>The candidate with what the client cannot change restored: server metadata, and the status or everything but it.</summary>
    private static JsonObject NextState(FakeResourceDefinition definition, JsonObject old, JsonObject candidate, bool status)
    {
        JsonObject next;
        if (status)
        {
            next = old.DeepClone().AsObject();
            next["status"] = candidate["status"]?.DeepClone();
        }
        else
        {
            next = candidate.DeepClone().AsObject();
            if (definition.HasStatusSubresource)
            {
                next["status"] = old["status"]?.DeepClone();
            }

            var meta = next["metadata"]!.AsObject();
            var oldMeta = old["metadata"]!.AsObject();
            foreach (var field in ServerOwnedMetadata)
            {
                meta[field] = oldMeta[field]?.DeepClone();
            }

            meta.Remove("managedFields");
        }

        RemoveNulls(next, "status");
        RemoveNulls(next["metadata"]!.AsObject(), "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace");
        next["metadata"]!["resourceVersion"] = old["metadata"]!["resourceVersion"]?.DeepClone();
        return next;
    }

    private static JsonObject WithoutMetadataAndStatus(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private static void RemoveNulls(JsonObject obj, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (obj.TryGetPropertyValue(field, out var value) && value is null)
            {
                obj.Remove(field);
            }
        }
    }
}
