using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>
/// Server-side apply and field ownership on stored objects: merge of maps and list-maps, conflicts with
/// other managers, removal of fields a manager stops applying, and ownership moves on plain updates.
/// </summary>
internal static class FakeServerSideApply
{
    /// <summary>
    /// Applies <paramref name="applied"/> as <paramref name="manager"/> onto <paramref name="stored"/> and returns
    /// the merged object (the caller commits it). Throws a 409 listing the conflicts unless <paramref name="force"/>.
    /// </summary>
    public static JsonObject Apply(FakeStoredObject stored, JsonObject applied, FakeManagerKey manager, bool force, bool status, DateTimeOffset now)
    {
        var live = stored.Object;
        var newPaths = FieldPaths.Collect(applied, status);
        var conflicts = FindConflicts(stored, applied, manager, newPaths);
        if (conflicts.Count > 0 && !force)
        {
            throw ConflictError(conflicts);
        }

        foreach (var (loser, path) in conflicts)
        {
            stored.Owners[loser].Paths.Remove(path);
        }

        var merged = live.DeepClone().AsObject();
        Merge(merged, StripServerMetadata(applied, status));
        var previous = stored.Owners.TryGetValue(manager, out var was) ? was.Paths : [];
        // Shortest first: a dropped list item goes whole, before its key field could be removed from under it.
        foreach (var path in previous.Except(newPaths).OrderBy(p => p.Length))
        {
            if (!OwnedByOthers(stored, manager, path) && !FieldPaths.IsKeyField(path))
            {
                FieldPaths.Remove(merged, path);
            }
        }

        var owner = stored.Owner(manager);
        owner.Paths.Clear();
        owner.Paths.UnionWith(newPaths);
        owner.Time = now;
        owner.ApiVersion = applied["apiVersion"]?.GetValue<string>() ?? owner.ApiVersion;
        return merged;
    }

    /// <summary>Ownership after a create, replace or patch: changed fields move to <paramref name="manager"/>, removed ones leave everyone.</summary>
    public static void RecordUpdate(FakeStoredObject stored, JsonObject? before, JsonObject after, FakeManagerKey manager, bool status, DateTimeOffset now)
    {
        var afterPaths = FieldPaths.Collect(after, status);
        var beforePaths = before is null ? [] : FieldPaths.Collect(before, status);
        foreach (var removed in beforePaths.Except(afterPaths))
        {
            foreach (var owner in stored.Owners.Values)
            {
                owner.Paths.Remove(removed);
            }
        }

        var changed = afterPaths
            .Where(p => before is null || !beforePaths.Contains(p)
                || (!FieldPaths.IsItemPath(p) && !JsonNode.DeepEquals(FieldPaths.Get(before, p), FieldPaths.Get(after, p))))
            .ToList();
        if (changed.Count == 0)
        {
            return;
        }

        foreach (var (key, owner) in stored.Owners)
        {
            if (key != manager)
            {
                owner.Paths.ExceptWith(changed.Where(p => !FieldPaths.IsItemPath(p)));
            }
        }

        var mine = stored.Owner(manager);
        mine.Paths.UnionWith(changed);
        mine.Time = now;
        mine.ApiVersion = after["apiVersion"]?.GetValue<string>() ?? mine.ApiVersion;
    }

    /// <summary>Merges maps recursively and list-maps by key; anything else in <paramref name="applied"/> replaces.</summary>
    public static void Merge(JsonObject live, JsonObject applied)
    {
        foreach (var (key, value) in applied.ToList())
        {
            if (value is null)
            {
                continue;
            }

            if (value is JsonObject appliedMap && live[key] is JsonObject liveMap)
            {
                Merge(liveMap, appliedMap);
            }
            else if (value is JsonArray appliedList && live[key] is JsonArray liveList
                && FieldPaths.IsListMap(key, appliedList, out var keyField) && FieldPaths.IsListMap(key, liveList, out _))
            {
                MergeListMap(liveList, appliedList, keyField);
            }
            else
            {
                live[key] = value.DeepClone();
            }
        }
    }

    private static void MergeListMap(JsonArray live, JsonArray applied, string keyField)
    {
        foreach (var item in applied)
        {
            var match = live.FirstOrDefault(l => JsonNode.DeepEquals(l![keyField], item![keyField]));
            if (match is JsonObject liveItem)
            {
                Merge(liveItem, item!.AsObject());
            }
            else
            {
                live.Add(item!.DeepClone());
            }
        }
    }

    private static List<(FakeManagerKey Owner, string Path)> FindConflicts(FakeStoredObject stored, JsonObject applied, FakeManagerKey manager, HashSet<string> newPaths)
    {
        var conflicts = new List<(FakeManagerKey, string)>();
        foreach (var path in newPaths.Where(p => !FieldPaths.IsItemPath(p)).Order(StringComparer.Ordinal))
        {
            if (JsonNode.DeepEquals(FieldPaths.Get(stored.Object, path), FieldPaths.Get(applied, path)))
            {
                continue;
            }

            foreach (var (key, owner) in stored.Owners)
            {
                if (key.Manager != manager.Manager && owner.Paths.Contains(path))
                {
                    conflicts.Add((key, path));
                }
            }
        }

        return conflicts;
    }

    private static FakeApiException ConflictError(List<(FakeManagerKey Owner, string Path)> conflicts)
    {
        var causes = new JsonArray();
        foreach (var (owner, path) in conflicts)
        {
            causes.Add(new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with \"{owner.Manager}\"",
                ["field"] = FieldPaths.ToDotted(path),
            });
        }

        var list = string.Join(", ", conflicts.Select(c => $"conflict with \"{c.Owner.Manager}\": {FieldPaths.ToDotted(c.Path)}"));
        return new FakeApiException(409, "Conflict", $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: {list}", new JsonObject { ["causes"] = causes });
    }

    private static bool OwnedByOthers(FakeStoredObject stored, FakeManagerKey manager, string path)
    {
        var prefix = path + FieldPaths.Separator;
        return stored.Owners.Any(o => o.Key != manager
            && (o.Value.Paths.Contains(path) || (FieldPaths.IsItemPath(path) && o.Value.Paths.Any(p => p.StartsWith(prefix, StringComparison.Ordinal)))));
    }

    private static JsonObject StripServerMetadata(JsonObject applied, bool status)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in applied)
        {
            if (key is "apiVersion" or "kind" || value is null || (key == "status") != status)
            {
                continue;
            }

            if (key == "metadata")
            {
                var meta = new JsonObject();
                foreach (var (metaKey, metaValue) in value.AsObject())
                {
                    if (metaKey is "labels" or "annotations" or "finalizers" or "ownerReferences" && metaValue is not null)
                    {
                        meta[metaKey] = metaValue.DeepClone();
                    }
                }

                copy["metadata"] = meta;
                continue;
            }

            copy[key] = value.DeepClone();
        }

        return copy;
    }
}
