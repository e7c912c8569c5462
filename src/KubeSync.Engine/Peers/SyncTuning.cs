namespace KubeSync.Engine.Peers;

/// <summary>The knobs of a peer session. Defaults suit a real group; tests shorten the periods.</summary>
public sealed record SyncTuning
{
    /// <summary>Offers in flight per connection: thousands of small files cost a few round trips, not thousands.</summary>
    public int OfferWindow { get; init; } = 512;

    /// <summary>Owed rows read from the state per page by the pusher.</summary>
    public int OwedPage { get; init; } = 2048;

    /// <summary>Index entries per IndexBatch (also bounded by the frame limit).</summary>
    public int IndexPage { get; init; } = 4096;

    /// <summary>Large-file transfers encoded at the same time per connection.</summary>
    public int ConcurrentEncodes { get; init; } = 2;

    /// <summary>Period of the incremental index exchange (pull) with each connected peer.</summary>
    public TimeSpan PullInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Ping period on an idle connection.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection on which nothing arrived for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>A path whose offer was refused or failed is offered again after this long.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time allowed for the TLS and protocol handshakes of a new connection.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Received rows recorded per state transaction at most.</summary>
    public int ReceiveBatch { get; init; } = 512;

    /// <summary>
    /// The configured periods: <c>timing.pull</c>, <c>timing.handshake</c> and <c>timing.idle</c>. An idle connection is
    /// pinged every 10 s, or every third of <c>timing.idle</c> when that is shorter, so a live one is never closed.
    /// </summary>
    public static SyncTuning FromConfig(Contracts.Configuration.TimingConfig timing)
    {
        ArgumentNullException.ThrowIfNull(timing);
        var ping = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, timing.Idle.Ticks / 3));
        return new SyncTuning { PullInterval = timing.Pull, HandshakeTimeout = timing.Handshake, IdleTimeout = timing.Idle, PingInterval = ping };
    }
}
