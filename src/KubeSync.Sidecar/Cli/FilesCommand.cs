using System.CommandLine;
using System.Text.Json;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Hosting;

namespace KubeSync.Sidecar.Cli;

/// <summary><c>kubesync files</c>: csync2 <c>-L</c>, what the state database records.</summary>
internal static class FilesCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (one object per row, with full hashes and versions)" };
        var deleted = new Option<bool>("--deleted") { Description = "Also list tombstones (deletions waiting to replicate)" };
        var command = new Command("files", "List the files recorded in the state database (csync2 -L)") { json, deleted };
        command.SetAction(parse => CliContext.Run(parse, ctx =>
        {
            var config = ctx.LoadConfig();
            var rows = new List<FileRow>();
            foreach (var groupConfig in ctx.SelectGroups(config))
            {
                using var group = LocalGroup.Open(config, groupConfig);
                foreach (var f in group.Store.ReadFiles(includeDeleted: parse.GetValue(deleted)))
                {
                    rows.Add(new FileRow(
                        groupConfig.Name, f.Path.Value, TypeName(f.Type), f.Size, f.MtimeNs, Format.Mode(f.Mode), f.Uid, f.Gid,
                        f.LinkTarget, f.Hash is null ? null : f.HashHex, f.Version.ToString(), f.Seq, f.Deleted));
                }
            }

            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Default.ListFileRow));
                return ExitCodes.Ok;
            }

            foreach (var r in rows)
            {
                var what = r.Deleted ? "deleted" : r.Type switch
                {
                    "symlink" => "-> " + r.LinkTarget,
                    "dir" => "dir",
                    // A large file's new version is hashed as it is first sent (or by the next scan).
                    _ => r.Sha256?[..12] ?? "hash pending",
                };
                ctx.Out.WriteLine($"{r.Group}\t{r.Mode}\t{what,-12}\t{r.Version}\t{r.Path}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string TypeName(EntryType type) => type switch
    {
        EntryType.File => "file",
        EntryType.Directory => "dir",
        EntryType.Symlink => "symlink",
        _ => "other",
    };
}
