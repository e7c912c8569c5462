using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// The user a container's process runs as: <c>runAsUser</c> and <c>runAsGroup</c> of the container's
/// <c>securityContext</c>, else of the pod's, with the pod's <c>fsGroup</c> and <c>supplementalGroups</c> as its
/// groups. The launch script switches to it with <c>setpriv</c> after the mounts (which need root), so the process
/// has that UID's rights and no capabilities, as in a container. Only when the emulator runs as root; as another
/// user every process keeps the emulator's user.
/// </summary>
/// <param name="Uid">The UID.</param>
/// <param name="Gid">The primary GID (<c>runAsGroup</c>; 0 when unset, as a runtime does for a UID the image does not name).</param>
/// <param name="Groups">The supplementary groups.</param>
internal sealed record ContainerUser(long Uid, long Gid, IReadOnlyList<long> Groups)
{
    /// <summary>The container's user, or null: it keeps the emulator's (no <c>runAsUser</c>, or the emulator is not root).</summary>
    public static ContainerUser? For(Container container, Pod pod)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(pod);
        if (!Environment.IsPrivilegedProcess)
        {
            return null;
        }

        var podContext = pod.Spec?.AdditionalProperties?.TryGetValue("securityContext", out var element) == true && element.ValueKind == JsonValueKind.Object
            ? JsonNode.Parse(element.GetRawText())!.AsObject()
            : null;
        var own = container.SecurityContext;
        var uid = Number(own, "runAsUser") ?? Number(podContext, "runAsUser");
        if (uid is null)
        {
            return null;
        }

        var gid = Number(own, "runAsGroup") ?? Number(podContext, "runAsGroup") ?? 0;
        var groups = new List<long>();
        if (Number(podContext, "fsGroup") is { } fsGroup)
        {
            groups.Add(fsGroup);
        }

        groups.AddRange((podContext?["supplementalGroups"] as JsonArray ?? []).Select(g => g!.GetValue<long>()));
        return new ContainerUser(uid.Value, gid, groups);
    }

    /// <summary>The argv prefix that runs a program as this user.</summary>
    public IReadOnlyList<string> Setpriv() =>
    [
        "setpriv", "--reuid", Text(Uid), "--regid", Text(Gid),
        .. Groups.Count == 0 ? ["--clear-groups"] : (string[])["--groups", string.Join(',', Groups.Select(Text))],
        "--",
    ];

    /// <summary>The <c>nsenter</c> options that run an exec'd command as this user.</summary>
    public IReadOnlyList<string> NsenterOptions() => ["--setuid", Text(Uid), "--setgid", Text(Gid)];

    private static long? Number(JsonObject? context, string key) =>
        context?[key] is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
