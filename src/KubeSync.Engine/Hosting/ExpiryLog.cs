using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Hosting;

internal static partial class ExpiryLog
{
    [LoggerMessage(1450, LogLevel.Information, "{Group}: forgot peer {Peer} ({Address}), unseen since {LastSeen:u} (timing.peerExpiry {ExpiryS} s); dropped {Dirty} dirty marks owed to it; if it returns it is refilled as a new peer")]
    public static partial void Forgot(ILogger logger, string group, string peer, string address, DateTimeOffset lastSeen, long expiryS, long dirty);

    [LoggerMessage(1451, LogLevel.Warning, "{Group}: the peer expiry sweep failed, retried in {PeriodMs} ms: {Reason}")]
    public static partial void SweepFailed(ILogger logger, string group, long periodMs, string reason);
}
