using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;

namespace KubeSync.Engine.Tests.Configuration;

public class ConfigLoaderTests
{
    private const string Full = """
        node: web-0
        listen: 0.0.0.0:30865
        admin: 127.0.0.1:9465
        tls: {cert: tls.crt, key: tls.key, ca: ca.crt}
        insecure: false
        keyFile: group.key
        timing: {debounce: 20ms, rescan: 10m}
        groups:
          - name: web
            root: /srv/www/conf
            stateDir: /srv/www/conf/.kubesync
            include: ["/"]
            exclude: ["*~", ".*", "/cache"]
            auto: none
            role: send-receive
            ignore: [uid, gid]
            backup: {directory: /srv/backup, generations: 3}
            peers:
              static: ["web-1=10.0.0.6:30865", "web-2=10.0.0.7:30865"]
              dns: {name: web-peers.default.svc.cluster.local, port: 30865}
            actions:
              - name: reload
                patterns: ["*.conf"]
                exec: ["nginx", "-s", "reload"]
                timeout: 30s
                doLocal: false
        """;

    private static readonly Dictionary<string, string> NoEnv = [];

    private static KubeSyncConfig Load(string yaml, Dictionary<string, string>? env = null) => ConfigLoader.Load(yaml, "/etc/kubesync/kubesync.yaml", env ?? NoEnv);

    private static string Error(string yaml, Dictionary<string, string>? env = null) => Assert.Throws<ConfigException>(() => Load(yaml, env)).Message;

    [Theory]
    [InlineData("admin: off", "")]
    [InlineData("admin: OFF", "")]
    [InlineData("admin: \"\"", "")]
    [InlineData("admin: \"0.0.0.0:9100\"", "0.0.0.0:9100")]
    [InlineData("", KubeSyncConfig.DefaultAdmin)]
    public void Load_Admin_OffEmptyOrAddress(string line, string expected) =>
        Assert.Equal(expected, Load(line + "\ngroups: [{name: a, root: /r}]").Admin);

    [Fact]
    public void Load_DesignExample_ReadsEveryKey()
    {
        var c = Load(Full);
        Assert.Equal("web-0", c.Node);
        Assert.Equal("/etc/kubesync/tls.crt", c.Tls!.Cert);
        Assert.Equal("/etc/kubesync/group.key", c.KeyFile);
        Assert.Equal(TimeSpan.FromMilliseconds(20), c.Timing.Debounce);
        Assert.Equal(TimeSpan.FromMinutes(10), c.Timing.Rescan);
        var g = Assert.Single(c.Groups);
        Assert.Equal("/srv/www/conf", g.Root);
        Assert.Equal(["*~", ".*", "/cache"], g.Exclude);
        Assert.Equal(ConflictPolicy.None, g.Auto);
        Assert.Equal(["uid", "gid"], g.Ignore);
        Assert.Equal(new BackupConfig("/srv/backup", 3), g.Backup);
        Assert.Equal([new StaticPeer("web-1", "10.0.0.6", 30865), new StaticPeer("web-2", "10.0.0.7", 30865)], g.Peers.Static);
        Assert.Equal(new DnsPeers("web-peers.default.svc.cluster.local", 30865), g.Peers.Dns);
        var a = Assert.Single(g.Actions);
        Assert.Equal(["nginx", "-s", "reload"], a.Exec);
        Assert.Equal(TimeSpan.FromSeconds(30), a.Timeout);
    }

    [Fact]
    public void Load_Minimal_AppliesDefaults()
    {
        var c = Load("groups: [{name: web, root: data}]", new() { ["POD_NAME"] = "web-7" });
        Assert.Equal("web-7", c.Node);
        var g = c.Groups[0];
        Assert.Equal("/etc/kubesync/data", g.Root);
        Assert.Equal("/etc/kubesync/data/.kubesync", g.StateDir);
        Assert.Equal(["/"], g.Include);
        Assert.Equal(MemberRole.SendReceive, g.Role);
        Assert.Equal(TimeSpan.FromHours(1), c.Timing.PeerExpiry);
    }

    [Fact]
    public void Load_StaticPeersIncludingSelf_SelfIsDropped()
    {
        var c = Load("node: web-1\ngroups: [{name: web, root: /d, peers: {static: [web-0=a:1, web-1=b:2, web-2=c]}}]");
        Assert.Equal(["web-0", "web-2"], c.Groups[0].Peers.Static.Select(p => p.Node));
        Assert.Equal(30865, c.Groups[0].Peers.Static[1].Port);
    }

    [Fact]
    public void Load_EnvironmentOverrides_WinOverFile()
    {
        var c = Load(Full, new()
        {
            ["KUBESYNC_NODE"] = "web-9",
            ["KUBESYNC_TIMING__DEBOUNCE"] = "50ms",
            ["KUBESYNC_GROUPS__0__ROOT"] = "/data",
            ["KUBESYNC_GROUPS__0__EXCLUDE__3"] = "*.tmp",
            ["KUBESYNC_KEYFILE"] = "/keys/k",
            ["KUBESYNC_CONFIG"] = "/not/a/key.yaml",
        });
        Assert.Equal("web-9", c.Node);
        Assert.Equal(TimeSpan.FromMilliseconds(50), c.Timing.Debounce);
        Assert.Equal("/data", c.Groups[0].Root);
        Assert.Equal(["*~", ".*", "/cache", "*.tmp"], c.Groups[0].Exclude);
        Assert.Equal("/keys/k", c.KeyFile);
    }

    [Fact]
    public void Load_KubernetesServiceLinksOfAServiceNamedKubesync_AreNotKeys()
    {
        // What a pod gets for the chart's Service released as "kubesync" (port 8080) and for a "kubesync-metrics" Service.
        var c = Load(Full, new()
        {
            ["KUBESYNC_SERVICE_HOST"] = "10.96.0.12",
            ["KUBESYNC_SERVICE_PORT"] = "8080",
            ["KUBESYNC_SERVICE_PORT_HTTP"] = "8080",
            ["KUBESYNC_PORT"] = "tcp://10.96.0.12:8080",
            ["KUBESYNC_PORT_8080_TCP"] = "tcp://10.96.0.12:8080",
            ["KUBESYNC_PORT_8080_TCP_PROTO"] = "tcp",
            ["KUBESYNC_PORT_8080_TCP_PORT"] = "8080",
            ["KUBESYNC_PORT_8080_TCP_ADDR"] = "10.96.0.12",
            ["KUBESYNC_METRICS_SERVICE_HOST"] = "10.96.0.13",
            ["KUBESYNC_METRICS_PORT_9090_TCP_ADDR"] = "10.96.0.13",
            ["KUBESYNC_NODE"] = "web-9",
        });

        Assert.Equal("web-9", c.Node);
    }

    [Theory]
    [InlineData("KUBESYNC_SERVIC_HOST", "servic_host: unknown key")]
    [InlineData("KUBESYNC_GROUPS__0__PORT", "groups[0].port: unknown key")]
    [InlineData("KUBESYNC_PORT_HTTP", "port_http: unknown key")]
    public void Load_EnvironmentNamingNoKey_IsStillAnError(string variable, string expected) =>
        Assert.Contains(expected, Error(Full, new() { [variable] = "x" }));

    [Fact]
    public void Load_EnvironmentOnly_BuildsAGroup()
    {
        var c = Load("", new() { ["KUBESYNC_NODE"] = "a", ["KUBESYNC_GROUPS__0__NAME"] = "web", ["KUBESYNC_GROUPS__0__ROOT"] = "/srv" });
        Assert.Equal("/srv", c.Groups[0].Root);
    }

    [Theory]
    [InlineData("groups: []", "groups: at least one group is required")]
    [InlineData("node: web_0!\ngroups: [{name: a, root: /r}]", "node: \"web_0!\" is not a valid name")]
    [InlineData("groups: [{name: a}]", "groups[0].root: is required")]
    [InlineData("groups: [{name: Web, root: /r}]", "groups[0].name: \"Web\" is not a valid name")]
    [InlineData("groups: [{name: a, root: /}]", "groups[0].root: must not be the file system root")]
    [InlineData("groups: [{name: a, root: /r}, {name: a, root: /s}]", "groups[1].name: group 'a' is defined twice")]
    [InlineData("groups: [{name: a, root: /r, exlude: [x]}]", "groups[0].exlude: unknown key (did you mean 'exclude'?)")]
    [InlineData("grups: []\ngroups: [{name: a, root: /r}]", "grups: unknown key (did you mean 'groups'?)")]
    [InlineData("groups: [{name: a, root: /r, auto: newest}]", "groups[0].auto: must be one of none, first, younger")]
    [InlineData("groups: [{name: a, root: /r, role: master}]", "groups[0].role: must be one of send-receive, receive-only")]
    [InlineData("groups: [{name: a, root: /r, ignore: [mtime]}]", "groups[0].ignore[0]: must be one of uid, gid, mode")]
    [InlineData("groups: [{name: a, root: /r, backup: {directory: /b, generations: three}}]", "groups[0].backup.generations: expected a whole number, got \"three\"")]
    [InlineData("groups: [{name: a, root: /r, backup: {directory: /b, generations: 0}}]", "groups[0].backup.generations: must be between 1 and 100, got 0")]
    [InlineData("groups: [{name: a, root: /r, peers: {static: [web-1]}}]", "groups[0].peers.static[0]: expected name=host:port")]
    [InlineData("groups: [{name: a, root: /r, peers: {static: [\"web-1=10.0.0.1:99999\"]}}]", "groups[0].peers.static[0]: \"10.0.0.1:99999\" is not host:port")]
    [InlineData("groups: [{name: a, root: /r, peers: {static: [\"b=::1:5\"]}}]", "write an IPv6 host in brackets")]
    [InlineData("timing: {debounce: fast}\ngroups: [{name: a, root: /r}]", "timing.debounce: expected a duration such as 20ms")]
    [InlineData("timing: {rescan: 10ms}\ngroups: [{name: a, root: /r}]", "timing.rescan: must be between 1s and 7d, got 10ms")]
    [InlineData("timing: {handshake: 500ms}\ngroups: [{name: a, root: /r}]", "timing.handshake: must be between 1s and 5m, got 500ms")]
    [InlineData("timing: {idle: 2s}\ngroups: [{name: a, root: /r}]", "timing.idle: must be between 3s and 1h, got 2s")]
    [InlineData("timing: {idle: never}\ngroups: [{name: a, root: /r}]", "timing.idle: expected a duration such as 20ms")]
    [InlineData("timing: {peerExpiry: 500ms}\ngroups: [{name: a, root: /r}]", "timing.peerExpiry: must be between 1s and 30d, got 500ms")]
    [InlineData("listen: nowhere\ngroups: [{name: a, root: /r}]", "listen: \"nowhere\" is not host:port")]
    [InlineData("insecure: maybe\ngroups: [{name: a, root: /r}]", "insecure: expected true or false, got \"maybe\"")]
    [InlineData("admin: nowhere\ngroups: [{name: a, root: /r}]", "admin: \"nowhere\" is not host:port")]
    [InlineData("admin: \"127.0.0.1:70000\"\ngroups: [{name: a, root: /r}]", "admin: \"127.0.0.1:70000\" is not host:port")]
    [InlineData("tls: {cert: a}\ngroups: [{name: a, root: /r}]", "tls.key: is required")]
    [InlineData("groups: [{name: a, root: /r, actions: [{name: x}]}]", "groups[0].actions[0].exec: an action needs exactly one of exec, signal, podExec, http")]
    [InlineData("groups: [{name: a, root: /r, actions: [{name: x, exec: [a], http: {url: 'http://x'}}]}]", "groups[0].actions[0].http: an action has exactly one runner")]
    [InlineData("groups: [{name: a, root: /r, actions: [{name: x, signal: {process: nginx, signal: BOOM}}]}]", "groups[0].actions[0].signal.signal: unknown signal \"BOOM\"")]
    [InlineData("groups: [{name: a, root: /r, actions: [{name: x, http: {url: 'ftp://x'}}]}]", "groups[0].actions[0].http.url: expected an absolute http:// or https:// URL")]
    [InlineData("groups: [{name: a, root: /r, actions: [{name: x, exec: [a]}, {name: x, exec: [b]}]}]", "groups[0].actions[1].name: action 'x' is defined twice")]
    [InlineData("groups: {name: a}", "groups: expected a list, got a map")]
    [InlineData("groups: [{name: a, root: /r}]\ngroups: []", "kubesync.yaml: line 2, column 1")]
    [InlineData("groups: [{name: a, root: [/r]}]", "groups[0].root: expected a single value, got a list")]
    [InlineData("- a\n- b", "the top level must be a map of keys")]
    [InlineData("groups: [{name: a, root: /r", "kubesync.yaml: line 2, column")]
    public void Load_BadValue_OneLineNamingTheKey(string yaml, string expected)
    {
        var message = Error(yaml);
        Assert.Contains(expected, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Load_BadEnvironmentValue_NamesTheKey()
    {
        Assert.Contains("timing.debounce: expected a duration", Error(Full, new() { ["KUBESYNC_TIMING__DEBOUNCE"] = "soon" }));
        Assert.Contains("KUBESYNC_GROUPS__5__ROOT: '5' does not fit", Error(Full, new() { ["KUBESYNC_GROUPS__5__ROOT"] = "/x" }));
    }

    [Theory]
    [InlineData("20ms", 20)]
    [InlineData("1.5s", 1500)]
    [InlineData("10m", 600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("0", 0)]
    [InlineData("250us", 0.25)]
    public void Duration_Valid_Parses(string text, double ms)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("ms")]
    [InlineData("10 ms")]
    [InlineData("5y")]
    [InlineData("-1s")]
    public void Duration_Invalid_Rejected(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void ResolvePath_Precedence_FlagThenEnvironmentThenDefault()
    {
        Assert.Equal("/a.yaml", ConfigLoader.ResolvePath("/a.yaml", new Dictionary<string, string> { ["KUBESYNC_CONFIG"] = "/b.yaml" }));
        Assert.Equal("/b.yaml", ConfigLoader.ResolvePath(null, new Dictionary<string, string> { ["KUBESYNC_CONFIG"] = "/b.yaml" }));
        Assert.Equal(ConfigLoader.DefaultPath, ConfigLoader.ResolvePath(null, NoEnv));
    }
}
