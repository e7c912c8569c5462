using KubeSync.Contracts.Configuration;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Peers;

internal static partial class PeerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: peer {Peer} connected ({How}, protocol v{Version})")]
    public static partial void Connected(ILogger logger, string group, string peer, string how, int version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Group}: a connection with {Peer} already exists; closing the new one")]
    public static partial void DuplicateClosed(ILogger logger, string group, string peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Group}: observer {Peer} disconnected: {Reason}")]
    public static partial void ObserverDisconnected(ILogger logger, string group, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: peer {Peer} disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, string group, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Group}: peer {Peer} closed the connection: {Reason}")]
    public static partial void Closed(ILogger logger, string group, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: connection with {Peer} lost: {Reason}")]
    public static partial void Lost(ILogger logger, string group, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: closing the connection with {Peer} ({Label}): {Reason}")]
    public static partial void ProtocolFailure(ILogger logger, string group, string peer, string label, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: conflict on {Path} with {Peer}: both keep their version (auto: none); settle it with `kubesync force {Path}` on the member whose version should win")]
    public static partial void ConflictKept(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: conflict on {Path} settled by auto: {Policy}; {Winner}'s version wins (with {Peer})")]
    public static partial void ConflictResolved(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, ConflictPolicy policy, string winner, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: kept the losing version as {Path}")]
    public static partial void ConflictCopy(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: receive-only member: a local change to {Path} is replaced by {Peer}'s version")]
    public static partial void ReceiveOnlyOverwrite(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: {Path}: {Peer}'s newer version replaces the {Old} here by a {New}")]
    public static partial void TypeReplaced(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, KubeSync.Engine.FileSystem.EntryType old, KubeSync.Engine.FileSystem.EntryType @new, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: conflict on {Path} with {Peer}: the newer version is a file or symlink, but the directory it replaces holds changes the replacing member has not seen; settle it by removing them, or with `kubesync force {Path}` on the member holding the directory")]
    public static partial void TypeConflict(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: could not apply {Path} from {Peer}: {Reason}")]
    public static partial void ApplyFailed(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: could not apply {Count} more paths from {Peer} in the last {Seconds} s (not logged one by one); the last: {Reason}")]
    public static partial void ApplyFailuresSummed(ILogger logger, string group, int count, string peer, int seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: {Peer} refused the last {Count} offers in a row (the last: {Reason}); offering them again every {Seconds} s until it takes one")]
    public static partial void PeerRefusesOffers(ILogger logger, string group, string peer, int count, string reason, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: {Peer} refused {Path}: {Reason}; offered again later")]
    public static partial void OfferRefused(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Group}: {Peer} will not send {Path}: {Reason}")]
    public static partial void WantRefused(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, string peer, string reason);
}
