namespace KubeSync.Contracts.Configuration;

/// <summary><c>timing</c>: durations are written like <c>20ms</c>, <c>10m</c>, <c>1h30m</c>.</summary>
public sealed class TimingConfig
{
    /// <summary><c>timing.debounce</c>: quiet time before watched changes are scanned.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary><c>timing.rescan</c>: period of the full safety-net rescan.</summary>
    public TimeSpan Rescan { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>timing.peerExpiry</c>: a peer unseen this long is forgotten with its dirty rows.</summary>
    public TimeSpan PeerExpiry { get; init; } = TimeSpan.FromHours(1);

    /// <summary><c>timing.pull</c>: period of the incremental index exchange with each peer, and of DNS re-resolution.</summary>
    public TimeSpan Pull { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>timing.drain</c>: how long shutdown may spend pushing what is dirty.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary><c>timing.handshake</c>: time allowed for the TLS and protocol handshakes of a new peer connection.</summary>
    public TimeSpan Handshake { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>timing.idle</c>: a peer connection on which nothing arrived for this long is closed (idle ones are pinged).</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(45);
}
