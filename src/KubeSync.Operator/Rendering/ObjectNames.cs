namespace KubeSync.Operator.Rendering;

/// <summary>Names of the objects the operator creates for a SyncGroup, all in its namespace.</summary>
public static class ObjectNames
{
    /// <summary>The longest SyncGroup name whose derived names all fit in 63 characters (a Service name is a DNS label).</summary>
    public const int MaxGroupName = 54;

    /// <summary>The ConfigMap with the rendered sidecar config.</summary>
    public static string ConfigMap(string group) => $"{group}-kubesync";

    /// <summary>The Secret with the group CA, the member certificate and the group key.</summary>
    public static string Secret(string group) => $"{group}-kubesync";

    /// <summary>The headless Service whose addresses are the members.</summary>
    public static string PeerService(string group) => $"{group}-peers";

    /// <summary>ServiceAccount, Role and RoleBinding for podExec actions.</summary>
    public static string Rbac(string group) => $"{group}-kubesync";

    /// <summary>The DNS name of the peer Service.</summary>
    public static string PeerDnsName(string group, string ns, string clusterDomain) => $"{PeerService(group)}.{ns}.svc.{clusterDomain}";
}
