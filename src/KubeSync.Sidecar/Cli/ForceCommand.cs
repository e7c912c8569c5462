using System.CommandLine;
using System.Text.Json;

using KubeSync.Engine.Hosting;

namespace KubeSync.Sidecar.Cli;

/// <summary><c>kubesync force PATH...</c>: csync2 <c>-f</c>; this member's version of the path wins everywhere.</summary>
internal static class ForceCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var paths = new Argument<string[]>("PATH") { Description = "Paths whose local version must win", Arity = ArgumentArity.OneOrMore };
        var command = new Command("force", "Make this member's version of PATH win over every version it knows, resolving conflicts (csync2 -f)") { json, paths };
        command.SetAction(parse => CliContext.Run(parse, ctx =>
        {
            var config = ctx.LoadConfig();
            var rows = new List<ForceRow>();
            foreach (var byGroup in ctx.ResolvePaths(config, parse.GetValue(paths)!).GroupBy(x => x.Group))
            {
                using var group = LocalGroup.Open(config, byGroup.Key);
                var peers = group.Store.ReadPeers().Select(p => p.Node).ToList();
                using var batch = group.Store.BeginBatch();
                foreach (var (_, path) in byGroup)
                {
                    var forced = batch.Force(path) ?? throw new CliUsageException($"{path}: not recorded in group {byGroup.Key.Name}; run kubesync check first");
                    rows.Add(new ForceRow(byGroup.Key.Name, path.Value, forced.Version.ToString(), peers));
                }

                batch.Commit();
            }

            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Default.ListForceRow));
            }
            else
            {
                foreach (var r in rows)
                {
                    ctx.Out.WriteLine($"{r.Group}\t{r.Path}\tnow {r.Version}; owed to {(r.OwedTo.Count == 0 ? "no peer yet" : string.Join(", ", r.OwedTo))}");
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
