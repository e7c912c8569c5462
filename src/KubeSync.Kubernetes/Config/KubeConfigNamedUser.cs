using YamlDotNet.Serialization;

namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigNamedUser
{
    [YamlMember(Alias = "name")]
    public string? Name { get; set; }

    [YamlMember(Alias = "user")]
    public KubeConfigUser? User { get; set; }
}
