using System.ComponentModel;
using System.Diagnostics;
using System.Text;

using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Actions;

/// <summary>
/// Runs an <c>exec</c> action: the command in the sidecar's container, in the group's root, with <c>%%</c> expanded by
/// <see cref="ActionArguments"/>. At the timeout the whole process tree is killed. The output (stdout, then stderr,
/// each capped) goes into the result and, when <c>logfile</c> is set, is appended there after a header line.
/// </summary>
public sealed class ExecActionRunner : IActionRunner
{
    /// <summary>Most output kept per run (stdout and stderr each).</summary>
    public const int OutputLimit = 16 * 1024;

    /// <summary>How long to keep reading output after the process exited: a daemon it started may hold the pipe open.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;

    public ExecActionRunner(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    public bool CanRun(ActionConfig action) => action.Exec is not null;

    public async Task<ActionRunResult> RunAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        var action = invocation.Action;
        var argv = ActionArguments.Expand(action.Exec ?? throw new ArgumentException($"action {action.Name} is not an exec action", nameof(invocation)), invocation.Paths);
        var started = Stopwatch.GetTimestamp();
        using var process = new Process { StartInfo = StartInfo(invocation, argv) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            var failed = new ActionRunResult(ActionRunOutcome.Failed, null, "", Stopwatch.GetElapsedTime(started), $"cannot start {argv[0]}: {e.Message}");
            return await AppendLogAsync(invocation, failed, cancellationToken);
        }

        process.StandardInput.Close();
        var stdout = ReadCappedAsync(process.StandardOutput);
        var stderr = ReadCappedAsync(process.StandardError);
        using var timeout = new CancellationTokenSource(action.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }

        var output = Join(await Drain(stdout), await Drain(stderr));
        var duration = Stopwatch.GetElapsedTime(started);
        var result = timedOut
            ? new ActionRunResult(ActionRunOutcome.TimedOut, null, output, duration, $"{argv[0]}: no exit after {action.Timeout.TotalSeconds:0.#} s; process tree killed")
            : process.ExitCode == 0
                ? new ActionRunResult(ActionRunOutcome.Succeeded, 0, output, duration, null)
                : new ActionRunResult(ActionRunOutcome.Failed, process.ExitCode, output, duration, $"{argv[0]} exited with {process.ExitCode}");
        return await AppendLogAsync(invocation, result, cancellationToken);
    }

    private static ProcessStartInfo StartInfo(ActionInvocation invocation, IReadOnlyList<string> argv)
    {
        var info = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = invocation.Root ?? "",
        };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBESYNC_GROUP"] = invocation.Group;
        info.Environment["KUBESYNC_ACTION"] = invocation.Action.Name;
        return info;
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            kept.Append(buffer, 0, Math.Min(read, OutputLimit - kept.Length));
        }

        return kept.ToString();
    }

    private static async Task<string> Drain(Task<string> reading)
    {
        try
        {
            return await reading.WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            return "(output not closed: a process the action started keeps it open)\n";
        }
    }

    private static string Join(string stdout, string stderr) =>
        stderr.Length == 0 ? stdout : stdout.Length == 0 || stdout.EndsWith('\n') ? stdout + stderr : $"{stdout}\n{stderr}";

    /// <summary>Appends the run to the action's <c>logfile</c>; a log that cannot be written is noted in the result, not fatal.</summary>
    private async Task<ActionRunResult> AppendLogAsync(ActionInvocation invocation, ActionRunResult result, CancellationToken cancellationToken)
    {
        if (invocation.Action.LogFile is not { } logFile)
        {
            return result;
        }

        var header = $"{_time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} group {invocation.Group} action {invocation.Action.Name}: {result.Outcome}"
            + $"{(result.ExitCode is { } code ? $" (exit {code})" : "")} in {result.Duration.TotalMilliseconds:0} ms, {invocation.Paths.Count} paths"
            + $"{(result.Message is null ? "" : $": {result.Message}")}\n";
        var output = result.Output.Length == 0 || result.Output.EndsWith('\n') ? result.Output : result.Output + "\n";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
            await File.AppendAllTextAsync(logFile, header + output, cancellationToken);
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return result with { Message = $"{(result.Message is null ? "" : result.Message + "; ")}cannot write logfile {logFile}: {e.Message}" };
        }
    }
}
