using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Peers;

internal static partial class HostLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "accepting a connection failed: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused a connection from {Remote} ({Label}): {Reason}")]
    public static partial void Refused(ILogger logger, string remote, string label, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: {Host}:{Port} should be {Expected} but is {Actual}; check peers.static")]
    public static partial void UnexpectedNode(ILogger logger, string group, string host, int port, string expected, string actual);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: {Host}:{Port} refused us ({Label}): {Reason}")]
    public static partial void DialRefused(ILogger logger, string group, string host, int port, string label, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Group}: peer {Host}:{Port} is not reachable yet ({Reason}); retrying with backoff")]
    public static partial void Unreachable(ILogger logger, string group, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group}: cannot resolve {Name}: {Reason}")]
    public static partial void ResolveFailed(ILogger logger, string group, string name, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "a connection from {Remote} was this member itself (an address of its own among the peers); closed")]
    public static partial void ReachedItself(ILogger logger, string remote);
}
