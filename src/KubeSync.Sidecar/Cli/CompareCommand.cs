using System.CommandLine;
using System.Text.Json;

using KubeSync.Engine.Hosting;
using KubeSync.Engine.Peers;
using KubeSync.Engine.Scanning;
using KubeSync.Engine.State;

using Microsoft.Extensions.Logging;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync compare [PEER]</c>: csync2 <c>-T</c>. Reads each peer's index as an observer (it never takes part in the
/// group, so it may run beside the daemon) and compares it with this member's recorded state
/// (<see cref="IndexComparison"/>): one line per differing path, <c>L</c>, <c>R</c> or <c>X</c>. Exit code 0 when
/// something differs, 2 when every peer compared is identical, 1 when a peer could not be compared.
/// </summary>
/// <remarks>
/// The recorded state is current while a daemon runs for the group (its watcher records changes as they happen);
/// without one, files may have changed since the last scan, so compare first records them as <c>kubesync check</c>
/// would (and says so on stderr): a file edited a moment ago is listed, not missed.
/// </remarks>
internal static class CompareCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var timeout = CliOptions.Timeout(TimeSpan.FromSeconds(60), "Give up on a peer after this long (e.g. 30s, 2m)");
        var peer = new Argument<string?>("PEER") { Description = "A peer's node id or host:port (default: every configured peer)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command(
            "compare",
            "Compare this member's state with each peer's index (csync2 -T): L = newer or only here, R = newer or only there, X = changed on both. Exits 2 when identical")
        {
            json, timeout, peer,
        };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, async ctx =>
        {
            var config = ctx.LoadConfig();
            var peerName = parse.GetValue(peer);
            var groups = ctx.SelectGroups(config);
            var peers = new ObservedPeers(ctx, config, parse.GetValue(timeout));
            var rows = new List<CompareRow>();
            var compared = 0;
            foreach (var groupConfig in groups)
            {
                List<FileRecord> local;
                IReadOnlyList<ConflictRecord> conflicts;
                Engine.Paths.SyncRules rules;
                using (var group = LocalGroup.Open(config, groupConfig))
                {
                    if (RunCommand.LiveDaemonPid(groupConfig) is null)
                    {
                        var scan = new Scanner(group, ctx.LoggerFactory.CreateLogger<Scanner>()).Scan(ScanRequest.Full);
                        if (scan.Changed > 0)
                        {
                            ctx.Error.WriteLine($"kubesync: {groupConfig.Name}: no daemon runs here; recorded {scan.Changed} local change(s) first, as kubesync check would");
                        }
                    }

                    local = [.. group.Store.ReadFiles()];
                    conflicts = group.Store.ReadConflicts();
                    rules = group.Rules;
                }

                compared += await peers.ForEachAsync(groupConfig, peerName, async (observer, ct) =>
                {
                    var index = await observer.ReadIndexAsync(ct);
                    var inConflict = conflicts.Where(c => c.Peer == observer.Peer).Select(c => c.Path.Value).ToHashSet(StringComparer.Ordinal);
                    rows.AddRange(IndexComparison.Compare(local, index.Entries, rules, inConflict)
                        .Select(d => new CompareRow(groupConfig.Name, observer.Peer, d.Mark.ToString(), d.Path.Value)));
                    if (!index.PeerReady)
                    {
                        ctx.Error.WriteLine($"kubesync: {groupConfig.Name}: {observer.Peer} is not ready yet (still filling): its index may be incomplete");
                    }
                }, cancellationToken);
            }

            Print(ctx, rows, parse.GetValue(json), columns: (Group: groups.Count > 1, Peer: peerName is null));
            if (peers.Failed)
            {
                return ExitCodes.Failed;
            }

            if (compared == 0)
            {
                ctx.Error.WriteLine("kubesync: no peer to compare with (peers.static and peers.dns name none but this member)");
                return ExitCodes.Failed;
            }

            return rows.Count == 0 ? ExitCodes.Identical : ExitCodes.Ok;
        }));
        return command;
    }

    private static void Print(CliContext ctx, List<CompareRow> rows, bool json, (bool Group, bool Peer) columns)
    {
        if (json)
        {
            ctx.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Default.ListCompareRow));
            return;
        }

        foreach (var r in rows)
        {
            var group = columns.Group ? r.Group + "\t" : "";
            var peer = columns.Peer ? r.Peer + "\t" : "";
            ctx.Out.WriteLine($"{r.Mark}\t{group}{peer}{r.Path}");
        }
    }
}
