using System.Runtime.InteropServices;
using System.Text;

using KubeSync.Engine.Configuration;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Scanning;
using KubeSync.Engine.State;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Scanning;

/// <summary>A group over a real temp directory, with a clock far enough ahead that nothing written by the test is racy unless asked.</summary>
internal sealed partial class ScanFixture : IDisposable
{
    private readonly TempDirectory _dir = new();
    private LocalGroup? _group;

    public ScanFixture(string extraGroupYaml = "", string peers = "[web-1=127.0.0.1:1, web-2=127.0.0.1:2]")
    {
        Directory.CreateDirectory(Root);
        ConfigYaml = GroupYaml(extraGroupYaml, peers);
        Clock = new ManualTimeProvider(DateTimeOffset.UtcNow.AddMinutes(5));
    }

    public string Root => _dir.Combine("root");

    /// <summary>A config with one group over <see cref="Root"/>; <paramref name="extra"/> adds flow-style keys to the group.</summary>
    public string GroupYaml(string extra, string peers = "[web-1=127.0.0.1:1, web-2=127.0.0.1:2]") =>
        $"node: web-0\ngroups:\n  - {{name: web, root: \"{Root}\", peers: {{static: {peers}}}{(extra.Length > 0 ? ", " + extra : "")}}}\n";

    public string ConfigYaml { get; set; }

    public ManualTimeProvider Clock { get; }

    public LocalGroup Group => _group ??= Open();

    public StateStore Store => Group.Store;

    public string Write(string relative, string content) => _dir.WriteFile(Path.Combine("root", relative), content);

    public string Full(string relative) => Path.Combine(Root, relative);

    public ScanResult Scan(ScanRequest? request = null) => new Scanner(Group, time: Clock).Scan(request ?? ScanRequest.Full);

    public FileRecord? Row(string path) => Store.Get(SyncPath.Parse(path));

    public List<string> LivePaths() => Store.ReadFiles(includeDeleted: false).Select(f => f.Path.Value).ToList();

    /// <summary>Reopens the group (new rules, same database).</summary>
    public void Reopen()
    {
        _group?.Dispose();
        _group = null;
    }

    /// <summary>Creates a file whose name is raw bytes (not expressible as a .NET string when invalid UTF-8).</summary>
    public void CreateRawName(byte[] name)
    {
        var full = Encoding.UTF8.GetBytes(Root + "/").Concat(name).Append((byte)0).ToArray();
        var fd = Creat(full, 0x1A4);
        Assert.True(fd >= 0, $"creat failed: {Marshal.GetLastPInvokeError()}");
        _ = Close(fd);
    }

    public void MakeFifo(string relative) => Assert.Equal(0, MkFifo(Encoding.UTF8.GetBytes(Full(relative) + "\0"), 0x1A4));

    public void Dispose()
    {
        _group?.Dispose();
        _dir.Dispose();
    }

    private LocalGroup Open()
    {
        var config = ConfigLoader.Load(ConfigYaml, null, new Dictionary<string, string>());
        return LocalGroup.Open(config, config.Groups[0], Clock);
    }

    [LibraryImport("libc", EntryPoint = "creat", SetLastError = true)]
    private static partial int Creat(byte[] path, int mode);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static partial int MkFifo(byte[] path, int mode);
}
