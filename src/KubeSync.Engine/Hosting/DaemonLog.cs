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

    [LoggerMessage(1400, LogLevel.Information, "{Group}: resumed {Count} actions left pending by the last run")]
    public static partial void ActionsResumed(ILogger logger, string group, int count);

    [LoggerMessage(1401, LogLevel.Error, "{Group}: the action scheduler failed: {Reason}")]
    public static partial void ActionsFailed(ILogger logger, string group, string reason);

    [LoggerMessage(1402, LogLevel.Information, "stopping: no new local changes; pushing what is owed and running due actions for at most {DrainMs} ms")]
    public static partial void Draining(ILogger logger, long drainMs);

    [LoggerMessage(1403, LogLevel.Information, "drained in {Ms} ms: nothing owed to connected peers, no action pending")]
    public static partial void Drained(ILogger logger, long ms);

    [LoggerMessage(1404, LogLevel.Warning, "{Group}: stopping with {Count} paths still owed to {Peer}; they are pushed after the next start")]
    public static partial void LeftOwed(ILogger logger, string group, string peer, long count);

    [LoggerMessage(1405, LogLevel.Warning, "{Group}: stopping with action {Action} still pending ({Paths} paths); it runs after the next start")]
    public static partial void LeftPending(ILogger logger, string group, string action, int paths);

    [LoggerMessage(1406, LogLevel.Information, "config reloaded from {File} ({Trigger}): {Changes} changed")]
    public static partial void Reloaded(ILogger logger, string file, string trigger, string changes);

    [LoggerMessage(1407, LogLevel.Warning, "config {File}: {Keys} changed but only take effect after a restart; the running values stay")]
    public static partial void NeedsRestart(ILogger logger, string file, string keys);

    [LoggerMessage(1408, LogLevel.Error, "config {File} rejected ({Trigger}), the running config stays: {Reason}")]
    public static partial void ReloadRejected(ILogger logger, string file, string trigger, string reason);

    [LoggerMessage(1409, LogLevel.Information, "config {File} re-read ({Trigger}): nothing to change")]
    public static partial void ReloadUnchanged(ILogger logger, string file, string trigger);

    [LoggerMessage(1410, LogLevel.Information, "{Group}: sync rules changed; watching again and rescanning everything")]
    public static partial void RulesChanged(ILogger logger, string group);

    [LoggerMessage(1411, LogLevel.Debug, "memory {When}: working set {WorkingSetMiB} MiB, GC heap {HeapMiB} MiB, committed {CommittedMiB} MiB, fragmented {FragmentedMiB} MiB, generations (KiB) {Generations}, {Gen0} gen0 and {Gen2} gen2 collections")]
    public static partial void Memory(ILogger logger, string when, long workingSetMiB, long heapMiB, long committedMiB, long fragmentedMiB, string generations, int gen0, int gen2);
}
