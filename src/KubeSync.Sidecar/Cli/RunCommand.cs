using System.CommandLine;
using System.Runtime.InteropServices;

using KubeSync.Engine.Hosting;
using KubeSync.Sidecar.Admin;

using Microsoft.Extensions.Logging;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync run</c>: the daemon. Serves peers, scans on start and every <c>timing.rescan</c>; SIGUSR1 asks for a
/// scan now (what <c>kubesync sync</c> sends a running daemon); SIGHUP reloads the config (as does a change of the
/// file, unless <c>watchConfig: false</c>); SIGTERM or Ctrl-C stops it. The admin endpoint
/// (<c>admin</c>) serves /metrics, /healthz, /readyz and /status while it runs.
/// </summary>
internal static class RunCommand
{
    /// <summary>SIGUSR1 on Linux.</summary>
    private const int SigUsr1 = 10;

    /// <summary>File in each group's state directory holding the daemon's process id.</summary>
    public const string PidFileName = "kubesync.pid";

    /// <summary>The pid of a live <c>kubesync run</c> serving <paramref name="group"/> (its pid file names a running process), or null.</summary>
    internal static int? LiveDaemonPid(Contracts.Configuration.GroupConfig group)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(group.StateDir, PidFileName)).Trim();
            return int.TryParse(text, out var pid) && Directory.Exists($"/proc/{pid}") ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static Command Create()
    {
        var command = new Command("run", "Run the member: serve peers, scan on start and every timing.rescan, push and pull changes (SIGUSR1: scan now; SIGHUP: reload the config)");
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, async ctx =>
        {
            var config = ctx.LoadConfig();
            using var loggers = new StderrLoggerFactory(ctx.Error, parse.GetValue(CliContext.VerboseOption) ? LogLevel.Debug : LogLevel.Information);
            await using var daemon = await SyncDaemon.StartAsync(config, loggers, cancellationToken: cancellationToken);
            await using var admin = await AdminServer.StartAsync(daemon, loggers, cancellationToken);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            using var usr1 = PosixSignalRegistration.Create((PosixSignal)SigUsr1, signal =>
            {
                signal.Cancel = true;
                daemon.RequestScan();
            });
            using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
            {
                signal.Cancel = true;
                daemon.RequestReload("SIGHUP");
            });
            var pidFiles = config.Groups.Select(g => Path.Combine(g.StateDir, PidFileName)).ToList();
            foreach (var file in pidFiles)
            {
                await File.WriteAllTextAsync(file, $"{Environment.ProcessId}\n", cancellationToken);
            }

            try
            {
                await daemon.RunAsync(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // SIGTERM or Ctrl-C: a clean stop.
            }
            finally
            {
                foreach (var file in pidFiles)
                {
                    File.Delete(file);
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
