using System.CommandLine;
using System.Text.Json;

using KubeSync.Engine.Hosting;
using KubeSync.Engine.Scanning;

using Microsoft.Extensions.Logging;

namespace KubeSync.Sidecar.Cli;

/// <summary><c>kubesync check [-r] [--init] [PATH...]</c>: csync2 <c>-cr</c> / <c>-cIr</c>.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Descend into the directories given as PATH (no PATH: the whole group is always checked)" };
        var init = new Option<bool>("--init", "-I") { Description = "Record without marking anything dirty: for members known to be identical already (csync2 -cI)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var paths = new Argument<string[]>("PATH") { Description = "Files or directories to check (default: every group's whole root)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("check", "Scan for local changes and record them in the state database (csync2 -c)")
        {
            recursive, init, json, paths,
        };
        command.SetAction(parse => CliContext.Run(parse, ctx =>
        {
            var config = ctx.LoadConfig();
            var inputs = parse.GetValue(paths) ?? [];
            var work = inputs.Length == 0
                ? ctx.SelectGroups(config).Select(g => (Group: g, Request: ScanRequest.Full with { Init = parse.GetValue(init) })).ToList()
                : ctx.ResolvePaths(config, inputs).GroupBy(x => x.Group)
                    .Select(g => (Group: g.Key, Request: new ScanRequest([.. g.Select(x => x.Path)], parse.GetValue(recursive), parse.GetValue(init)))).ToList();

            var reports = new List<CheckReport>();
            foreach (var (groupConfig, request) in work)
            {
                using var group = LocalGroup.Open(config, groupConfig);
                var result = new Scanner(group, ctx.LoggerFactory.CreateLogger<Scanner>()).Scan(request);
                reports.Add(new CheckReport(
                    groupConfig.Name, result.Entries, result.Hashed, result.BytesHashed, result.Created, result.Modified, result.Deleted,
                    result.Refreshed, result.Forgotten, result.ProblemCount, result.ProblemLines, result.Duration.TotalSeconds));
            }

            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(reports, CliJson.Default.ListCheckReport));
                return ExitCodes.Ok;
            }

            foreach (var r in reports)
            {
                ctx.Out.WriteLine(
                    $"{r.Group}: {r.Entries} entries checked in {r.Seconds:0.00} s; {r.Created} new, {r.Modified} changed, {r.Deleted} deleted" +
                    $"{(r.Forgotten > 0 ? $", {r.Forgotten} no longer included" : "")}; {r.Hashed} hashed ({Format.Bytes(r.BytesHashed)})" +
                    $"{(r.Problems > 0 ? $"; {r.Problems} problems:" : "")}");
                foreach (var line in r.ProblemLines)
                {
                    ctx.Out.WriteLine($"  {line}");
                }

                if (r.Problems > r.ProblemLines.Count)
                {
                    ctx.Out.WriteLine($"  ... and {r.Problems - r.ProblemLines.Count} more (run with -v to log all)");
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
