using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

using KubeSync.Engine.Security;
using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// A real <c>kubesync run</c> member of group <c>web</c> listening on a free loopback port, in its own temp
/// directory: <c>kubesync.yaml</c>, <c>group.key</c>, <c>root/</c> (the sync root) and <c>outside/</c> (a
/// directory a hostile peer must never reach; <c>root/out</c> is a symlink to it). Stderr is collected.
/// </summary>
internal sealed partial class MemberProcess : IAsyncDisposable
{
    public const string Group = "web";

    private readonly TempDirectory _dir;
    private readonly Process _process;
    private readonly CapturedOutput _output = new();

    private MemberProcess(TempDirectory dir, Process process, string node)
    {
        _dir = dir;
        _process = process;
        Node = node;
        _output.Attach(process);
    }

    public string Node { get; }

    public int Port { get; private set; }

    public string Directory => _dir.Path;

    public string Root => _dir.Combine("root");

    public string Outside => _dir.Combine("outside");

    public byte[] Key => GroupKey.Read(_dir.Combine("group.key"));

    public bool HasExited => _process.HasExited;

    /// <summary>What the member printed (its log goes to stderr; stdout stays empty for <c>run</c>).</summary>
    public string Stderr => _output.Text;

    /// <summary>
    /// Starts a member and waits until it listens. <paramref name="keyFrom"/> shares another member's group key;
    /// <paramref name="tls"/> is the YAML of the <c>tls</c> key (plaintext when null); <paramref name="prepare"/>
    /// fills the temp directory before the start (the root exists by then).
    /// </summary>
    /// <param name="timing">The <c>timing</c> map's keys.</param>
    public static async Task<MemberProcess> StartAsync(string node, MemberProcess? keyFrom = null, string peers = "[]", string? tls = null, Action<TempDirectory>? prepare = null, string timing = "rescan: 1s, pull: 1s")
    {
        var dir = new TempDirectory("kubesync-hostile-");
        try
        {
            System.IO.Directory.CreateDirectory(dir.Combine("root"));
            System.IO.Directory.CreateDirectory(dir.Combine("outside"));
            File.CreateSymbolicLink(dir.Combine("root/out"), dir.Combine("outside"));
            if (keyFrom is null)
            {
                GroupKey.WriteNew(dir.Combine("group.key"), overwrite: false);
            }
            else
            {
                File.Copy(keyFrom._dir.Combine("group.key"), dir.Combine("group.key"));
            }

            prepare?.Invoke(dir);
            var security = tls is null ? "insecure: true" : $"tls: {tls}";
            var groupLine = "{name: " + Group + ", root: root, auto: younger, peers: {static: " + peers + "}}";
            File.WriteAllText(dir.Combine("kubesync.yaml"), $$"""
                node: {{node}}
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                {{security}}
                keyFile: group.key
                timing: {{{timing}}}
                groups:
                  - {{groupLine}}

                """);
            var process = KubeSyncProcess.Start(["--config", dir.Combine("kubesync.yaml"), "run"], dir.Path);
            var member = new MemberProcess(dir, process, node);
            try
            {
                await Eventually.TrueAsync(() => member.HasExited || ListeningLine().IsMatch(member.Stderr), $"{node} to listen");
                Assert.False(member.HasExited, $"{node} exited at start:\n{member.Stderr}");
                member.Port = int.Parse(ListeningLine().Match(member.Stderr).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                return member;
            }
            catch
            {
                await member.DisposeAsync();
                throw;
            }
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    public string InRoot(string relative) => Path.Combine(Root, relative);

    /// <summary>Waits until stderr contains <paramref name="text"/>.</summary>
    public Task WaitForLogAsync(string text) =>
        Eventually.TrueAsync(() => Stderr.Contains(text, StringComparison.Ordinal), $"{Node} to log '{text}'; stderr so far:\n{Stderr}");

    /// <summary>Every file and directory of the member's temp directory outside the root, with size and mtime.</summary>
    public IReadOnlyList<string> SnapshotOutsideRoot()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return [.. new DirectoryInfo(Directory).EnumerateFileSystemInfos("*", options)
            .Where(i => !i.FullName.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && i.FullName != Root)
            .Select(i => i is FileInfo f ? $"{f.FullName} {f.Length} {f.LastWriteTimeUtc.Ticks} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f.FullName)))}" : i.FullName)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Temp files the applier left in the root (it must remove them when a transfer fails).</summary>
    public IReadOnlyList<string> TempFilesInRoot() =>
        [.. System.IO.Directory.EnumerateFiles(Root, ".kubesync-*.tmp", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })];

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or stuck: the temp directory is removed anyway.
        }
        finally
        {
            _process.Dispose();
            _dir.Dispose();
        }
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
