using System.Diagnostics;
using System.Globalization;

using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Actions;

/// <summary>
/// Runs a <c>signal</c> action: sends the signal to the process named by <c>process</c> (see <see cref="ProcessTable"/>)
/// or whose pid is in <c>pidFile</c>. No matching process is a failure with a message that says so (and is retried:
/// the app may be starting).
/// </summary>
public sealed class SignalActionRunner : IActionRunner
{
    private readonly string _procRoot;

    public SignalActionRunner()
        : this("/proc")
    {
    }

    internal SignalActionRunner(string procRoot)
    {
        _procRoot = procRoot;
    }

    public bool CanRun(ActionConfig action) => action.Signal is not null;

    public Task<ActionRunResult> RunAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var signal = invocation.Action.Signal ?? throw new ArgumentException($"action {invocation.Action.Name} is not a signal action", nameof(invocation));
        var started = Stopwatch.GetTimestamp();
        if (!PosixSignals.TryGetNumber(signal.Signal, out var number))
        {
            return Task.FromResult(Failed($"unknown signal {signal.Signal}"));
        }

        var (pids, notFound) = signal.PidFile is { } pidFile ? FromPidFile(pidFile) : FromName(signal.Process!);
        if (notFound is not null)
        {
            return Task.FromResult(Failed(notFound));
        }

        var errors = new List<string>();
        foreach (var pid in pids)
        {
            if (PosixSignals.Send(pid, number, out var errno) is { } error)
            {
                errors.Add(errno == PosixSignals.NotPermitted ? $"{pid} ({error}{NotPermittedHint(pid)})" : $"{pid} ({error})");
            }
        }

        var sentTo = string.Join(", ", pids);
        return Task.FromResult(errors.Count == 0
            ? new ActionRunResult(ActionRunOutcome.Succeeded, null, $"sent {signal.Signal} to {sentTo}\n", Stopwatch.GetElapsedTime(started), null)
            : Failed($"cannot send {signal.Signal} to {string.Join(", ", errors)}"));

        ActionRunResult Failed(string message) => new(ActionRunOutcome.Failed, null, "", Stopwatch.GetElapsedTime(started), message);
    }

    /// <summary>
    /// Why a signal was refused: the kernel lets a process signal only processes of its own user, unless it has
    /// CAP_KILL. Says which user to run as (a SyncGroup's <c>spec.sidecar.securityContext.runAsUser</c>).
    /// </summary>
    private string NotPermittedHint(int pid)
    {
        var owner = ProcessTable.UserOf(pid, _procRoot);
        var self = ProcessTable.UserOf(Environment.ProcessId);
        return owner is null || self is null || owner == self
            ? ": this process lacks CAP_KILL"
            : $": the process runs as UID {owner} and this sidecar as UID {self}; run the sidecar as UID {owner} (spec.sidecar.securityContext.runAsUser)";
    }

    private (IReadOnlyList<int> Pids, string? NotFound) FromName(string name)
    {
        var pids = ProcessTable.FindByName(name, _procRoot);
        return pids.Count > 0 ? (pids, null) : ([], $"no process named {name} (is shareProcessNamespace set?)");
    }

    private (IReadOnlyList<int> Pids, string? NotFound) FromPidFile(string pidFile)
    {
        string text;
        try
        {
            text = File.ReadAllText(pidFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ([], $"cannot read pid file {pidFile}: {e.Message}");
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
        {
            return ([], $"pid file {pidFile} holds no pid");
        }

        return ProcessTable.IsAlive(pid, _procRoot) ? ([pid], null) : ([], $"no process {pid} (from pid file {pidFile})");
    }
}
