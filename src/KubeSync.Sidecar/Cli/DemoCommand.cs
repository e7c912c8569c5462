using System.CommandLine;
using System.Reflection;

using KubeSync.Engine.Configuration;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Scanning;

using Microsoft.Extensions.Logging;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync demo</c>: the README's first command. It unpacks a bundled example tree into a temp directory,
/// records it, changes it the way a person would, and shows what the state database then owes the peers.
/// (The peer protocol replaces this with a live three-member group.)
/// </summary>
internal static class DemoCommand
{
    private const string ResourcePrefix = "demo/";

    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the demo directory afterwards (its path is printed)" };
        var command = new Command("demo", "Record a bundled example tree in a temp directory, change it, and show what KubeSync sees") { keep };
        command.SetAction(parse => CliContext.Run(parse, ctx => Run(ctx, parse.GetValue(keep))));
        return command;
    }

    private static int Run(CliContext ctx, bool keep)
    {
        var dir = Directory.CreateTempSubdirectory("kubesync-demo-").FullName;
        try
        {
            var root = Path.Combine(dir, "www");
            var files = Unpack(root);
            var configPath = Path.Combine(dir, "kubesync.yaml");
            File.WriteAllText(configPath, $"""
                node: demo-a
                insecure: true
                groups:
                  - name: web
                    root: {root}
                    stateDir: {Path.Combine(dir, "state")}
                    include: ["/"]
                    exclude: ["*~", ".*"]
                    peers:
                      static: ["demo-b=127.0.0.1:30866", "demo-c=127.0.0.1:30867"]
                """);
            var config = ConfigLoader.LoadFile(configPath, new Dictionary<string, string>());
            using var group = LocalGroup.Open(config, config.Groups[0]);
            var scanner = new Scanner(group, ctx.LoggerFactory.CreateLogger<Scanner>());

            ctx.Out.WriteLine($"Unpacked {files} example files into {root}");
            var first = scanner.Scan(ScanRequest.Full with { Init = true });
            ctx.Out.WriteLine($"Init check (as if every member already had this tree): {first.Entries} entries recorded in {first.Duration.TotalMilliseconds:0} ms, {first.Hashed} files hashed, nothing owed to the peers. The state database says:");
            PrintFiles(ctx, group);

            File.AppendAllText(Path.Combine(root, "nginx/conf.d/default.conf"), "# tuned by the demo\n");
            File.Delete(Path.Combine(root, "html/robots.txt"));
            File.WriteAllText(Path.Combine(root, "html/new-page.html"), "<p>written on demo-a</p>\n");
            File.WriteAllText(Path.Combine(root, "html/index.html~"), "an editor backup: excluded by the rules\n");
            ctx.Out.WriteLine();
            ctx.Out.WriteLine("Changed default.conf, deleted robots.txt, wrote new-page.html and an editor backup index.html~.");
            var second = scanner.Scan(ScanRequest.Full);
            ctx.Out.WriteLine($"Second check: {second.Created} new, {second.Modified} changed, {second.Deleted} deleted, in {second.Duration.TotalMilliseconds:0} ms ({second.Hashed} hashed; unchanged files were not read).");
            ctx.Out.WriteLine("Each change got a new version, and every peer is owed it:");
            foreach (var d in group.Store.ReadDirty().GroupBy(d => d.Path).Take(8))
            {
                var row = group.Store.Get(d.Key);
                ctx.Out.WriteLine($"  {d.Key,-32} {row?.Version,-10} {(row?.Deleted == true ? "deleted " : "")}owed to {string.Join(", ", d.Select(x => x.Peer))}");
            }

            ctx.Out.WriteLine();
            ctx.Out.WriteLine(keep
                ? $"Explore it: kubesync --config {configPath} files | dirty | check -r"
                : "Run with --keep to explore the directory and its state with the other verbs afterwards.");
            return ExitCodes.Ok;
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static void PrintFiles(CliContext ctx, LocalGroup group)
    {
        foreach (var f in group.Store.ReadFiles(includeDeleted: false))
        {
            var what = f.Hash is null ? "dir" : f.HashHex[..12];
            ctx.Out.WriteLine($"  {Format.Mode(f.Mode)}  {what,-12}  {f.Version,-10}  {f.Path}");
        }
    }

    private static int Unpack(string root)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var count = 0;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var target = Path.Combine(root, name[ResourcePrefix.Length..].Replace('\\', '/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var source = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(target);
            source.CopyTo(file);
            file.Close();

            // Like files unpacked from an archive: old enough that an unchanged stat can be trusted without reading.
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow.AddHours(-2));
            count++;
        }

        return count;
    }
}
