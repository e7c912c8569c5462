using System.CommandLine;
using System.Text.Json;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Hosting;
using KubeSync.Sidecar.Admin;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync status</c>: this member's groups and peers. It asks the running daemon's admin endpoint first (live
/// sessions, readiness, last scan); when nothing answers there (the daemon is down, <c>admin: off</c>) it reads the
/// state database, so it works whether or not the sidecar runs, and shows what the sidecar last stored.
/// </summary>
internal static class StatusCommand
{
    /// <summary>How long to wait for the daemon's answer before reading the database instead.</summary>
    private static readonly TimeSpan DaemonTimeout = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (one object, with timestamps instead of ages)" };
        var state = new Option<bool>("--state") { Description = "Read the state database even when the daemon's admin endpoint answers" };
        var command = new Command("status", "Show each group's files, conflicts and peers, from the running daemon or else the state database") { json, state };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, async ctx =>
        {
            var config = ctx.LoadConfig();
            var groups = ctx.SelectGroups(config);
            StatusReport? report = null;
            if (!parse.GetValue(state) && AdminClient.BaseUri(config.Admin) is { } admin
                && await AdminClient.TryGetStatusAsync(admin, DaemonTimeout, cancellationToken) is { } live && live.Node == config.Node)
            {
                var names = groups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
                report = live with { Groups = [.. live.Groups.Where(g => names.Contains(g.Group))] };
            }

            report ??= new StatusReport(config.Node, [.. groups.Select(g => ReadGroup(config, g))]);
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
        var live = report.Source == DaemonStatus.Source;
        output.WriteLine(live ? "from the running daemon" : "from the state database (no daemon answered)");
        if (report.LastReload is { } reload)
        {
            var detail = reload.Error ?? (reload.Changed.Count > 0 ? string.Join(", ", reload.Changed) + " changed" : "nothing to change");
            var restart = reload.NeedsRestart.Count > 0 ? $"; after a restart: {string.Join(", ", reload.NeedsRestart)}" : "";
            output.WriteLine($"config reloaded {Format.Age(now - reload.At)} ago ({reload.Trigger}): {reload.Outcome}: {detail}{restart}");
        }
        foreach (var g in report.Groups)
        {
            output.WriteLine();
            output.WriteLine($"group {g.Group}\t{g.Root}");
            if (g.Ready is { } ready)
            {
                output.WriteLine($"  ready      {(ready ? "yes" : "no, initial sync not done")}");
            }

            output.WriteLine($"  files      {g.Files} live, {g.Tombstones} tombstones, last seq {g.LastSeq}");
            output.WriteLine($"  conflicts  {g.Conflicts}");
            output.WriteLine($"  dirty      {g.Dirty}{(g.OldestDirtySince is { } oldest ? $", oldest {Format.Age(now - oldest)}" : "")}");
            if (g.LastScan is { } scan)
            {
                output.WriteLine($"  last scan  {Format.Age(now - scan.FinishedAt)} ago, {scan.Entries} entries, {scan.Changed} changed, {scan.Problems} problems, {scan.Seconds:0.###} s");
            }

            if (g.Peers.Count == 0)
            {
                output.WriteLine("  no peers");
                continue;
            }

            var rows = g.Peers.Select(p => (p.Node, Address: p.Address ?? "-", Seen: p.LastSeen is { } seen ? Format.Age(now - seen) + " ago" : "never", p.TheirSeqSeen, p.Dirty,
                Session: p.Connected is true ? p.Session ?? "connected" : "-")).ToList();
            var nodeWidth = Math.Max("peer".Length, rows.Max(r => r.Node.Length));
            var addressWidth = Math.Max("address".Length, rows.Max(r => r.Address.Length));
            var sessionHeader = live ? "  session" : "";
            output.WriteLine($"  {"peer".PadRight(nodeWidth)}  {"address".PadRight(addressWidth)}  {"last seen",-10}  {"seq seen",8}  {"dirty",6}{sessionHeader}");
            foreach (var r in rows)
            {
                output.WriteLine($"  {r.Node.PadRight(nodeWidth)}  {r.Address.PadRight(addressWidth)}  {r.Seen,-10}  {r.TheirSeqSeen,8}  {r.Dirty,6}{(live ? "  " + r.Session : "")}");
            }
        }

        PrintActions(output, report.Actions ?? [], now);
    }

    private static void PrintActions(TextWriter output, IReadOnlyList<ActionStatus> actions, DateTimeOffset now)
    {
        if (actions.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("actions");
        foreach (var a in actions)
        {
            var last = a.LastRun is { } run
                ? $"last run {Format.Age(now - run)} ago, {a.LastOutcome}{(a.Seconds is { } s ? $" in {s:0.###} s" : "")}{(a.Message is { Length: > 0 } m ? $": {m}" : "")}"
                : "never run";
            var state = a.Running ? ", running" : "";
            var pending = a.PendingPaths > 0 ? $", {a.PendingPaths} paths pending{(a.Attempts > 0 ? $" (retry after {a.Attempts} failed attempts)" : "")}" : "";
            output.WriteLine($"  {a.Group}/{a.Action}\t{last}{state}{pending}");
        }
    }
}
