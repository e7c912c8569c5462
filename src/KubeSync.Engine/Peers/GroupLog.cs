using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Peers;

internal static partial class GroupLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: ready ({Why})")]
    public static partial void Ready(ILogger logger, string group, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: scan failed: {Reason}")]
    public static partial void ScanFailed(ILogger logger, string group, string reason);

    [LoggerMessage(1104, LogLevel.Warning, "{Group}: {Changed} paths changed; actions see only the first {Kept}")]
    public static partial void TooManyChangedPaths(ILogger logger, string group, long changed, int kept);

    [LoggerMessage(1105, LogLevel.Debug, "{Group}: the signature of {Path} was not kept: {Reason}")]
    public static partial void SignatureNotKept(ILogger logger, string group, KubeSync.Engine.Paths.SyncPath path, string reason);
}
