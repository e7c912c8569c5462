namespace KubeSync.Testing.Emulation.Networking;

/// <summary>A pod's network: its IP, and for namespace networking its netns and the host end of its veth pair.</summary>
/// <param name="Launch">The argv prefix that runs a program inside the pod's network (empty on loopback).</param>
internal sealed record PodSandbox(string IP, string? NetworkNamespace, string? HostVeth, IReadOnlyList<string> Launch);
