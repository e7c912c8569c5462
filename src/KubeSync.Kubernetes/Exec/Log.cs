using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Exec;

/// <summary>Event ids 5300-5399.</summary>
internal static partial class Log
{
    [LoggerMessage(5300, LogLevel.Debug, "Exec in {Namespace}/{Pod} ({Container}) over {Protocol} ended: {Outcome} {ExitCode}")]
    public static partial void Ended(ILogger logger, string? @namespace, string pod, string? container, string? protocol, ExecOutcome outcome, int? exitCode);

    [LoggerMessage(5301, LogLevel.Warning, "Exec in {Namespace}/{Pod} failed: {Message}")]
    public static partial void Failed(ILogger logger, string? @namespace, string pod, string message);
}
