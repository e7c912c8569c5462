using System.Text;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// The shell script that runs first in a container's new mount namespace: bind mounts of the volumes at their
/// <c>mountPath</c> (with <c>subPath</c>; read-only where asked, and always for configMap, secret, downwardAPI and projected
/// volumes), of the pod's <c>/etc/hosts</c>, <c>/etc/hostname</c>, <c>/etc/resolv.conf</c> and <c>/etc/host.conf</c>,
/// the pod's host name (UTS namespace), the working directory, then <c>exec "$@"</c> (through <c>setpriv</c> when the
/// container has a <see cref="ContainerUser"/>) so the container's process keeps the pid the kubelet started.
/// </summary>
internal static class MountPlan
{
    public sealed record Mount(string Source, string Target, bool ReadOnly, bool File);

    public static IReadOnlyList<Mount> For(Container container, Pod pod, PodVolumes volumes, string podDirectory)
    {
        var readOnlyVolumes = (pod.Spec?.Volumes ?? [])
            .Where(v => v.AdditionalProperties?.Keys.Any(k => k is "configMap" or "secret" or "projected" or "downwardAPI") == true)
            .Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var mounts = new List<Mount>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            var source = volumes.PathOf(mount.Name!) ?? throw new InvalidOperationException($"container {container.Name}: volumeMount {mount.Name} names no volume of the pod");
            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                source = Path.Combine(source, mount.SubPath);
                if (!Path.Exists(source))
                {
                    // The kubelet creates a missing subPath as a directory.
                    Directory.CreateDirectory(source);
                }
            }

            mounts.Add(new Mount(source, mount.MountPath!, mount.ReadOnly == true || readOnlyVolumes.Contains(mount.Name), System.IO.File.Exists(source)));
        }

        foreach (var file in new[] { "hosts", "hostname", "resolv.conf", "host.conf" })
        {
            mounts.Add(new Mount(Path.Combine(podDirectory, "etc", file), "/etc/" + file, ReadOnly: false, File: true));
        }

        return [.. mounts.OrderBy(m => m.Target.TrimEnd('/').Count(c => c == '/'))];
    }

    /// <summary>The script; <paramref name="targets"/> creates host mount points that no other mount of this container covers.</summary>
    /// <param name="startedMarker">A host file the script creates just before it execs the container's program: the container runs from then on.</param>
    /// <param name="user">The container's user, switched to at the exec (after the mounts, which need root), or null.</param>
    /// <param name="mountProc">The container runs in a PID namespace of its own: a fresh <c>/proc</c> shows only its processes.</param>
    public static string Script(IReadOnlyList<Mount> mounts, string hostname, string workingDirectory, HostMountTargets targets, string startedMarker, ContainerUser? user, bool mountProc = false)
    {
        var script = new StringBuilder("set -e\n");
        if (mountProc)
        {
            script.Append("mount -t proc -o nosuid,nodev,noexec proc /proc\n");
        }

        foreach (var mount in mounts)
        {
            var nested = mounts.Any(m => m != mount && IsUnder(mount.Target, m.Target));
            if (nested)
            {
                // Inside another volume: the mount point is made in that volume, as the container runtime does.
                script.Append(mount.File ? $"[ -e {Quote(mount.Target)} ] || : > {Quote(mount.Target)}\n" : $"mkdir -p {Quote(mount.Target)}\n");
            }
            else
            {
                targets.Ensure(mount.Target, mount.File);
            }

            script.Append($"mount --bind {Quote(mount.Source)} {Quote(mount.Target)}\n");
        }

        foreach (var mount in mounts.Where(m => m.ReadOnly))
        {
            script.Append($"mount -o remount,bind,ro {Quote(mount.Target)}\n");
        }

        script.Append($"hostname {Quote(hostname)}\n");
        script.Append($"cd {Quote(workingDirectory)}\n");
        script.Append($": > {Quote(startedMarker)}\n");
        script.Append(user is null ? "exec \"$@\"\n" : $"exec {string.Join(' ', user.Setpriv().Select(Quote))} \"$@\"\n");
        return script.ToString();
    }

    private static bool IsUnder(string path, string parent) =>
        path.StartsWith(parent.TrimEnd('/') + "/", StringComparison.Ordinal);

    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
