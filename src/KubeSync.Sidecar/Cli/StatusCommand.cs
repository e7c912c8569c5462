using System.CommandLine;
using System.Text.Json;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Hosting;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync status</c>: this member's groups and peers, as the state database records them. It reads the database
/// only, so it works whether or not the sidecar runs, and shows what the sidecar last stored.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (one object, with timestamps instead of ages)" };
        var command = new Command("status", "Show each group's files, conflicts and what each peer has seen, from the state database") { json };
        command.SetAction(parse => CliContext.Run(parse, ctx =>
        {
            var config = ctx.LoadConfig();
            var report = new StatusReport(config.Node, [.. ctx.SelectGroups(config).Select(g => ReadGroup(config, g))]);
            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(report, CliJson.Default.StatusReport));
            }
            else
            {
                Print(ctx.Out, report, DateTimeOffset.UtcNow);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static GroupStatus ReadGroup(KubeSyncConfig config, GroupConfig groupConfig)
    {
        using var group = LocalGroup.Open(config, groupConfig);
        var store = group.Store;
        var (live, tombstones) = store.CountFiles();
        var dirty = store.ReadDirty();
        var dirtyByPeer = store.CountDirtyByPeer();
        var peers = store.ReadPeers().Select(p => new PeerStatus(
            p.Node, p.Address, p.State, p.LastSeenUnixMs is { } seen ? DateTimeOffset.FromUnixTimeMilliseconds(seen) : null, p.TheirSeqSeen,
            dirtyByPeer.GetValueOrDefault(p.Node))).ToList();
        DateTimeOffset? oldestDirty = dirty.Count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(dirty.Min(d => d.SinceUnixMs));
        return new GroupStatus(groupConfig.Name, group.Root, live, tombstones, store.LastSeq, store.ReadConflicts().Count, dirty.Count, oldestDirty, peers);
    }

    private static void Print(TextWriter output, StatusReport report, DateTimeOffset now)
    {
        output.WriteLine($"node {report.Node}");
        foreach (var g in report.Groups)
        {
            output.WriteLine();
            output.WriteLine($"group {g.Group}\t{g.Root}");
            output.WriteLine($"  files      {g.Files} live, {g.Tombstones} tombstones, last seq {g.LastSeq}");
            output.WriteLine($"  conflicts  {g.Conflicts}");
            output.WriteLine($"  dirty      {g.Dirty}{(g.OldestDirtySince is { } oldest ? $", oldest {Format.Age(now - oldest)}" : "")}");
            if (g.Peers.Count == 0)
            {
                output.WriteLine("  no peers");
                continue;
            }

            var rows = g.Peers.Select(p => (p.Node, Address: p.Address ?? "-", Seen: p.LastSeen is { } seen ? Format.Age(now - seen) + " ago" : "never", p.TheirSeqSeen, p.Dirty)).ToList();
            var nodeWidth = Math.Max("peer".Length, rows.Max(r => r.Node.Length));
            var addressWidth = Math.Max("address".Length, rows.Max(r => r.Address.Length));
            output.WriteLine($"  {"peer".PadRight(nodeWidth)}  {"address".PadRight(addressWidth)}  {"last seen",-10}  {"seq seen",8}  {"dirty",6}");
            foreach (var r in rows)
            {
                output.WriteLine($"  {r.Node.PadRight(nodeWidth)}  {r.Address.PadRight(addressWidth)}  {r.Seen,-10}  {r.TheirSeqSeen,8}  {r.Dirty,6}");
            }
        }
    }
}
