using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>actions[].signal</c>: a signal to a process of the app container, found by name or pid file. The operator turns on
/// <c>shareProcessNamespace</c> for the pod so that the sidecar sees the app's processes.
/// </summary>
[SchemaRule("has(self.process) != has(self.pidFile)", "signal: set exactly one of process and pidFile")]
public sealed class SignalAction
{
    /// <summary>Process name (its comm or the file name of argv[0]); of a tree of such processes the top one is signalled.</summary>
    [SchemaLength(1, 256)]
    public string? Process { get; set; }

    /// <summary>A file holding the process id, on a volume the sidecar also mounts.</summary>
    [SchemaPattern("^/")]
    public string? PidFile { get; set; }

    /// <summary>Which signal.</summary>
    [SchemaEnum("HUP", "INT", "QUIT", "USR1", "USR2", "TERM", "WINCH", "CONT", "STOP", "KILL")]
    public string Signal { get; set; } = "HUP";

    /// <summary>The app container the process runs in; when set, the operator checks that the pod template has it.</summary>
    [SchemaLength(1, 63)]
    public string? Container { get; set; }
}
