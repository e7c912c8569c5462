using YamlDotNet.Serialization;

namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigNamedContext
{
    [YamlMember(Alias = "name")]
    public string? Name { get; set; }

    [YamlMember(Alias = "context")]
    public KubeConfigContext? Context { get; set; }
}
