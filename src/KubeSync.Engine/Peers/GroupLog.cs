using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Peers;

internal static partial class GroupLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: ready ({Why})")]
    public static partial void Ready(ILogger logger, string group, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: scan failed: {Reason}")]
    public static partial void ScanFailed(ILogger logger, string group, string reason);
}
