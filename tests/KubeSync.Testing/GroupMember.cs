using System.Diagnostics;

namespace KubeSync.Testing;

/// <summary>One member of a <see cref="MemberGroup"/>: its directory, config and current <c>kubesync run</c> process.</summary>
internal sealed class GroupMember
{
    private readonly CapturedOutput _log = new();

    public GroupMember(string name, string directory, MemberOptions options, int port, int adminPort)
    {
        Name = name;
        Directory = directory;
        Options = options;
        Port = port;
        AdminPort = adminPort;
        System.IO.Directory.CreateDirectory(Root);
    }

    public string Name { get; }

    public string Directory { get; }

    public MemberOptions Options { get; set; }

    public int Port { get; }

    /// <summary>The loopback port of the member's admin endpoint (/metrics /healthz /readyz /status).</summary>
    public int AdminPort { get; }

    public Uri AdminUri => new($"http://127.0.0.1:{AdminPort}/");

    public string Root => Path.Combine(Directory, "root");

    public string ConfigPath => Path.Combine(Directory, "kubesync.yaml");

    public string PidFile => Path.Combine(Root, ".kubesync", "kubesync.pid");

    public string Endpoint => $"{Name}={Options.Address}:{Port}";

    public Process? Process { get; private set; }

    public bool IsRunning => Process is { HasExited: false };

    /// <summary>Everything the member's processes printed, restarts marked.</summary>
    public string Log => _log.Text;

    public void Start()
    {
        var process = KubeSyncProcess.Start(["--config", ConfigPath, "run"], Directory, prefix: Options.Prefix);
        _log.Append($"--- {DateTime.UtcNow:HH:mm:ss.fff} started {Name} (pid {process.Id})");
        _log.Attach(process);
        Process = process;
    }

    /// <summary>The member has registered its signal handlers and bound its socket: it wrote its own id to the pid file.</summary>
    public bool IsStarted()
    {
        if (Process is not { } process)
        {
            return false;
        }

        try
        {
            return File.Exists(PidFile) && File.ReadAllText(PidFile).Trim() == process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="signal"/> (a <c>kill</c> name: TERM, HUP, USR1) to the running process.</summary>
    public async Task SignalAsync(string signal)
    {
        if (Process is not { HasExited: false } process)
        {
            throw new InvalidOperationException($"{Name} is not running; cannot send SIG{signal}\n{Log}");
        }

        using var kill = System.Diagnostics.Process.Start(new ProcessStartInfo("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} failed for {Name}");
        }
    }

    /// <summary>Waits for the process to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        if (Process is not { } process)
        {
            throw new InvalidOperationException($"{Name} was not started");
        }

        await process.WaitForExitAsync().WaitAsync(timeout);
        _log.Append($"--- {DateTime.UtcNow:HH:mm:ss.fff} {Name} exited (exit {process.ExitCode})");
        var code = process.ExitCode;
        process.Dispose();
        Process = null;
        return code;
    }

    /// <summary>SIGKILL: no cleanup, no finally blocks.</summary>
    public async Task KillAsync()
    {
        if (Process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _log.Append($"--- {DateTime.UtcNow:HH:mm:ss.fff} killed {Name} (exit {process.ExitCode})");
        process.Dispose();
        Process = null;
    }
}
