using System.CommandLine;
using System.Diagnostics;

using KubeSync.Engine.Hosting;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync sync</c>: csync2 <c>-x</c>. With a daemon running for the groups, it asks the daemon to scan now
/// (SIGUSR1) and waits until nothing is owed; without one, it scans, connects to the peers itself, pushes and
/// pulls, and stops when every peer has settled. Exit 0 when nothing is owed at the end, 1 otherwise.
/// </summary>
internal static class SyncCommand
{
    public static Command Create()
    {
        var timeout = CliOptions.Timeout(TimeSpan.FromSeconds(30), "Give up after this long (e.g. 30s, 2m)");
        var progress = CliOptions.DurationOption("--progress", TimeSpan.FromSeconds(5), "While waiting, say on stderr what is still owed this often (0: never)");
        var command = new Command("sync", "Check and push now (csync2 -x): through the running daemon if there is one, else by connecting to the peers") { timeout, progress };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, async ctx =>
        {
            var config = ctx.LoadConfig();
            var limit = parse.GetValue(timeout);
            var every = parse.GetValue(progress);
            void Report(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> owed, TimeSpan elapsed) => ctx.Error.WriteLine(ProgressLine(owed, elapsed));
            var daemonPid = config.Groups.Select(RunCommand.LiveDaemonPid).FirstOrDefault(p => p is not null);
            IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> owed;
            var watch = Stopwatch.StartNew();
            if (daemonPid is { } pid)
            {
                ctx.Error.WriteLine($"asking the running daemon (pid {pid}) to scan and push");
                Process.Start("kill", ["-USR1", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
                owed = await WaitDrainedAsync(ctx, config, limit, every, Report, cancellationToken);
            }
            else
            {
                await using var daemon = await SyncDaemon.StartAsync(config, ctx.LoggerFactory, listen: false, cancellationToken: cancellationToken);
                owed = await daemon.SyncOnceAsync(limit, cancellationToken, every, Report);
            }

            var left = owed.SelectMany(g => g.Value.Select(p => $"{g.Key}: {p.Value} paths still owed to {p.Key}")).ToList();
            foreach (var line in left)
            {
                ctx.Out.WriteLine(line);
            }

            ctx.Error.WriteLine(left.Count == 0
                ? $"in sync: nothing owed to any peer ({watch.Elapsed.TotalSeconds:0.0} s)"
                : $"not everything arrived within {limit.TotalSeconds:0.#} s; see kubesync dirty and the daemon's log");
            return left.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary>
    /// One line of progress: <c>web: 41203 paths owed to web-1, 12 to web-2 (5 s)</c> per group with anything owed, or that
    /// nothing is owed and the peers have yet to settle.
    /// </summary>
    internal static string ProgressLine(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> owed, TimeSpan elapsed)
    {
        var groups = owed.Where(g => g.Value.Count > 0)
            .Select(g => $"{g.Key}: " + string.Join(", ", g.Value.OrderBy(p => p.Key, StringComparer.Ordinal).Select((p, i) => i == 0 ? $"{p.Value} paths owed to {p.Key}" : $"{p.Value} to {p.Key}")))
            .ToList();
        var seconds = $"({elapsed.TotalSeconds:0} s)";
        return groups.Count == 0 ? $"nothing owed; waiting for the peers to settle {seconds}" : $"{string.Join("; ", groups)} {seconds}";
    }

    private static async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>> WaitDrainedAsync(
        CliContext ctx,
        Contracts.Configuration.KubeSyncConfig config,
        TimeSpan limit,
        TimeSpan progressEvery,
        Action<IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>, TimeSpan> progress,
        CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var nextReport = progressEvery;
        while (true)
        {
            var owed = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
            foreach (var groupConfig in ctx.SelectGroups(config))
            {
                using var group = LocalGroup.Open(config, groupConfig);
                owed[groupConfig.Name] = group.Store.CountDirtyByPeer().Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            }

            // The daemon's scan takes a moment to start: a clean state right after the signal proves nothing.
            if ((owed.Values.All(o => o.Count == 0) && watch.Elapsed > TimeSpan.FromSeconds(1)) || watch.Elapsed > limit)
            {
                return owed;
            }

            if (progressEvery > TimeSpan.Zero && watch.Elapsed >= nextReport)
            {
                progress(owed, watch.Elapsed);
                nextReport = watch.Elapsed + progressEvery;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }
}
