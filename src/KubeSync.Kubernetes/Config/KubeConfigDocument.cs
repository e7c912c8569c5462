using YamlDotNet.Serialization;

namespace KubeSync.Kubernetes.Config;

/// <summary>The parts of a kubeconfig file (<c>kind: Config</c>) this client reads.</summary>
internal sealed class KubeConfigDocument
{
    [YamlMember(Alias = "current-context")]
    public string? CurrentContext { get; set; }

    [YamlMember(Alias = "clusters")]
    public List<KubeConfigNamedCluster>? Clusters { get; set; }

    [YamlMember(Alias = "users")]
    public List<KubeConfigNamedUser>? Users { get; set; }

    [YamlMember(Alias = "contexts")]
    public List<KubeConfigNamedContext>? Contexts { get; set; }
}
