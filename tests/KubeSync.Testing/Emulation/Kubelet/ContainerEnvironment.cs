using System.Text;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// A container's environment as the kubelet builds it: a minimal base (<c>PATH</c>, <c>HOME</c>, <c>HOSTNAME</c>), the
/// image's <c>ENV</c>, <c>envFrom</c> (configMapRef, secretRef, prefix), then <c>env</c> in order: <c>value</c> with
/// <c>$(VAR)</c> expansion against what is defined so far, <c>valueFrom.fieldRef</c> (metadata.name, .namespace, .uid,
/// .labels['k'], .annotations['k'], spec.nodeName, spec.serviceAccountName, status.podIP, status.podIPs,
/// status.hostIP, status.hostIPs), <c>configMapKeyRef</c> and <c>secretKeyRef</c> (with <c>optional</c>). The test
/// runner's own environment does not leak in.
/// </summary>
internal static class ContainerEnvironment
{
    public sealed record PodFields(Pod Pod, string PodIP, string HostIP, string NodeName);

    /// <summary>The environment, or an error (CreateContainerConfigError: a missing ConfigMap or key).</summary>
    public static (Dictionary<string, string>? Environment, string? Error) Build(Container container, ContainerImage? image, PodFields fields, ClusterSnapshot snapshot)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = "/root",
            ["HOSTNAME"] = Hostname(fields.Pod),
        };
        foreach (var (key, value) in image?.Environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var ns = fields.Pod.Metadata.Namespace!;
        var envFrom = container.AdditionalProperties?.TryGetValue("envFrom", out var from) == true ? JsonNode.Parse(from.GetRawText()) as JsonArray : null;
        foreach (var source in (envFrom ?? []).OfType<JsonObject>())
        {
            var reference = (source["configMapRef"] ?? source["secretRef"]) as JsonObject;
            var name = reference?["name"]?.GetValue<string>() ?? "";
            var data = source["configMapRef"] is not null ? PodVolumes.ConfigMapData(snapshot.ConfigMap(ns, name)) : PodVolumes.SecretData(snapshot.Secret(ns, name));
            if (data is null && reference?["optional"]?.GetValue<bool>() != true)
            {
                return (null, $"envFrom: \"{name}\" not found");
            }

            foreach (var (key, bytes) in data ?? [])
            {
                env[(source["prefix"]?.GetValue<string>() ?? "") + key] = Encoding.UTF8.GetString(bytes);
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            var (value, error) = Value(variable, fields, snapshot, env);
            if (error is not null)
            {
                return (null, $"env {variable.Name}: {error}");
            }

            if (value is not null)
            {
                env[variable.Name!] = value;
            }
        }

        return (env, null);
    }

    /// <summary>The pod's host name: <c>spec.hostname</c> when set, else the pod's name.</summary>
    public static string Hostname(Pod pod) =>
        pod.Spec?.AdditionalProperties?.TryGetValue("hostname", out var h) == true && h.GetString() is { Length: > 0 } hostname ? hostname : pod.Metadata.Name!;

    private static (string? Value, string? Error) Value(EnvVar variable, PodFields fields, ClusterSnapshot snapshot, Dictionary<string, string> env)
    {
        if (variable.ValueFrom is not { } from)
        {
            return (VariableExpansion.Expand(variable.Value ?? "", name => env.GetValueOrDefault(name)), null);
        }

        if (from["fieldRef"]?["fieldPath"]?.GetValue<string>() is { } path)
        {
            return FieldValue(path, fields);
        }

        var ns = fields.Pod.Metadata.Namespace!;
        var keyRef = (from["configMapKeyRef"] ?? from["secretKeyRef"]) as JsonObject;
        if (keyRef is null)
        {
            return (null, "only value, fieldRef, configMapKeyRef and secretKeyRef are emulated");
        }

        var name = keyRef["name"]?.GetValue<string>() ?? "";
        var key = keyRef["key"]?.GetValue<string>() ?? "";
        var optional = keyRef["optional"]?.GetValue<bool>() == true;
        var data = from["configMapKeyRef"] is not null ? PodVolumes.ConfigMapData(snapshot.ConfigMap(ns, name)) : PodVolumes.SecretData(snapshot.Secret(ns, name));
        if (data is not null && data.TryGetValue(key, out var bytes))
        {
            return (Encoding.UTF8.GetString(bytes), null);
        }

        return optional ? (null, null) : (null, data is null ? $"\"{name}\" not found" : $"key \"{key}\" not found in \"{name}\"");
    }

    private static (string? Value, string? Error) FieldValue(string path, PodFields fields)
    {
        var pod = fields.Pod;
        string? Keyed(Dictionary<string, string>? map, string prefix) =>
            path.StartsWith(prefix + "['", StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal) ? map?.GetValueOrDefault(path[(prefix.Length + 2)..^2]) ?? "" : null;
        var value = path switch
        {
            "metadata.name" => pod.Metadata.Name,
            "metadata.namespace" => pod.Metadata.Namespace,
            "metadata.uid" => pod.Metadata.Uid,
            "spec.nodeName" => fields.NodeName,
            "spec.serviceAccountName" => pod.Spec?.ServiceAccountName ?? "default",
            "status.podIP" or "status.podIPs" => fields.PodIP,
            "status.hostIP" or "status.hostIPs" => fields.HostIP,
            _ => Keyed(pod.Metadata.Labels, "metadata.labels") ?? Keyed(pod.Metadata.Annotations, "metadata.annotations"),
        };
        return value is null ? (null, $"fieldRef {path} is not emulated") : (value, null);
    }
}
