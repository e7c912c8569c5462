using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Hosting;

namespace KubeSync.Engine.Tests.Hosting;

public sealed class ConfigChangesTests
{
    private const string Base = """
        node: web-0
        listen: 0.0.0.0:30865
        keyFile: group.key
        timing: {debounce: 20ms, rescan: 10m}
        groups:
          - name: web
            root: /srv/www
            exclude: ["*~"]
            peers: {static: ["web-1=10.0.0.6:30865"]}
            actions:
              - name: reload
                patterns: ["*.conf"]
                exec: ["nginx", "-s", "reload"]
        """;

    private static readonly Dictionary<string, string> NoEnv = [];

    private static KubeSyncConfig Load(string yaml) => ConfigLoader.Load(yaml, "/etc/kubesync/kubesync.yaml", NoEnv);

    private static ConfigChanges Diff(string next) => ConfigChanges.Between(Load(Base), Load(next));

    [Fact]
    public void Between_SameFile_NothingChanges()
    {
        var changes = Diff(Base);

        Assert.Empty(changes.Applied);
        Assert.Empty(changes.NeedsRestart);
        Assert.Empty(changes.Groups);
    }

    [Fact]
    public void Between_RulesPeersActionsTimings_AppliedWithTheirKeys()
    {
        var next = Base
            .Replace("exclude: [\"*~\"]", "exclude: [\"*~\", \"*.log\"]", StringComparison.Ordinal)
            .Replace("web-1=10.0.0.6:30865\"]", "web-1=10.0.0.6:30865\", \"web-2=10.0.0.7:30865\"]", StringComparison.Ordinal)
            .Replace("\"-s\", \"reload\"", "\"-s\", \"reopen\"", StringComparison.Ordinal)
            .Replace("debounce: 20ms", "debounce: 5ms", StringComparison.Ordinal);

        var changes = Diff(next);

        Assert.Equal(["timing.debounce", "groups[0].exclude", "groups[0].peers", "groups[0].actions"], changes.Applied);
        Assert.Empty(changes.NeedsRestart);
        var group = Assert.Single(changes.Groups);
        Assert.True(group is { Rules: true, Peers: true, Actions: true, Auto: false, Backup: false });
        Assert.Equal(TimeSpan.FromMilliseconds(5), changes.Effective.Timing.Debounce);
        Assert.Equal(2, changes.Effective.Groups[0].Peers.Static.Count);
    }

    [Fact]
    public void Between_ListenRootAndANewGroup_NeedRestartAndKeepTheirRunningValues()
    {
        var next = Base
            .Replace("listen: 0.0.0.0:30865", "listen: 0.0.0.0:30866", StringComparison.Ordinal)
            .Replace("root: /srv/www", "root: /srv/other", StringComparison.Ordinal)
            + "\n  - {name: more, root: /srv/more}\n";

        var changes = Diff(next);

        // stateDir defaults to ROOT/.kubesync, so it moves with the root.
        Assert.Equal(["listen", "groups[0].root", "groups[0].stateDir", "groups[1] (group more added)"], changes.NeedsRestart);
        Assert.Empty(changes.Applied);
        Assert.Equal("0.0.0.0:30865", changes.Effective.Listen);
        Assert.Equal("/srv/www", Assert.Single(changes.Effective.Groups).Root);
    }

    [Fact]
    public void Between_GroupRemoved_NeedsRestartAndTheGroupRunsOn()
    {
        var next = Base.Replace("name: web", "name: site", StringComparison.Ordinal);

        var changes = Diff(next);

        Assert.Contains("groups (group web removed)", changes.NeedsRestart);
        Assert.Contains("groups[0] (group site added)", changes.NeedsRestart);
        Assert.Equal("web", Assert.Single(changes.Effective.Groups).Name);
    }
}
