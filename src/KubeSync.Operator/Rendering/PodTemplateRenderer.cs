using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;

namespace KubeSync.Operator.Rendering;

/// <summary>
/// The operator's pieces of a workload, as a server-side apply body: the sidecar container, its config and credential
/// volumes (and the pod's labels through the downward API, for <c>spec.roles</c>), the group label and config hash on the pod template, <c>shareProcessNamespace</c> for signal actions, and
/// the workload's annotation naming the SyncGroup. Nothing else: fields the body leaves out stay with their owners,
/// and applying an empty body later (the finalizer) removes exactly these.
/// </summary>
public static class PodTemplateRenderer
{
    public static JsonObject Render(SyncGroup group, WorkloadKind kind, string workloadName, SidecarSettings settings)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(settings);
        var spec = group.Spec!;
        var name = group.Metadata.Name!;
        var podSpec = new JsonObject();
        podSpec[settings.Native ? "initContainers" : "containers"] = new JsonArray(Sidecar(spec, settings));
        podSpec["volumes"] = new JsonArray(
            new JsonObject { ["name"] = SidecarPaths.ConfigVolume, ["configMap"] = new JsonObject { ["name"] = ObjectNames.ConfigMap(name) } },
            new JsonObject
            {
                ["name"] = SidecarPaths.TlsVolume,
                ["secret"] = new JsonObject
                {
                    ["secretName"] = ObjectNames.Secret(name),
                    // 0444: without a pod fsGroup the kubelet writes these files as root:root, so a non-root sidecar
                    // reads them as "other". Only the sidecar container mounts this volume; nobody writes.
                    ["defaultMode"] = 292,
                    ["items"] = new JsonArray([.. CredentialKeys.Mounted.Select(k => (JsonNode)new JsonObject { ["key"] = k, ["path"] = k })]),
                },
            });
        if (spec.Roles.Count > 0)
        {
            // The sidecar resolves its role from its own pod's labels.
            podSpec["volumes"]!.AsArray().Add(new JsonObject
            {
                ["name"] = SidecarPaths.PodInfoVolume,
                ["downwardAPI"] = new JsonObject
                {
                    ["items"] = new JsonArray(new JsonObject { ["path"] = "labels", ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.labels" } }),
                },
            });
        }

        if (spec.Actions.Any(a => a.Signal is not null))
        {
            podSpec["shareProcessNamespace"] = true;
        }

        if (settings.ServiceAccountName is { } account)
        {
            podSpec["serviceAccountName"] = account;
        }

        return Envelope(kind, workloadName, group.Metadata.Namespace!, name, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject { [SyncGroupLabels.Group] = name },
                ["annotations"] = new JsonObject { [SyncGroupLabels.ConfigHash] = settings.ConfigHash },
            },
            ["spec"] = podSpec,
        });
    }

    /// <summary>The body that gives up every field the operator applied: applying it removes our pieces.</summary>
    public static JsonObject RenderEmpty(WorkloadKind kind, string workloadName, string ns) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = kind.ToString(),
        ["metadata"] = new JsonObject { ["name"] = workloadName, ["namespace"] = ns },
    };

    private static JsonObject Envelope(WorkloadKind kind, string workloadName, string ns, string group, JsonObject template) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = kind.ToString(),
        ["metadata"] = new JsonObject
        {
            ["name"] = workloadName,
            ["namespace"] = ns,
            ["annotations"] = new JsonObject { [SyncGroupLabels.SyncGroupAnnotation] = group },
        },
        ["spec"] = new JsonObject { ["template"] = template },
    };

    private static JsonObject Sidecar(SyncGroupSpec spec, SidecarSettings settings)
    {
        var container = new JsonObject
        {
            ["name"] = SyncGroupLabels.SidecarContainer,
            ["image"] = spec.Sidecar.Image ?? settings.DefaultImage,
        };
        if (spec.Sidecar.ImagePullPolicy is { } pullPolicy)
        {
            container["imagePullPolicy"] = pullPolicy;
        }

        container["args"] = new JsonArray("run", "--config", SidecarPaths.ConfigFile);
        container["env"] = new JsonArray(
            FieldEnv("POD_NAME", "metadata.name"),
            FieldEnv("POD_NAMESPACE", "metadata.namespace"),
            FieldEnv("POD_IP", "status.podIP"),
            // The CLI finds the config without --config: kubectl exec POD -c kubesync -- kubesync status.
            new JsonObject { ["name"] = "KUBESYNC_CONFIG", ["value"] = SidecarPaths.ConfigFile });
        container["ports"] = new JsonArray(Port(SidecarPaths.PeerPortName, spec.Sidecar.Port), Port(SidecarPaths.AdminPortName, spec.Sidecar.AdminPort));
        container["volumeMounts"] = new JsonArray(
            new JsonObject { ["name"] = spec.Volume, ["mountPath"] = spec.MountPath },
            new JsonObject { ["name"] = SidecarPaths.ConfigVolume, ["mountPath"] = SidecarPaths.ConfigDirectory, ["readOnly"] = true },
            new JsonObject { ["name"] = SidecarPaths.TlsVolume, ["mountPath"] = SidecarPaths.TlsDirectory, ["readOnly"] = true });
        if (spec.Roles.Count > 0)
        {
            container["volumeMounts"]!.AsArray().Add(new JsonObject { ["name"] = SidecarPaths.PodInfoVolume, ["mountPath"] = SidecarPaths.PodInfoDirectory, ["readOnly"] = true });
        }

        if (settings.Native)
        {
            // A native sidecar: started before the app containers, which wait for its startup probe, i.e. for /readyz,
            // which answers 200 once the initial sync is done. The app starts on a complete directory.
            container["restartPolicy"] = "Always";
            container["startupProbe"] = Probe("/readyz", periodSeconds: 2, failureThreshold: 1800);
        }

        container["readinessProbe"] = Probe("/readyz", periodSeconds: 5, failureThreshold: 3);
        container["livenessProbe"] = Probe("/healthz", periodSeconds: 10, failureThreshold: 6);
        container["securityContext"] = SecurityContext(spec.Sidecar.SecurityContext, settings.PodRunAsUser);
        if (spec.Sidecar.Resources is { } resources)
        {
            container["resources"] = resources.DeepClone();
        }

        return container;
    }

    /// <summary>
    /// The restricted Pod Security profile unless the spec opts out: the sidecar writes only to its volumes and never
    /// needs more rights than it starts with, so it drops every capability. Its user is the spec's, else the pod's,
    /// else the image's (1654); a signal action reaches only processes of that user (docs/operator.md).
    /// </summary>
    private static JsonObject SecurityContext(SidecarSecurityContext? wanted, long? podRunAsUser)
    {
        var context = new JsonObject { ["allowPrivilegeEscalation"] = false, ["readOnlyRootFilesystem"] = true };
        var uid = wanted?.RunAsUser ?? podRunAsUser;
        if (wanted?.RunAsUser is { } user)
        {
            context["runAsUser"] = user;
        }

        if (wanted?.RunAsGroup is { } group)
        {
            context["runAsGroup"] = group;
        }

        // Root only when asked for by UID (here or for the whole pod): never by accident of an image's USER line.
        context["runAsNonRoot"] = wanted?.RunAsNonRoot ?? uid != 0;
        var capabilities = new JsonObject { ["drop"] = new JsonArray("ALL") };
        if (wanted?.Capabilities?.Add is { Count: > 0 } add)
        {
            capabilities["add"] = new JsonArray([.. add.Select(c => (JsonNode)c)]);
        }

        context["capabilities"] = capabilities;
        context["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" };
        return context;
    }

    private static JsonObject FieldEnv(string name, string fieldPath) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = fieldPath } },
    };

    private static JsonObject Port(string name, int port) => new() { ["name"] = name, ["containerPort"] = port, ["protocol"] = "TCP" };

    private static JsonObject Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = SidecarPaths.AdminPortName },
        ["periodSeconds"] = periodSeconds,
        ["failureThreshold"] = failureThreshold,
    };
}
