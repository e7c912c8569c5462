using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// A pod's volumes as host directories under the pod's directory: <c>emptyDir</c> (a fresh directory, also for
/// <c>medium: Memory</c>), <c>configMap</c>, <c>secret</c>, <c>downwardAPI</c> and <c>projected</c> (configMap, secret and
/// downwardAPI sources) through the
/// <see cref="AtomicWriter"/> and re-synced on every pass, <c>persistentVolumeClaim</c> (a directory per claim that
/// outlives the pod), <c>hostPath</c> (the host path itself). Other sources are refused with a message.
/// </summary>
internal sealed class PodVolumes(string podDirectory, string claimsDirectory, Pod pod)
{
    private const UnixFileMode DefaultMode = (UnixFileMode)420; // 0644, Kubernetes' defaultMode

    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

    /// <summary>
    /// One sync at a time: the pod's start-up pass and an update of the cluster view (a label or Secret change) can
    /// arrive together, and two atomic writes of one volume directory would race on its symlinks.
    /// </summary>
    private readonly Lock _gate = new();
    private Pod _pod = pod;

    /// <summary>The host directory of volume <paramref name="name"/>, or null before <see cref="Sync"/> made it.</summary>
    public string? PathOf(string name)
    {
        lock (_gate)
        {
            return _paths.GetValueOrDefault(name);
        }
    }

    /// <summary>
    /// Creates or updates every volume from <paramref name="current"/> (the pod as the API server has it now: its
    /// labels for downwardAPI files); returns what is missing (a ConfigMap not there yet), or null when all are in place.
    /// </summary>
    public string? Sync(Pod current, ClusterSnapshot snapshot, Action<string> changed)
    {
        lock (_gate)
        {
            return SyncAll(current, snapshot, changed);
        }
    }

    private string? SyncAll(Pod current, ClusterSnapshot snapshot, Action<string> changed)
    {
        _pod = current;
        foreach (var volume in (_pod.Spec?.Volumes ?? []).Select(v => JsonSerializer.SerializeToNode(v, KubeJsonContext.Default.Volume)!.AsObject()))
        {
            var name = volume["name"]!.GetValue<string>();
            var missing = SyncVolume(snapshot, name, volume, changed);
            if (missing is not null)
            {
                return missing;
            }
        }

        return null;
    }

    private string? SyncVolume(ClusterSnapshot snapshot, string name, JsonObject volume, Action<string> changed)
    {
        var path = Path.Combine(podDirectory, "volumes", name);
        if (volume["emptyDir"] is not null)
        {
            if (!Directory.Exists(path))
            {
                // 0777 as the kubelet makes it: containers of any user may write.
                Directory.CreateDirectory(path);
                File.SetUnixFileMode(path, (UnixFileMode)511);
            }
        }
        else if (volume["persistentVolumeClaim"]?["claimName"]?.GetValue<string>() is { } claim)
        {
            path = Path.Combine(claimsDirectory, _pod.Metadata.Namespace!, claim);
            Directory.CreateDirectory(path);
        }
        else if (volume["hostPath"]?["path"]?.GetValue<string>() is { } hostPath)
        {
            path = hostPath;
        }
        else if ((volume["configMap"] ?? volume["secret"] ?? volume["projected"] ?? volume["downwardAPI"]) is not null)
        {
            var payload = new Dictionary<string, (byte[] Data, UnixFileMode Mode)>(StringComparer.Ordinal);
            var missing = volume["projected"] is JsonObject projected
                ? Project(snapshot, projected, payload)
                : volume["downwardAPI"] is JsonObject downward
                ? DownwardApiFiles.Add(_pod, downward, Mode(downward, DefaultMode), payload)
                : AddSource(snapshot, volume["configMap"] as JsonObject, volume["secret"] as JsonObject, Mode(volume["configMap"] ?? volume["secret"], DefaultMode), payload);
            if (missing is not null)
            {
                return $"volume {name}: {missing}";
            }

            if (AtomicWriter.Write(path, payload) && _paths.ContainsKey(name))
            {
                changed(name);
            }
        }
        else
        {
            throw new NotSupportedException($"volume {name}: only emptyDir, configMap, secret, projected, downwardAPI, persistentVolumeClaim and hostPath are emulated ({volume.ToJsonString()})");
        }

        _paths[name] = path;
        return null;
    }

    private string? Project(ClusterSnapshot snapshot, JsonObject projected, Dictionary<string, (byte[] Data, UnixFileMode Mode)> payload)
    {
        var mode = Mode(projected, DefaultMode);
        foreach (var source in (projected["sources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var missing = source["downwardAPI"] is JsonObject downward
                ? DownwardApiFiles.Add(_pod, downward, mode, payload)
                : AddSource(snapshot, source["configMap"] as JsonObject, source["secret"] as JsonObject, mode, payload);
            if (missing is not null)
            {
                return missing;
            }
        }

        return null;
    }

    /// <summary>Adds the keys of one ConfigMap or Secret (all, or the listed <c>items</c>) to the payload.</summary>
    private string? AddSource(ClusterSnapshot snapshot, JsonObject? configMap, JsonObject? secret, UnixFileMode defaultMode, Dictionary<string, (byte[] Data, UnixFileMode Mode)> payload)
    {
        var source = configMap ?? secret!;
        var objectName = (source["name"] ?? source["secretName"])?.GetValue<string>() ?? "";
        var optional = source["optional"]?.GetValue<bool>() == true;
        var data = configMap is not null ? ConfigMapData(snapshot.ConfigMap(_pod.Metadata.Namespace!, objectName)) : SecretData(snapshot.Secret(_pod.Metadata.Namespace!, objectName));
        if (data is null)
        {
            return optional ? null : $"{(configMap is not null ? "configmap" : "secret")} \"{objectName}\" not found";
        }

        if (source["items"] is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                var key = item["key"]!.GetValue<string>();
                if (!data.TryGetValue(key, out var bytes))
                {
                    if (optional)
                    {
                        continue;
                    }

                    return $"key \"{key}\" not found in \"{objectName}\"";
                }

                payload[item["path"]!.GetValue<string>()] = (bytes, Mode(item, defaultMode));
            }
        }
        else
        {
            foreach (var (key, bytes) in data)
            {
                payload[key] = (bytes, defaultMode);
            }
        }

        return null;
    }

    public static Dictionary<string, byte[]>? ConfigMapData(ConfigMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var data = (map.Data ?? []).ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value), StringComparer.Ordinal);
        foreach (var (key, bytes) in map.BinaryData ?? [])
        {
            data[key] = bytes;
        }

        return data;
    }

    public static Dictionary<string, byte[]>? SecretData(Secret? secret)
    {
        if (secret is null)
        {
            return null;
        }

        // A real API server folds stringData into data on write; the fake keeps it as sent.
        var data = new Dictionary<string, byte[]>(secret.Data ?? [], StringComparer.Ordinal);
        foreach (var (key, text) in secret.StringData ?? [])
        {
            data[key] = Encoding.UTF8.GetBytes(text);
        }

        return data;
    }

    private static UnixFileMode Mode(JsonNode? node, UnixFileMode fallback) =>
        (node?["mode"] ?? node?["defaultMode"])?.GetValue<int>() is { } mode ? (UnixFileMode)mode : fallback;
}
