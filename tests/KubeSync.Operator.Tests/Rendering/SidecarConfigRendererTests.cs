using System.Collections;

using KubeSync.Contracts.Configuration;
using KubeSync.Contracts.SyncGroups;
using KubeSync.Engine.Configuration;
using KubeSync.Operator.Rendering;
using KubeSync.Operator.Tests.Examples;
using KubeSync.Testing;

namespace KubeSync.Operator.Tests.Rendering;

/// <summary>The rendered sidecar config is read back by the sidecar's own config loader.</summary>
public sealed class SidecarConfigRendererTests
{
    private static readonly IDictionary Environment = new Hashtable { ["POD_NAME"] = "web-7f9c-abcde" };

    [Theory]
    [MemberData(nameof(ExampleSchemaTests.ExampleFiles), MemberType = typeof(ExampleSchemaTests))]
    public void RenderedConfig_OfEachExample_LoadsWithTheSidecarsConfigLoader(string file)
    {
        var group = Example(file);
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "kubesync.yaml");
        File.WriteAllText(path, SidecarConfigRenderer.Render(group, "cluster.local"));

        var config = ConfigLoader.LoadFile(path, Environment);

        Assert.Equal("web-7f9c-abcde", config.Node);
        Assert.Equal("0.0.0.0:9465", config.Admin);
        Assert.Equal("/etc/kubesync/tls/ca.crt", config.Tls!.Ca);
        Assert.Equal("/etc/kubesync/tls/group.key", config.KeyFile);
        var rendered = Assert.Single(config.Groups);
        Assert.Equal(group.Metadata.Name, rendered.Name);
        Assert.Equal(group.Spec!.MountPath, rendered.Root);
        Assert.Equal(group.Spec.Auto, rendered.Auto);
        Assert.Equal(group.Spec.Exclude, rendered.Exclude);
        Assert.Equal($"{group.Metadata.Name}-peers.default.svc.cluster.local", rendered.Peers.Dns!.Name);
        Assert.Equal(group.Spec.Actions.Select(a => a.Name), rendered.Actions.Select(a => a.Name));
    }

    [Fact]
    public void RenderedConfig_CarriesActionsTimingAndBackup()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "kubesync.yaml");
        File.WriteAllText(path, SidecarConfigRenderer.Render(Example("examples/uploads/syncgroup.yaml"), "cluster.local"));

        var config = ConfigLoader.LoadFile(path, Environment);

        Assert.Equal(TimeSpan.FromMilliseconds(200), config.Timing.Debounce);
        Assert.Equal(TimeSpan.FromMinutes(30), config.Timing.Rescan);
        var group = config.Groups.Single();
        Assert.Equal(ConflictPolicy.Younger, group.Auto);
        Assert.Equal(new BackupConfig("/srv/app/uploads/.kubesync/backup", 2), group.Backup);
        var action = group.Actions.Single();
        Assert.Equal(new HttpActionConfig(new Uri("http://127.0.0.1:8080/internal/thumbnails"), "POST"), action.Http);
        Assert.Equal(TimeSpan.FromMinutes(1), action.Timeout);
        Assert.Equal(["*.jpg", "*.png"], action.Patterns);
    }

    [Fact]
    public void RenderedConfig_SignalAndPodExecRunners()
    {
        using var dir = new TempDirectory();
        var nginx = Path.Combine(dir.Path, "nginx.yaml");
        File.WriteAllText(nginx, SidecarConfigRenderer.Render(Example("examples/nginx/syncgroup.yaml"), "cluster.local"));
        var keys = Path.Combine(dir.Path, "keys.yaml");
        File.WriteAllText(keys, SidecarConfigRenderer.Render(Example("examples/authorized-keys/syncgroup.yaml"), "example.internal"));

        var reload = ConfigLoader.LoadFile(nginx, Environment).Groups.Single().Actions.Single();
        Assert.Equal(new SignalActionConfig("nginx", null, "HUP"), reload.Signal);
        Assert.True(reload.DoLocal);
        var log = ConfigLoader.LoadFile(keys, Environment).Groups.Single();
        Assert.Equal("sshd", log.Actions.Single().PodExec!.Container);
        Assert.Equal("ops-keys-peers.default.svc.example.internal", log.Peers.Dns!.Name);
        Assert.Equal(["/authorized_keys"], log.Include);
    }

    internal static SyncGroup Example(string file)
    {
        var document = ExampleSchemaTests.SyncGroupsIn(file).Single();
        document["metadata"]!["namespace"] = "default";
        return System.Text.Json.JsonSerializer.Deserialize(document, SyncGroupJsonContext.Default.SyncGroup)!;
    }
}
