using System.CommandLine;
using System.Text.Json;

using KubeSync.Engine.Hosting;

namespace KubeSync.Sidecar.Cli;

/// <summary><c>kubesync conflicts</c>: the paths changed here and on a peer at once, not resolved yet; exit code 2 when there are none.</summary>
internal static class ConflictsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command(
            "conflicts",
            "List paths changed concurrently here and on a peer; run kubesync force PATH on the member whose version should win. Exits 2 when there are none")
        {
            json,
        };
        command.SetAction(parse => CliContext.Run(parse, ctx =>
        {
            var config = ctx.LoadConfig();
            var rows = new List<ConflictRow>();
            foreach (var groupConfig in ctx.SelectGroups(config))
            {
                using var group = LocalGroup.Open(config, groupConfig);
                rows.AddRange(group.Store.ReadConflicts().Select(c => new ConflictRow(
                    groupConfig.Name, c.Path.Value, c.Peer, c.TheirVersion.ToString(), c.TheirHash is null ? null : Convert.ToHexStringLower(c.TheirHash),
                    DateTimeOffset.FromUnixTimeMilliseconds(c.DetectedAtUnixMs))));
            }

            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Default.ListConflictRow));
            }
            else
            {
                var now = DateTimeOffset.UtcNow;
                foreach (var r in rows)
                {
                    ctx.Out.WriteLine($"{r.Group}\t{r.Peer}\t{Format.Age(now - r.Detected),6}\t{r.TheirVersion}\t{r.Path}");
                }

                if (rows.Count > 0)
                {
                    ctx.Error.WriteLine(
                        $"{rows.Select(r => (r.Group, r.Path)).Distinct().Count()} paths in conflict with {rows.Select(r => r.Peer).Distinct().Count()} peers; "
                        + "kubesync force PATH on the member whose version should win");
                }
            }

            return rows.Count == 0 ? ExitCodes.NoConflicts : ExitCodes.Ok;
        }));
        return command;
    }
}
