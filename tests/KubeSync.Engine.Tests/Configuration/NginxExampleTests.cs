using System.Text.RegularExpressions;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Paths;

using YamlDotNet.RepresentationModel;

namespace KubeSync.Engine.Tests.Configuration;

/// <summary>examples/nginx is read by the real config loader, as the sidecar in its StatefulSet would read it.</summary>
public sealed partial class NginxExampleTests
{
    private static readonly string Example = FindExample();

    private static string FindExample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "nginx");
            if (File.Exists(Path.Combine(candidate, "kubesync.yaml")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("examples/nginx not found above the test assembly");
    }

    /// <summary>The kubesync container's environment in statefulset.yaml, with <c>$(POD_NAME)</c> expanded as the kubelet does.</summary>
    private static Dictionary<string, string> SidecarEnvironment(string pod)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Example, "statefulset.yaml")))
        {
            stream.Load(reader);
        }

        var statefulSet = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).Single(d => d["kind"].ToString() == "StatefulSet");
        var containers = (YamlSequenceNode)statefulSet["spec"]["template"]["spec"]["containers"];
        var sidecar = containers.Cast<YamlMappingNode>().Single(c => c["name"].ToString() == "kubesync");
        var env = new Dictionary<string, string> { ["POD_NAME"] = pod };
        foreach (var item in ((YamlSequenceNode)sidecar["env"]).Cast<YamlMappingNode>())
        {
            if (item.Children.TryGetValue("value", out var value))
            {
                env[item["name"].ToString()] = value.ToString().Replace("$(POD_NAME)", pod, StringComparison.Ordinal);
            }
        }

        return env;
    }

    [Fact]
    public void KubesyncYaml_InTheStatefulSetsEnvironment_LoadsWithThePodsIdentityAndTheReloadAction()
    {
        var env = SidecarEnvironment("web-1");
        Assert.Equal("/etc/kubesync/config/kubesync.yaml", env["KUBESYNC_CONFIG"]);

        var config = ConfigLoader.LoadFile(Path.Combine(Example, "kubesync.yaml"), env);

        Assert.Equal("web-1", config.Node);
        Assert.Equal(new TlsConfig("/etc/kubesync/tls/web-1.crt", "/etc/kubesync/tls/web-1.key", "/etc/kubesync/tls/ca.crt"), config.Tls);
        Assert.Equal("/etc/kubesync/key/group.key", config.KeyFile);
        Assert.Equal(TimeSpan.FromMilliseconds(20), config.Timing.Debounce);
        var group = Assert.Single(config.Groups);
        Assert.Equal("/etc/nginx/conf.d", group.Root);
        Assert.Equal("/etc/nginx/conf.d/.kubesync", group.StateDir);
        Assert.Equal(new DnsPeers("web-peers.default.svc.cluster.local", 30865), group.Peers.Dns);
        var action = Assert.Single(group.Actions);
        Assert.Equal("reload-nginx", action.Name);
        Assert.Equal(["*.conf"], action.Patterns);
        Assert.Equal(new SignalActionConfig(null, "/run/nginx/nginx.pid", "HUP"), action.Signal);
        Assert.Equal(TimeSpan.FromMilliseconds(500), action.Delay);
        Assert.Equal(TimeSpan.FromSeconds(10), action.Timeout);
        Assert.True(action.DoLocal);

        var rules = LocalGroup.CompileRules(group, 0);
        Assert.True(rules.IsIncluded(SyncPath.Parse("site.conf")));
        Assert.False(rules.IsIncluded(SyncPath.Parse("site.conf~")));
        Assert.False(rules.IsIncluded(SyncPath.Parse(".kubesync/state.db")));
    }

    [Fact]
    public void NginxConf_WritesItsPidWhereTheSignalActionReadsIt()
    {
        var config = ConfigLoader.LoadFile(Path.Combine(Example, "kubesync.yaml"), SidecarEnvironment("web-0"));
        var nginx = File.ReadAllText(Path.Combine(Example, "nginx.conf"));

        var pid = PidDirective().Match(nginx);
        Assert.True(pid.Success, "nginx.conf has no pid directive");
        Assert.Equal(config.Groups[0].Actions[0].Signal!.PidFile, pid.Groups[1].Value);
        Assert.Contains("include /etc/nginx/conf.d/*.conf;", nginx, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^pid\s+(\S+);", RegexOptions.Multiline)]
    private static partial Regex PidDirective();
}
