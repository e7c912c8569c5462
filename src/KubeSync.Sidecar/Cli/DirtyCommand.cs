using System.CommandLine;
using System.Text.Json;

using KubeSync.Engine.Hosting;

namespace KubeSync.Sidecar.Cli;

/// <summary><c>kubesync dirty</c>: csync2 <c>-M</c>; exit code 2 when nothing is dirty.</summary>
internal static class DirtyCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("dirty", "List files a peer has not confirmed yet (csync2 -M); exits 2 when there are none") { json };
        command.SetAction(parse => CliContext.Run(parse, ctx =>
        {
            var config = ctx.LoadConfig();
            var rows = new List<DirtyRow>();
            foreach (var groupConfig in ctx.SelectGroups(config))
            {
                using var group = LocalGroup.Open(config, groupConfig);
                rows.AddRange(group.Store.ReadDirty().Select(d => new DirtyRow(groupConfig.Name, d.Path.Value, d.Peer, DateTimeOffset.FromUnixTimeMilliseconds(d.SinceUnixMs))));
            }

            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Default.ListDirtyRow));
            }
            else
            {
                var now = DateTimeOffset.UtcNow;
                foreach (var r in rows)
                {
                    ctx.Out.WriteLine($"{r.Group}\t{r.Peer}\t{Format.Age(now - r.Since),6}\t{r.Path}");
                }

                if (rows.Count > 0)
                {
                    ctx.Error.WriteLine($"{rows.Select(r => r.Path).Distinct().Count()} paths owed to {rows.Select(r => r.Peer).Distinct().Count()} peers");
                }
            }

            return rows.Count == 0 ? ExitCodes.NothingDirty : ExitCodes.Ok;
        }));
        return command;
    }
}
