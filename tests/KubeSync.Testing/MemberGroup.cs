using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

using KubeSync.Engine.Security;

using Xunit;

namespace KubeSync.Testing;

/// <summary>
/// A group of real <c>kubesync run</c> processes in temp directories: one group key, one CA and a certificate per
/// member (mutual TLS), static peers, short timings. Members are named; every call takes the member's name.
/// Disposing kills every member and writes their logs to <see cref="MemberGroupOptions.Output"/>.
/// </summary>
public sealed partial class MemberGroup : IAsyncDisposable
{
    private static readonly TimeSpan CertificateValidity = TimeSpan.FromDays(1);

    private readonly TempDirectory _dir = new("kubesync-group-");
    private readonly Dictionary<string, GroupMember> _members = new(StringComparer.Ordinal);
    private readonly MemberGroupOptions _options;
    private readonly CertificateAuthority _ca;

    private MemberGroup(MemberGroupOptions options)
    {
        _options = options;
        _ca = CertificateAuthority.Create(options.Group, TimeProvider.System, CertificateValidity);
        File.WriteAllText(CaPath, _ca.ExportCertificatePem());
        GroupKey.WriteNew(KeyPath, overwrite: false);
    }

    /// <summary>The members, in the order they were added.</summary>
    public IReadOnlyList<string> Members => [.. _members.Keys];

    private string KeyPath => _dir.Combine("group.key");

    private string CaPath => _dir.Combine("ca.crt");

    /// <summary>Writes the key, CA, certificates and configs, starts every member and waits until each one is up.</summary>
    public static async Task<MemberGroup> StartAsync(IEnumerable<string> names, MemberGroupOptions? options = null)
    {
        var group = new MemberGroup(options ?? new MemberGroupOptions());
        try
        {
            foreach (var name in names)
            {
                await group.CreateAsync(name);
            }

            foreach (var member in group._members.Values)
            {
                member.Start();
            }

            foreach (var member in group._members.Values)
            {
                await group.WaitStartedAsync(member);
            }

            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    /// <summary>The member's sync root.</summary>
    public string Root(string member) => Get(member).Root;

    /// <summary>The full path of <paramref name="relative"/> in the member's root.</summary>
    public string PathOf(string member, string relative) => Path.Combine(Get(member).Root, relative);

    /// <summary>Writes a file in the member's root (creating directories), optionally with its modification time.</summary>
    public string Write(string member, string relative, string content, DateTime? modifiedUtc = null)
    {
        var full = PathOf(member, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        if (modifiedUtc is { } time)
        {
            File.SetLastWriteTimeUtc(full, time);
        }

        return full;
    }

    /// <summary>The member's admin endpoint, e.g. <c>new Uri(AdminUri(m), "metrics")</c>.</summary>
    public Uri AdminUri(string member) => Get(member).AdminUri;

    /// <summary>The member's config file.</summary>
    public string ConfigPath(string member) => Get(member).ConfigPath;

    /// <summary>What the member's processes printed so far.</summary>
    public string Log(string member) => Get(member).Log;

    /// <summary>Whether the member's process is running.</summary>
    public bool IsRunning(string member) => Get(member).IsRunning;

    /// <summary>SIGUSR1: the member scans its root now instead of at the next rescan.</summary>
    public async Task ScanNowAsync(string member)
    {
        var m = Get(member);
        Assert.True(m.IsRunning, $"{member} is not running; cannot ask it to scan\n{m.Log}");
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-USR1", m.Process!.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(kill.ExitCode == 0, $"kill -USR1 {m.Process.Id} failed for {member}");
    }

    /// <summary>Asks every running member to scan now.</summary>
    public async Task ScanAllAsync()
    {
        foreach (var member in _members.Values.Where(m => m.IsRunning))
        {
            await ScanNowAsync(member.Name);
        }
    }

    /// <summary>Sends a signal by its <c>kill</c> name (TERM, HUP) to the member.</summary>
    public Task SignalAsync(string member, string signal) => Get(member).SignalAsync(signal);

    /// <summary>Waits for the member's process to exit by itself (after SIGTERM) and returns its exit code.</summary>
    public Task<int> WaitExitAsync(string member, TimeSpan timeout) => Get(member).WaitExitAsync(timeout);

    /// <summary>Rewrites the member's config file with <paramref name="options"/> (the running process sees it on SIGHUP or by polling).</summary>
    public void RewriteConfig(string member, MemberOptions options)
    {
        var m = Get(member);
        m.Options = options;
        WriteConfig(m);
    }

    /// <summary>SIGKILL, and waits for the process to end.</summary>
    public Task KillAsync(string member) => Get(member).KillAsync();

    /// <summary>Kills the member if it runs, rewrites its config (peers: every other member now in the group) and starts it again.</summary>
    public async Task RestartAsync(string member)
    {
        var m = Get(member);
        await m.KillAsync();
        WriteConfig(m);
        m.Start();
        await WaitStartedAsync(m);
    }

    /// <summary>
    /// Adds and starts a member whose static peers are every existing member. The existing members' configs do not
    /// change: they learn the new member only through the connections it opens.
    /// </summary>
    public async Task AddMemberAsync(string name, MemberOptions? options = null)
    {
        var member = await CreateAsync(name, options);
        member.Start();
        await WaitStartedAsync(member);
    }

    /// <summary>Runs a CLI verb against the member's config (the member may be running), e.g. <c>dirty</c>, <c>conflicts</c>, <c>force PATH</c>.</summary>
    public Task<KubeSyncProcess.Result> CliAsync(string member, params string[] args) =>
        KubeSyncProcess.RunAsync(["--config", Get(member).ConfigPath, .. args], Get(member).Directory, timeout: TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members.Values)
        {
            try
            {
                await member.KillAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // Already gone; the logs below still say what it did.
            }
        }

        if (_options.Output is { } output)
        {
            foreach (var member in _members.Values)
            {
                output.WriteLine($"===== {member.Name} ({member.Root})\n{member.Log}");
            }
        }

        _ca.Dispose();
        _dir.Dispose();
    }

    /// <summary>Every member's log, for a failure message.</summary>
    public string DescribeLogs() =>
        string.Join("\n", _members.Values.Select(m => $"===== {m.Name}{(m.IsRunning ? "" : " (not running)")}\n{Tail(m.Log, 6000)}"));

    private GroupMember Get(string member) =>
        _members.TryGetValue(member, out var m) ? m : throw new ArgumentException($"no member {member} in the group ({string.Join(", ", _members.Keys)})", nameof(member));

    private async Task<GroupMember> CreateAsync(string name, MemberOptions? options = null)
    {
        options ??= _options.Members.TryGetValue(name, out var configured) ? configured : new MemberOptions();
        var member = new GroupMember(name, _dir.Combine(name), options, options.Port ?? TestPorts.Reserve(), TestPorts.Reserve());
        await WriteCredentialsAsync(member);
        _members.Add(name, member);
        WriteConfig(member);
        return member;
    }

    private async Task WriteCredentialsAsync(GroupMember member)
    {
        var tls = Path.Combine(member.Directory, "tls");
        Directory.CreateDirectory(tls);
        var ipAddresses = new List<IPAddress> { IPAddress.Loopback, IPAddress.Parse(member.Options.Address) }.Distinct().ToList();
        if (member.Options.ForeignCertificateAuthority)
        {
            using var foreign = CertificateAuthority.Create(_options.Group, TimeProvider.System, CertificateValidity);
            File.WriteAllText(Path.Combine(tls, "ca.crt"), foreign.ExportCertificatePem());
            using var certificate = foreign.Issue(member.Name, TimeProvider.System, CertificateValidity, ["localhost"], ipAddresses);
            await CertificateFiles.WriteAsync(certificate, Path.Combine(tls, "tls.crt"), Path.Combine(tls, "tls.key"), CancellationToken.None);
        }
        else
        {
            File.Copy(CaPath, Path.Combine(tls, "ca.crt"));
            using var certificate = _ca.Issue(member.Name, TimeProvider.System, CertificateValidity, ["localhost"], ipAddresses);
            await CertificateFiles.WriteAsync(certificate, Path.Combine(tls, "tls.crt"), Path.Combine(tls, "tls.key"), CancellationToken.None);
        }

        var key = Path.Combine(member.Directory, "group.key");
        if (member.Options.ForeignKey)
        {
            GroupKey.WriteNew(key, overwrite: false);
        }
        else
        {
            File.Copy(KeyPath, key);
        }
    }

    private void WriteConfig(GroupMember member)
    {
        var peers = _members.Values.Where(m => m != member && !m.Options.Outsider && member.Options.StaticPeers?.Contains(m.Name) != false).Select(m => m.Endpoint);
        var yaml = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"node: {member.Name}")
            .AppendLine(CultureInfo.InvariantCulture, $"listen: \"{member.Options.Address}:{member.Port}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"admin: \"127.0.0.1:{member.AdminPort}\"")
            .AppendLine("tls: {cert: tls/tls.crt, key: tls/tls.key, ca: tls/ca.crt}")
            .AppendLine("keyFile: group.key")
            .AppendLine(member.Options.WatchConfig is { } watch ? $"watchConfig: {(watch ? "true" : "false")}" : "")
            .AppendLine(member.Options.ConfigYaml?.TrimEnd() ?? "")
            .AppendLine(CultureInfo.InvariantCulture, $"timing: {{rescan: {_options.Rescan}, pull: {_options.Pull}{(member.Options.Timing is { } timing ? ", " + timing : "")}}}")
            .AppendLine("groups:")
            .AppendLine(CultureInfo.InvariantCulture, $"  - name: {_options.Group}")
            .AppendLine("    root: root")
            .AppendLine(CultureInfo.InvariantCulture, $"    auto: {_options.Auto}")
            .AppendLine(CultureInfo.InvariantCulture, $"    peers: {{static: [{string.Join(", ", peers.Select(p => $"\"{p}\""))}]}}");
        if (member.Options.GroupYaml is { } extra)
        {
            yaml.AppendLine(extra.TrimEnd());
        }

        // Written beside and renamed, so a daemon polling the file never reads half of it.
        var temp = member.ConfigPath + ".tmp";
        File.WriteAllText(temp, yaml.ToString());
        File.Move(temp, member.ConfigPath, overwrite: true);
    }

    private async Task WaitStartedAsync(GroupMember member)
    {
        try
        {
            await Eventually.TrueAsync(() => member.IsStarted() || !member.IsRunning, $"{member.Name} to start", _options.StartTimeout);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            Assert.Fail($"{e.Message}\n{member.Log}");
        }

        Assert.True(member.IsRunning, $"{member.Name} exited at start\n{member.Log}");
    }

    private static string Tail(string text, int max) => text.Length <= max ? text : "..." + text[^max..];
}
