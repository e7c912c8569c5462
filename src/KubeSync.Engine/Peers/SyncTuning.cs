using KubeSync.Engine.FileSystem;

namespace KubeSync.Engine.Peers;

/// <summary>The knobs of a peer session. Defaults suit a real group; tests shorten the periods.</summary>
public sealed record SyncTuning
{
    /// <summary>
    /// Offers in flight per connection: thousands of small files cost a few round trips, not thousands. Larger than
    /// the receiver's <see cref="ReceiveBatch"/>, so a burst there is cut by its limit, not by the offerer running dry.
    /// </summary>
    public int OfferWindow { get; init; } = 2048;

    /// <summary>
    /// Offers of files too large to go inline in flight per connection, within <see cref="OfferWindow"/>: the receiver
    /// holds a temp file and its old copy open for each from the offer to the end of its stream.
    /// </summary>
    public int StreamWindow { get; init; } = 256;

    /// <summary>Bulk messages (offers, delta chunks, index batches) queued unsent per connection: what bounds the offerer's memory, whatever the window.</summary>
    public int SendSlots { get; init; } = 576;

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

    /// <summary>
    /// Rows and replies per state transaction at most (an inline file counts two or three). Each flush costs two
    /// <c>syncfs</c> calls in a bulk transfer, so larger bursts fill a new member faster (the kernel tree to disk: 2048
    /// took 19.0-20.4 s, 512 took 21.0-21.8 s), but a burst's staged files each hold a descriptor until the flush: the
    /// default is an eighth of the descriptors the process may open, between 64 and 2048.
    /// </summary>
    public int ReceiveBatch { get; init; } = DefaultReceiveBatch;

    /// <summary><see cref="ReceiveBatchFor"/> this process's open-file limit (which the runtime raises to the hard limit at start).</summary>
    internal static int DefaultReceiveBatch { get; } = ReceiveBatchFor(LibC.GetRLimit(LibC.RLimitNoFile, out var limit) == 0 ? limit.Current : 1024);

    /// <summary>An eighth of <paramref name="openFileLimit"/>, between 64 and 2048.</summary>
    internal static int ReceiveBatchFor(ulong openFileLimit) => (int)Math.Clamp(openFileLimit / 8, 64UL, 2048UL);

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
