using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Hosting;

internal static partial class DaemonLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "member {Node} listening on {Address} ({Security})")]
    public static partial void Listening(ILogger logger, string node, System.Net.IPEndPoint? address, string security);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: scanned {Entries} entries in {Ms} ms: {Created} new, {Modified} changed, {Deleted} deleted")]
    public static partial void Scanned(ILogger logger, string group, long entries, long created, long modified, long deleted, long ms);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: removed {Count} temp files left by interrupted transfers")]
    public static partial void TempRemoved(ILogger logger, string group, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot remove the stale temp file {File}: {Reason}")]
    public static partial void TempNotRemoved(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused a peer certificate: {Reason}")]
    public static partial void CertificateRejected(ILogger logger, string reason);
}
