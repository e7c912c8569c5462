using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;

namespace KubeSync.Operator.Rendering;

/// <summary>
/// Renders a SyncGroup's spec as the sidecar's config file (docs/configuration.md): one group rooted at the mount path,
/// peers found through the headless Service, TLS and the group key from the mounted Secret, admin on the pod IP so that
/// the kubelet's probes and the operator reach it. The member id is left to the sidecar: <c>$POD_NAME</c>.
/// </summary>
public static class SidecarConfigRenderer
{
    public static string Render(SyncGroup group, string clusterDomain) =>
        "# Rendered by kubesync-operator from SyncGroup " + group.Metadata.Name + "; edit the SyncGroup, not this file.\n" +
        YamlText.Write(Build(group, clusterDomain));

    public static JsonObject Build(SyncGroup group, string clusterDomain)
    {
        ArgumentNullException.ThrowIfNull(group);
        var spec = group.Spec ?? throw new ArgumentException("the SyncGroup has no spec", nameof(group));
        var name = group.Metadata.Name!;
        var config = new JsonObject
        {
            ["listen"] = $"0.0.0.0:{spec.Sidecar.Port}",
            ["admin"] = $"0.0.0.0:{spec.Sidecar.AdminPort}",
            ["tls"] = new JsonObject
            {
                ["cert"] = $"{SidecarPaths.TlsDirectory}/{CredentialKeys.MemberCertificate}",
                ["key"] = $"{SidecarPaths.TlsDirectory}/{CredentialKeys.MemberKey}",
                ["ca"] = $"{SidecarPaths.TlsDirectory}/{CredentialKeys.TrustBundle}",
            },
            ["keyFile"] = $"{SidecarPaths.TlsDirectory}/{CredentialKeys.GroupKey}",
        };
        if (Timing(spec.Timing) is { Count: > 0 } timing)
        {
            config["timing"] = timing;
        }

        var entry = new JsonObject
        {
            ["name"] = name,
            ["root"] = spec.MountPath,
            ["include"] = Strings(spec.Include),
            ["exclude"] = Strings(spec.Exclude),
            ["auto"] = EnumName(spec.Auto),
            ["role"] = EnumName(spec.Role),
        };
        if (spec.Roles.Count > 0)
        {
            config["labelsFile"] = SidecarPaths.LabelsFile;
            entry["roles"] = new JsonArray([.. spec.Roles.Select(RoleRule)]);
        }

        if (spec.Ignore.Count > 0)
        {
            entry["ignore"] = Strings(spec.Ignore);
        }

        if (spec.Backup is { } backup)
        {
            // Inside the state directory, which the sidecar never syncs; on the same volume, so a restart keeps it.
            entry["backup"] = new JsonObject { ["directory"] = $"{spec.MountPath.TrimEnd('/')}/.kubesync/backup", ["generations"] = backup.Generations };
        }

        entry["peers"] = new JsonObject
        {
            ["dns"] = new JsonObject { ["name"] = ObjectNames.PeerDnsName(name, group.Metadata.Namespace!, clusterDomain), ["port"] = spec.Sidecar.Port },
        };
        if (spec.Actions.Count > 0)
        {
            entry["actions"] = new JsonArray([.. spec.Actions.Select(Action)]);
        }

        config["groups"] = new JsonArray(entry);
        return config;
    }

    private static JsonObject RoleRule(SyncGroupRoleRule rule)
    {
        var selector = new JsonObject();
        if (rule.Selector.MatchLabels is { Count: > 0 } labels)
        {
            selector["matchLabels"] = new JsonObject([.. labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]);
        }

        if (rule.Selector.MatchExpressions is { Count: > 0 } expressions)
        {
            selector["matchExpressions"] = new JsonArray([.. expressions.Select(e =>
            {
                var rendered = new JsonObject { ["key"] = e.Key, ["operator"] = e.Operator };
                if (e.Values is { Count: > 0 } values)
                {
                    rendered["values"] = Strings(values);
                }

                return (JsonNode)rendered;
            })]);
        }

        return new JsonObject { ["selector"] = selector, ["role"] = EnumName(rule.Role) };
    }

    private static JsonObject Action(SyncGroupAction action)
    {
        var rendered = new JsonObject { ["name"] = action.Name, ["patterns"] = Strings(action.Patterns) };
        if (action.Exec is { } exec)
        {
            rendered["exec"] = Strings(exec);
        }
        else if (action.Signal is { } signal)
        {
            var target = signal.Process is { } process ? new JsonObject { ["process"] = process } : new JsonObject { ["pidFile"] = signal.PidFile };
            target["signal"] = signal.Signal;
            rendered["signal"] = target;
        }
        else if (action.PodExec is { } podExec)
        {
            rendered["podExec"] = new JsonObject { ["container"] = podExec.Container, ["command"] = Strings(podExec.Command) };
        }
        else if (action.Http is { } http)
        {
            rendered["http"] = new JsonObject { ["url"] = http.Url, ["method"] = http.Method };
        }

        rendered["timeout"] = action.Timeout;
        rendered["delay"] = action.Delay;
        rendered["doLocal"] = action.DoLocal;
        rendered["doLocalOnly"] = action.DoLocalOnly;
        return rendered;
    }

    private static JsonObject? Timing(SyncGroupTiming? timing)
    {
        if (timing is null)
        {
            return null;
        }

        var rendered = new JsonObject();
        Add("debounce", timing.Debounce);
        Add("rescan", timing.Rescan);
        Add("pull", timing.Pull);
        Add("peerExpiry", timing.PeerExpiry);
        Add("drain", timing.Drain);
        return rendered;

        void Add(string key, string? value)
        {
            if (value is not null)
            {
                rendered[key] = value;
            }
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    /// <summary>The enum's JSON name (<c>keep-both</c>, <c>receive-only</c>), which is also the config's spelling.</summary>
    private static string EnumName<T>(T value)
        where T : struct, Enum =>
        JsonSerializer.SerializeToNode(value, typeof(T), SyncGroupJsonContext.Default)!.GetValue<string>();
}
