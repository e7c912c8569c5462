using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>
/// Generic storage for every resource of the fake: one global, increasing resourceVersion, uid,
/// creationTimestamp, generation, finalizers, field ownership and an event history for watches.
/// </summary>
public sealed partial class FakeObjectStore
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SortedDictionary<string, FakeStoredObject>> _objects = [];
    private readonly List<(long Revision, FakeResourceDefinition Definition, string Type, JsonObject Object, JsonObject? Previous)> _history = [];
    private long _revision = 1000;
    private long _compacted;

    internal FakeObjectStore(TimeProvider timeProvider)
    {
        _time = timeProvider;
    }

    /// <summary>The newest resourceVersion handed out.</summary>
    public long Revision
    {
        get
        {
            lock (_lock)
            {
                return _revision;
            }
        }
    }

    /// <summary>Forgets the history: watches and continue tokens from before now get 410 Gone, as after an etcd compaction.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _compacted = _revision + 1;
            _history.Clear();
        }
    }

    /// <summary>A copy of a stored object as the API would answer it, or null.</summary>
    public JsonObject? Find(FakeResourceDefinition definition, string? ns, string name)
    {
        ArgumentNullException.ThrowIfNull(definition);
        lock (_lock)
        {
            return Bucket(definition).TryGetValue(Key(definition, ns, name), out var stored) ? stored.Render() : null;
        }
    }

    internal JsonObject Get(FakeResourceDefinition definition, string? ns, string name)
    {
        return Find(definition, ns, name) ?? throw FakeApiException.NotFound(definition, name);
    }

    internal FakeListPage List(FakeResourceDefinition definition, string? ns, FakeLabelSelector selector, int limit, string? continueToken)
    {
        lock (_lock)
        {
            var listRevision = _revision;
            string? after = null;
            if (!string.IsNullOrEmpty(continueToken))
            {
                (listRevision, after) = DecodeContinue(continueToken);
                if (listRevision < _compacted)
                {
                    throw FakeApiException.Gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
                }
            }

            var prefix = definition.Namespaced && ns is not null ? ns + "/" : "";
            var matching = Bucket(definition)
                .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)
                    && (after is null || string.CompareOrdinal(kv.Key, after) > 0)
                    && selector.Matches(kv.Value.Object))
                .ToList();
            var page = limit > 0 ? matching.Take(limit).ToList() : matching;
            var more = page.Count < matching.Count;
            return new FakeListPage(
                [.. page.Select(kv => kv.Value.Render())],
                listRevision.ToString(CultureInfo.InvariantCulture),
                more ? EncodeContinue(listRevision, page[^1].Key) : null,
                more ? matching.Count - page.Count : null);
        }
    }

    internal JsonObject Create(FakeResourceDefinition definition, string? ns, JsonObject body, string manager) =>
        Create(definition, ns, body, new FakeManagerKey(manager, "Update", null));

    /// <summary>Creates the object; <paramref name="owner"/> owns every field it set (an Update entry, or Apply for an apply that creates).</summary>
    private JsonObject Create(FakeResourceDefinition definition, string? ns, JsonObject body, FakeManagerKey owner)
    {
        lock (_lock)
        {
            var obj = Normalize(definition, body);
            var meta = obj["metadata"]!.AsObject();
            var name = meta["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = meta["generateName"]?.GetValue<string>()
                    ?? throw FakeApiException.Invalid($"{definition.Kind}: metadata.name or metadata.generateName is required");
                name = prefix + Guid.NewGuid().ToString("N")[..5];
                meta["name"] = name;
            }

            CheckNamespace(definition, ns, meta);
            var bucket = Bucket(definition);
            var key = Key(definition, ns, name);
            if (bucket.ContainsKey(key))
            {
                throw FakeApiException.AlreadyExists(definition, name);
            }

            foreach (var server in new[] { "managedFields", "resourceVersion", "deletionTimestamp", "uid", "creationTimestamp" })
            {
                meta.Remove(server);
            }

            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Timestamp();
            meta["generation"] = 1L;
            if (definition.HasStatusSubresource)
            {
                obj.Remove("status");
            }

            var stored = new FakeStoredObject(obj);
            FakeServerSideApply.RecordUpdate(stored, null, obj, owner, status: false, _time.GetUtcNow());
            bucket[key] = stored;
            Publish(definition, "ADDED", stored);
            return stored.Render();
        }
    }

    /// <summary>Deletes (or, with finalizers, marks); <paramref name="preconditions"/> (uid, resourceVersion) must match or it is a 409.</summary>
    internal JsonObject Delete(FakeResourceDefinition definition, string? ns, string name, JsonObject? preconditions = null)
    {
        lock (_lock)
        {
            var bucket = Bucket(definition);
            var key = Key(definition, ns, name);
            if (!bucket.TryGetValue(key, out var stored))
            {
                throw FakeApiException.NotFound(definition, name);
            }

            var meta = stored.Object["metadata"]!.AsObject();
            foreach (var field in new[] { "uid", "resourceVersion" })
            {
                if (preconditions?[field]?.GetValue<string>() is { } wanted && wanted != meta[field]?.GetValue<string>())
                {
                    throw new FakeApiException(409, "Conflict", $"Precondition failed: {field}: {wanted}, object has {meta[field]}", new JsonObject { ["name"] = name, ["kind"] = definition.Plural });
                }
            }

            if (meta["finalizers"] is JsonArray { Count: > 0 })
            {
                if (meta["deletionTimestamp"] is null)
                {
                    meta["deletionTimestamp"] = Timestamp();
                    meta["deletionGracePeriodSeconds"] = 0;
                    Publish(definition, "MODIFIED", stored);
                }

                return stored.Render();
            }

            bucket.Remove(key);
            Publish(definition, "DELETED", stored);
            return stored.Render();
        }
    }

    private static (long Revision, string After) DecodeContinue(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return (long.Parse(text[..bar], CultureInfo.InvariantCulture), text[(bar + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            throw FakeApiException.BadRequest("continue key is not valid");
        }
    }

    private static string EncodeContinue(long revision, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{revision}|{lastKey}"));

    private static string Key(FakeResourceDefinition definition, string? ns, string name) =>
        definition.Namespaced ? $"{ns}/{name}" : "/" + name;

    private static void CheckNamespace(FakeResourceDefinition definition, string? ns, JsonObject meta)
    {
        if (!definition.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }

        if (string.IsNullOrEmpty(ns))
        {
            throw FakeApiException.BadRequest($"{definition.Kind} is namespaced: the request must name a namespace");
        }

        var bodyNamespace = meta["namespace"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != ns)
        {
            throw FakeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        meta["namespace"] = ns;
    }

    private static JsonObject Normalize(FakeResourceDefinition definition, JsonObject body)
    {
        var obj = body.DeepClone().AsObject();
        var kind = obj["kind"]?.GetValue<string>();
        var apiVersion = obj["apiVersion"]?.GetValue<string>();
        if ((kind is not null && kind != definition.Kind) || (apiVersion is not null && apiVersion != definition.ApiVersion))
        {
            throw FakeApiException.BadRequest($"the body is a {apiVersion} {kind}, the URL is for {definition.ApiVersion} {definition.Kind}");
        }

        obj["apiVersion"] = definition.ApiVersion;
        obj["kind"] = definition.Kind;
        if (obj["metadata"] is not JsonObject)
        {
            obj["metadata"] = new JsonObject();
        }

        return obj;
    }

    private string Timestamp() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private SortedDictionary<string, FakeStoredObject> Bucket(FakeResourceDefinition definition)
    {
        if (!_objects.TryGetValue(definition.Key, out var bucket))
        {
            bucket = new SortedDictionary<string, FakeStoredObject>(StringComparer.Ordinal);
            _objects[definition.Key] = bucket;
        }

        return bucket;
    }
}
