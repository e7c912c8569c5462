using Microsoft.Extensions.Logging;

namespace KubeSync.Operator.Reconciling;

/// <summary>Operator log messages; event ids 6000-6099 reconciling, 6100-6199 controller and hosting.</summary>
internal static partial class OperatorLog
{
    [LoggerMessage(6000, LogLevel.Information, "SyncGroup {Namespace}/{Name}: applied the sidecar to {Workload}")]
    public static partial void Applied(ILogger logger, string @namespace, string name, string workload);

    [LoggerMessage(6001, LogLevel.Warning, "SyncGroup {Namespace}/{Name} is degraded ({Reason}): {Message}")]
    public static partial void Degraded(ILogger logger, string @namespace, string name, string reason, string message);

    [LoggerMessage(6002, LogLevel.Information, "SyncGroup {Namespace}/{Name}: removed the sidecar from {Workload}")]
    public static partial void Removed(ILogger logger, string @namespace, string name, string workload);

    [LoggerMessage(6003, LogLevel.Information, "SyncGroup {Namespace}/{Name}: credentials {Change}")]
    public static partial void Credentials(ILogger logger, string @namespace, string name, string change);

    [LoggerMessage(6004, LogLevel.Debug, "SyncGroup {Namespace}/{Name}: the object changed meanwhile (409), trying again")]
    public static partial void Conflict(ILogger logger, string @namespace, string name);

    [LoggerMessage(6005, LogLevel.Debug, "SyncGroup {Namespace}/{Name}: member {Pod} status unavailable: {Reason}")]
    public static partial void MemberUnavailable(ILogger logger, string @namespace, string name, string pod, string reason);

    [LoggerMessage(6100, LogLevel.Error, "reconciling {Key} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string key, int attempt, TimeSpan delay);

    [LoggerMessage(6101, LogLevel.Information, "leading: watching SyncGroups{Scope}")]
    public static partial void Leading(ILogger logger, string scope);

    [LoggerMessage(6102, LogLevel.Warning, "leadership lost: stopping so that a new process starts as a follower")]
    public static partial void LeadershipLost(ILogger logger);

    [LoggerMessage(6103, LogLevel.Information, "cluster version {Version}: {Mode} sidecars by default")]
    public static partial void ClusterVersion(ILogger logger, string version, string mode);
}
