using System.CommandLine;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync diff PATH [--peer P]</c>: csync2 <c>-TT</c>. Reads the peer's copy of the path as an observer (a
/// ReadRequest: it never takes part in the group) and prints the unified diff from the peer's copy to the local file;
/// binary files and other types are named, not diffed. Exit code 0 when a difference was shown, 2 when every peer
/// has the same, 1 when a peer could not be read.
/// </summary>
internal static class DiffCommand
{
    private const long DefaultMaxSize = 16 * 1024 * 1024;

    public static Command Create()
    {
        var peer = new Option<string?>("--peer") { Description = "A peer's node id or host:port (default: every configured peer)" };
        var maxSize = new Option<long>("--max-size") { Description = "Largest file to diff, in bytes", DefaultValueFactory = _ => DefaultMaxSize };
        var timeout = CliOptions.Timeout(TimeSpan.FromSeconds(60), "Give up on a peer after this long (e.g. 30s, 2m)");
        var path = new Argument<string>("PATH") { Description = "A file under a group's root" };
        var command = new Command("diff", "Show how the local copy of PATH differs from a peer's (csync2 -TT). Exits 2 when they are the same")
        {
            peer, maxSize, timeout, path,
        };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, async ctx =>
        {
            var config = ctx.LoadConfig();
            var limit = parse.GetValue(maxSize);
            if (limit < 0)
            {
                throw new CliUsageException($"--max-size {limit}: must not be negative");
            }

            var (groupConfig, syncPath) = ctx.ResolvePaths(config, [parse.GetValue(path)!])[0];
            var local = DiffSide.Local($"{config.Node}:{syncPath.Value}", Path.Combine(groupConfig.Root, syncPath.Value), limit);
            var peers = new ObservedPeers(ctx, config, parse.GetValue(timeout));
            var differ = false;
            var refused = false;
            var reached = await peers.ForEachAsync(groupConfig, parse.GetValue(peer), async (observer, ct) =>
            {
                var copy = await observer.ReadFileAsync(syncPath, limit, ct);
                if (copy.Refusal is { } refusal && refusal != "not known here")
                {
                    ctx.Error.WriteLine($"kubesync: {groupConfig.Name}: {observer.Peer} did not send {syncPath.Value}: {refusal}");
                    refused = true;
                    return;
                }

                var text = DiffSide.Render(DiffSide.Remote($"{observer.Peer}:{syncPath.Value}", copy), local);
                ctx.Out.Write(text);
                differ |= text.Length > 0;
            }, cancellationToken);

            if (peers.Failed || refused || reached == 0)
            {
                if (reached == 0 && !peers.Failed && !refused)
                {
                    ctx.Error.WriteLine("kubesync: no peer to diff with (peers.static and peers.dns name none but this member)");
                }

                return ExitCodes.Failed;
            }

            return differ ? ExitCodes.Ok : ExitCodes.Identical;
        }));
        return command;
    }
}
