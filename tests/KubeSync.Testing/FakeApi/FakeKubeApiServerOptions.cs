namespace KubeSync.Testing.FakeApi;

public sealed class FakeKubeApiServerOptions
{
    /// <summary>The bearer token the server accepts; random when null.</summary>
    public string? Token { get; set; }

    /// <summary>Clock for creationTimestamp and managedFields times.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How often watches that asked for bookmarks get one (the real server: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>False: after the exec Status the server waits for the client to close, as a slow server may.</summary>
    public bool ExecClosesAfterStatus { get; set; } = true;

    /// <summary>The exec subprotocols the server accepts, in its order of preference.</summary>
    public IReadOnlyList<string> ExecProtocols { get; set; } = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
}
