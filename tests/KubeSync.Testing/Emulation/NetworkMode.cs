namespace KubeSync.Testing.Emulation;

/// <summary>How emulated pods get their addresses.</summary>
public enum NetworkMode
{
    /// <summary><see cref="Namespaces"/> when running as root with <c>ip netns</c> working, else <see cref="Loopback"/>.</summary>
    Auto,

    /// <summary>
    /// Each pod in its own network namespace with its own IP on a bridge (10.244.N.0/24) in the root namespace, as a
    /// CNI bridge plugin does. Needs root.
    /// </summary>
    Namespaces,

    /// <summary>
    /// No network namespaces: each pod gets its own loopback address (127.0.N.M; the whole 127.0.0.0/8 is local on
    /// Linux), so every pod can use the same ports as long as it binds its pod IP rather than 0.0.0.0.
    /// </summary>
    Loopback,
}
