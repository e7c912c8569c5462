using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

using KubeSync.Engine.Configuration;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Security;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// <c>kubesync demo</c>: the README's first command. Three members on loopback, each with its own directory,
/// state and certificate from a fresh group CA, in one process; the first starts with a bundled example tree.
/// It shows the tree arriving in the other two, then a file written into the first arriving with the measured
/// delay, and keeps running until Ctrl-C so a person can play with the directories.
/// </summary>
internal static class DemoCommand
{
    private const string ResourcePrefix = "demo/";
    private static readonly string[] Members = ["demo-a", "demo-b", "demo-c"];

    /// <summary>How long <c>--once</c> waits for the members to owe each other nothing before it stops them.</summary>
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Stop after the first demonstration instead of running until Ctrl-C" };
        var keep = new Option<bool>("--keep") { Description = "Keep the demo directory afterwards (its path is printed)" };
        var command = new Command("demo", "Run a group of three members on loopback in temp directories and show changes arriving") { once, keep };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, ctx => RunAsync(ctx, parse.GetValue(once), parse.GetValue(keep), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(CliContext ctx, bool once, bool keep, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("kubesync-demo-").FullName;
        var daemons = new List<SyncDaemon>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
        {
            // Ctrl-C stops the members and removes the demo directory instead of killing the process.
            signal.Cancel = true;
            stop.Cancel();
        });
        var running = new List<Task>();
        try
        {
            var configs = await WriteGroupAsync(dir, cancellationToken);
            var roots = Members.Select(m => Path.Combine(dir, m)).ToList();
            var files = Unpack(roots[0]);
            ctx.Out.WriteLine($"A group of three members on loopback, mutual TLS with a fresh group CA, in {dir}:");
            for (var i = 0; i < Members.Length; i++)
            {
                ctx.Out.WriteLine($"  {Members[i]}  {roots[i]}{(i == 0 ? $"   ({files} example files)" : "   (empty)")}");
            }

            var started = Stopwatch.StartNew();
            foreach (var config in configs)
            {
                var daemon = await SyncDaemon.StartAsync(ConfigLoader.LoadFile(config, new Dictionary<string, string>()), ctx.LoggerFactory, cancellationToken: cancellationToken);
                daemons.Add(daemon);
                running.Add(daemon.RunAsync(stop.Token));
            }

            await WaitAsync(() => roots.Skip(1).All(r => SameTree(roots[0], r)), running, TimeSpan.FromMilliseconds(20), stop.Token);
            ctx.Out.WriteLine($"demo-b and demo-c pulled the example tree from demo-a: {files} files in {started.ElapsedMilliseconds} ms (start-up included).");

            var name = $"hello-{DateTime.Now:HHmmss}.txt";
            var text = $"written into demo-a at {DateTime.Now:T}\n";
            var watch = Stopwatch.StartNew();
            await File.WriteAllTextAsync(Path.Combine(roots[0], name), text, cancellationToken);
            daemons[0].RequestScan();
            var arrived = new long?[Members.Length];
            await WaitAsync(
                () =>
                {
                    for (var i = 1; i < roots.Count; i++)
                    {
                        if (arrived[i] is null && ReadOrNull(Path.Combine(roots[i], name)) == text)
                        {
                            arrived[i] = (long)watch.Elapsed.TotalMicroseconds;
                        }
                    }

                    return arrived.Skip(1).All(a => a is not null);
                },
                running,
                TimeSpan.FromMilliseconds(1),
                stop.Token);
            ctx.Out.WriteLine($"Wrote {name} into demo-a: it arrived in demo-b after {arrived[1] / 1000.0:0.0} ms and in demo-c after {arrived[2] / 1000.0:0.0} ms.");
            ctx.Out.WriteLine("(Delay from the write to the file readable with its content on the peer, including the scan that noticed it.)");
            if (once)
            {
                await WaitSettledAsync(daemons, stop.Token);
                return ExitCodes.Ok;
            }

            ctx.Out.WriteLine();
            ctx.Out.WriteLine("Now play: create, change, rename or delete files in any of the three directories. Each member watches");
            ctx.Out.WriteLine("its directory with inotify, so a change shows up in the others within milliseconds.");
            ctx.Out.WriteLine($"Inspect a member: kubesync --config {configs[0]} status | files | dirty | conflicts");
            ctx.Out.WriteLine("Press Ctrl-C to stop.");
            await Task.WhenAny(running.Append(Task.Delay(Timeout.Infinite, stop.Token))).Unwrap().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ctx.Out.WriteLine("Stopping.");
            return ExitCodes.Ok;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var daemon in daemons)
            {
                await daemon.DisposeAsync();
            }

            if (keep)
            {
                ctx.Out.WriteLine($"Kept {dir}");
            }
            else
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>A group key, a CA, a certificate and a config per member, on free loopback ports.</summary>
    private static async Task<List<string>> WriteGroupAsync(string dir, CancellationToken cancellationToken)
    {
        var keyFile = Path.Combine(dir, "group.key");
        GroupKey.WriteNew(keyFile, overwrite: false);
        using var ca = CertificateAuthority.Create("demo", TimeProvider.System, TimeSpan.FromDays(1));
        await ca.WriteAsync(Path.Combine(dir, "ca.crt"), Path.Combine(dir, "ca.key"), cancellationToken);
        var ports = FreePorts(Members.Length);
        var configs = new List<string>();
        for (var i = 0; i < Members.Length; i++)
        {
            var node = Members[i];
            var certDir = Directory.CreateDirectory(Path.Combine(dir, "certs", node)).FullName;
            using (var member = ca.Issue(node, TimeProvider.System, TimeSpan.FromDays(1), [node, "localhost"], [IPAddress.Loopback]))
            {
                await CertificateFiles.WriteAsync(member, Path.Combine(certDir, "tls.crt"), Path.Combine(certDir, "tls.key"), cancellationToken);
            }

            Directory.CreateDirectory(Path.Combine(dir, node));
            var peers = string.Join(", ", Enumerable.Range(0, Members.Length).Where(j => j != i).Select(j => $"\"{Members[j]}=127.0.0.1:{ports[j]}\""));
            var config = Path.Combine(dir, $"{node}.yaml");
            await File.WriteAllTextAsync(config, $"""
                node: {node}
                listen: 127.0.0.1:{ports[i]}
                tls: {"{"}cert: certs/{node}/tls.crt, key: certs/{node}/tls.key, ca: ca.crt{"}"}
                keyFile: group.key
                timing: {"{"}rescan: 1s, pull: 5s{"}"}
                groups:
                  - name: web
                    root: {node}
                    stateDir: state/{node}
                    exclude: ["*~", ".*"]
                    peers:
                      static: [{peers}]
                """, cancellationToken);
            configs.Add(config);
        }

        return configs;
    }

    private static List<int> FreePorts(int count)
    {
        var sockets = Enumerable.Range(0, count).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList();
        try
        {
            foreach (var socket in sockets)
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>
    /// Waits (at most <see cref="SettleBound"/>) until no member owes another anything. A member that received the new
    /// file owes it to the third until that one confirms it; the three stop together, so a mark still open when they
    /// stop outlives the session that would clear it and each member's drain reports it as left owed.
    /// </summary>
    private static async Task WaitSettledAsync(List<SyncDaemon> daemons, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(SettleBound);
        try
        {
            while (true)
            {
                long owed = 0;
                foreach (var group in daemons.SelectMany(d => d.Groups))
                {
                    using (await group.Gate.EnterAsync(bound.Token))
                    {
                        owed += group.Group.Store.CountDirtyByPeer().Values.Sum();
                    }
                }

                if (owed == 0)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), bound.Token);
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // Past the bound (or Ctrl-C): the members stop anyway, and their drains say what was left.
        }
    }

    /// <summary>Polls <paramref name="done"/> every <paramref name="interval"/> (1 ms where the demo measures a delay), failing if a member stops.</summary>
    private static async Task WaitAsync(Func<bool> done, List<Task> members, TimeSpan interval, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            if (members.FirstOrDefault(t => t.IsCompleted) is { } ended)
            {
                await ended;
                throw new IOException("a demo member stopped unexpectedly");
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new IOException("the demo members did not converge within 60 s");
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool SameTree(string a, string b)
    {
        var left = Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order(StringComparer.Ordinal).ToList();
        var right = Directory.EnumerateFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Order(StringComparer.Ordinal).ToList();
        return left.SequenceEqual(right) && left.All(f => File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))));
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
            count++;
        }

        return count;
    }
}
