using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>Starting, watching and stopping the container's process.</summary>
internal sealed partial class ContainerRunner
{
    private Process? _process;
    private int? _mainPid;
    private bool _inProcessNamespace;
    private Dictionary<string, string>? _environment;
    private ContainerUser? _user;

    private readonly record struct Ran(int ExitCode, TimeSpan Duration);

    /// <summary>One run of the container; null when it could not start (config error; already waited a little).</summary>
    private async Task<Ran?> RunOnceAsync(CancellationToken stop)
    {
        var fields = new ContainerEnvironment.PodFields(_pod.Pod, _pod.Sandbox.IP, _pod.HostIP, _pod.NodeName);
        var (environment, error) = ContainerEnvironment.Build(Container, Image, fields, _pod.Snapshot);
        if (error is not null)
        {
            SetState(Waiting("CreateContainerConfigError", error), ready: false);
            await _pod.WaitForSnapshotAsync(TimeSpan.FromSeconds(1), stop);
            return null;
        }

        if (Image is null)
        {
            return await PretendAsync(stop);
        }

        Process process;
        int mainPid;
        var marker = Path.Combine(_pod.Directory, "started", $"{Name}.{Guid.NewGuid():N}");
        ProcessNamespace? ownProcesses = null;
        try
        {
            // Without shareProcessNamespace each run of the container has a PID namespace of its own, as with a runtime.
            ownProcesses = _pod.SharedProcesses is null && ProcessNamespace.IsAvailable ? await ProcessNamespace.StartAsync(stop) : null;
            var processes = _pod.SharedProcesses ?? ownProcesses;
            process = StartProcess(environment!, marker, processes);
            await WaitForExecAsync(process, marker, stop);

            // nsenter forks the container's process into the namespace and waits for it: that child is the container.
            mainPid = processes is null ? process.Id : ProcessNamespace.ChildOf(process.Id) ?? process.Id;
            lock (_lock)
            {
                _mainPid = mainPid;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or NotSupportedException or TimeoutException)
        {
            ownProcesses?.Dispose();
            SetState(new JsonObject { ["terminated"] = Terminated(128, "StartError", e.Message, DateTimeOffset.UtcNow) }, ready: false);
            _pod.Journal.Write($"kubelet: {_pod.Name}/{Name} could not start: {e.Message}");
            return new Ran(128, TimeSpan.Zero);
        }
        catch
        {
            // Stopped while starting: the namespace's PID 1 goes, and with it whatever had started in it.
            ownProcesses?.Dispose();
            throw;
        }

        var startedAt = DateTimeOffset.UtcNow;
        using (ownProcesses)
        using (process)
        {
            SetState(new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Time(startedAt) } }, ready: false, started: false, containerId: $"emulated://{mainPid.ToString(CultureInfo.InvariantCulture)}");
            _pod.Journal.Write($"kubelet: {_pod.Name}/{Name} started (pid {mainPid})");
            using var probing = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var probes = ProbeAsync(probing.Token);
            var exited = process.WaitForExitAsync(CancellationToken.None);
            var stopped = Task.Delay(Timeout.Infinite, stop);
            var first = await Task.WhenAny(exited, probes, stopped);
            string? killedFor = first == probes ? await probes : null;
            if (!exited.IsCompleted)
            {
                await TerminateAsync(process, mainPid, killedFor is null ? _grace : _pod.GracePeriod);
            }

            await probing.CancelAsync();
            await probes.ContinueWith(_ => { }, TaskScheduler.Default);
            await exited;
            var code = process.ExitCode;
            var reason = code == 0 && killedFor is null ? "Completed" : "Error";
            SetState(new JsonObject { ["terminated"] = Terminated(code, reason, killedFor, startedAt) }, ready: false);
            _pod.Journal.Write($"kubelet: {_pod.Name}/{Name} exited {code}{(killedFor is null ? "" : $" (killed: {killedFor})")}");
            lock (_lock)
            {
                _process = null;
                _mainPid = null;
            }

            return new Ran(code, DateTimeOffset.UtcNow - startedAt);
        }
    }

    private async Task<Ran?> PretendAsync(CancellationToken stop)
    {
        var startedAt = DateTimeOffset.UtcNow;
        if (Kind == ContainerKind.Init)
        {
            SetState(new JsonObject { ["terminated"] = Terminated(0, "Completed", "pretend: image not in the emulator's table", startedAt) }, ready: false, started: false);
            return new Ran(0, TimeSpan.Zero);
        }

        SetState(new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Time(startedAt) } }, ready: true, started: true, containerId: $"emulated://pretend-{Name}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        SetState(new JsonObject { ["terminated"] = Terminated(0, "Completed", null, startedAt) }, ready: false);
        return new Ran(0, DateTimeOffset.UtcNow - startedAt);
    }

    /// <summary>Until the launch script has made its mounts and execs the program (or has failed): only then does the container run.</summary>
    private static async Task WaitForExecAsync(Process process, string marker, CancellationToken stop)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(marker) && !process.HasExited && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(5, stop);
        }

        File.Delete(marker);
    }

    private Process StartProcess(Dictionary<string, string> environment, string marker, ProcessNamespace? processes)
    {
        string? Lookup(string name) => environment.GetValueOrDefault(name);
        var command = Container.Command?.Select(c => VariableExpansion.Expand(c, Lookup)).ToList();
        var args = Container.Args?.Select(a => VariableExpansion.Expand(a, Lookup)).ToList();
        var argv = Image!.Argv(command, args);
        var workingDirectory = Container.AdditionalProperties?.TryGetValue("workingDir", out var dir) == true && dir.GetString() is { Length: > 0 } wd ? wd : Image.WorkingDirectory ?? "/";
        var mounts = MountPlan.For(Container, _pod.Pod, _pod.Volumes, _pod.Directory);
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        var user = ContainerUser.For(Container, _pod.Pod);
        var script = MountPlan.Script(mounts, ContainerEnvironment.Hostname(_pod.Pod), workingDirectory, _pod.Targets, marker, user, mountProc: processes is not null);
        List<string> launch = [.. _pod.Sandbox.Launch, .. processes?.Enter ?? [], "unshare", "--mount", "--uts", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", .. argv];

        var info = new ProcessStartInfo(launch[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in launch.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {launch[0]}");
        var prefix = $"{_pod.Name}/{Name}: ";
        process.OutputDataReceived += (_, e) => Output(prefix, e.Data);
        process.ErrorDataReceived += (_, e) => Output(prefix, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_lock)
        {
            _process = process;
            _environment = environment;
            _user = user;
            _inProcessNamespace = processes is not null;
        }

        Log.Append($"--- {DateTime.UtcNow:HH:mm:ss.fff} started pid {process.Id}: {string.Join(' ', argv)}");
        return process;
    }

    private void Output(string prefix, string? line)
    {
        if (line is null)
        {
            return;
        }

        Log.Append(line);
        _pod.Output(prefix + line);
    }

    /// <summary>SIGTERM to the container's process <paramref name="mainPid"/>, then SIGKILL to the whole tree once <paramref name="grace"/> has passed.</summary>
    private static async Task TerminateAsync(Process process, int mainPid, TimeSpan grace)
    {
        if (grace > TimeSpan.Zero && Signals.Send(mainPid, Signals.Term))
        {
            try
            {
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(grace);
                return;
            }
            catch (TimeoutException)
            {
                // Grace period over.
            }
        }

        // The container's process first, so that its parent (nsenter, in a PID namespace) reaps it and exits; then
        // whatever of the tree is left.
        if (mainPid != process.Id && Signals.Send(mainPid, Signals.Kill))
        {
            try
            {
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // nsenter did not pass the exit on: the tree goes below.
            }
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }

        await process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Runs <paramref name="command"/> in the container's namespaces (mount, UTS, network, PID) with its environment and user.</summary>
    public async Task<Networking.HostCommand.Result> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        int pid;
        Dictionary<string, string> environment;
        ContainerUser? user;
        bool inProcessNamespace;
        lock (_lock)
        {
            if (_process is not { HasExited: false } || _mainPid is not { } mainPid || _environment is null)
            {
                throw new InvalidOperationException($"container {Name} of pod {_pod.Name} has no running process (image {Container.Image} {(Image is null ? "pretends to run" : "is not running")})");
            }

            pid = mainPid;
            environment = _environment;
            user = _user;
            inProcessNamespace = _inProcessNamespace;
        }

        List<string> args = ["--target", pid.ToString(CultureInfo.InvariantCulture), "--mount", "--uts", "--net", .. inProcessNamespace ? ["--pid"] : Array.Empty<string>(), .. user?.NsenterOptions() ?? [], "--", .. command];
        return await Networking.HostCommand.RunAsync("nsenter", args, cancellationToken, timeout, environment);
    }

    private static JsonObject Terminated(int code, string reason, string? message, DateTimeOffset startedAt)
    {
        var terminated = new JsonObject { ["exitCode"] = code, ["reason"] = reason, ["startedAt"] = Time(startedAt), ["finishedAt"] = Time(DateTimeOffset.UtcNow) };
        if (message is not null)
        {
            terminated["message"] = message;
        }

        return terminated;
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
