namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>Where a container sits in the pod's lifecycle.</summary>
internal enum ContainerKind
{
    /// <summary>A plain init container: runs to completion, in order, before anything after it.</summary>
    Init,

    /// <summary>A native sidecar (init container with <c>restartPolicy: Always</c>): started in order, must be started (startup probe) before the next.</summary>
    Sidecar,

    /// <summary>An app container: all start together once the init containers are done.</summary>
    App,
}
