using System.Text;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// Cluster DNS for one pod, written as its <c>/etc/hosts</c>: the pod's own name, and for every headless Service
/// (<c>clusterIP: None</c> with a selector) the IPs of the pods it selects that are ready (all of them, terminating
/// too, with <c>publishNotReadyAddresses</c>) under <c>NAME.NS.svc.cluster.local</c>, <c>NAME.NS.svc</c>,
/// <c>NAME.NS</c> and, in the pod's own namespace, <c>NAME</c> (what the search path would find); pods with
/// <c>hostname</c> and <c>subdomain</c> (StatefulSets) also as <c>HOSTNAME.SUBDOMAIN.NS.svc.cluster.local</c>.
/// One line per address: glibc with <c>multi on</c> returns them all.
/// </summary>
internal static class ServiceHosts
{
    public static string Render(Pod pod, string podIP, ClusterSnapshot snapshot)
    {
        var ns = pod.Metadata.Namespace!;
        var hosts = new StringBuilder()
            .AppendLine("# Kubernetes-managed hosts file (emulated).")
            .AppendLine("127.0.0.1\tlocalhost")
            .AppendLine("::1\tlocalhost ip6-localhost ip6-loopback");
        var hostname = ContainerEnvironment.Hostname(pod);
        hosts.AppendLine(Subdomain(pod) is { } own ? $"{podIP}\t{hostname}.{own}.{ns}.svc.cluster.local\t{hostname}" : $"{podIP}\t{hostname}");

        foreach (var service in snapshot.Services.Where(IsHeadless).OrderBy(s => s.Metadata.Namespace, StringComparer.Ordinal).ThenBy(s => s.Metadata.Name, StringComparer.Ordinal))
        {
            var svcNs = service.Metadata.Namespace!;
            var name = service.Metadata.Name!;
            var names = Names($"{name}.{svcNs}", svcNs == ns ? name : null);
            var publishNotReady = service.Spec?.PublishNotReadyAddresses == true;
            var members = snapshot.Pods
                .Where(p => p.Metadata.Namespace == svcNs && LabelMatch.Matches(service.Spec!.Selector, p.Metadata.Labels) && PodFacts.PodIP(p) is not null)
                .Where(p => publishNotReady || (PodFacts.IsReady(p) && !PodFacts.IsTerminating(p)))
                .OrderBy(p => PodFacts.PodIP(p), StringComparer.Ordinal);
            foreach (var member in members)
            {
                hosts.AppendLine($"{PodFacts.PodIP(member)}\t{names}");
                if (Subdomain(member) == name)
                {
                    var memberHost = ContainerEnvironment.Hostname(member);
                    hosts.AppendLine($"{PodFacts.PodIP(member)}\t{Names($"{memberHost}.{name}.{svcNs}", svcNs == ns ? $"{memberHost}.{name}" : null)}");
                }
            }
        }

        return hosts.ToString();
    }

    private static bool IsHeadless(Service service) =>
        service.Spec?.ClusterIP == "None" && service.Spec.Selector is { Count: > 0 };

    private static string Names(string qualified, string? local) =>
        $"{qualified}.svc.cluster.local {qualified}.svc {qualified}{(local is null ? "" : " " + local)}";

    private static string? Subdomain(Pod pod) =>
        pod.Spec?.AdditionalProperties?.TryGetValue("subdomain", out var s) == true && s.GetString() is { Length: > 0 } subdomain ? subdomain : null;
}
