using System.Text.RegularExpressions;

using KubeSync.Kubernetes.Events;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Kubernetes.Tests.Events;

public sealed partial class EventRecorderTests
{
    private static readonly KubeObject Group = new()
    {
        ApiVersion = "kubesync.io/v1alpha1",
        Kind = "SyncGroup",
        Metadata = new ObjectMeta { Name = "site", Namespace = "web", Uid = "u-1" },
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")]
    private static partial Regex MicroTime();

    private static EventRecorder Recorder(KubeApiClient client) =>
        new(client.Resource(KubeResources.Events), "kubesync-operator", "kubesync-operator-0", TimeProvider.System, NullLogger<EventRecorder>.Instance);

    [Fact]
    public async Task Record_Transition_WritesEventWithMicroTimeAndRegarding()
    {
        await using var cluster = await FakeCluster.StartAsync();

        var recorded = await Recorder(cluster.Client).RecordAsync(Group, EventKind.Warning, "ConflictsFound", "Sync", "2 files in conflict", CancellationToken.None).WithTimeout("record");

        var stored = Assert.Single((await cluster.Client.Resource(KubeResources.Events).ListAsync("web", null, CancellationToken.None).WithTimeout("list")).Items);
        var raw = cluster.Server.Store.Find(cluster.Server.Resources.Find("events.k8s.io", "v1", "events")!, "web", stored.Metadata.Name!)!;
        Assert.True(recorded);
        Assert.StartsWith("site.", stored.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal("Warning", stored.Type);
        Assert.Equal("ConflictsFound", stored.Reason);
        Assert.Equal("kubesync-operator", stored.ReportingController);
        Assert.Equal("SyncGroup", stored.Regarding!.Kind);
        Assert.Equal("u-1", stored.Regarding.Uid);
        Assert.Matches(MicroTime(), raw["eventTime"]!.GetValue<string>());
    }

    [Fact]
    public async Task Record_SameEventAgain_BumpsSeriesInsteadOfAddingOne()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var recorder = Recorder(cluster.Client);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await recorder.RecordAsync(Group, EventKind.Normal, "Synced", "Sync", "all members in sync", CancellationToken.None).WithTimeout("record"));
        }

        var stored = Assert.Single((await cluster.Client.Resource(KubeResources.Events).ListAsync("web", null, CancellationToken.None).WithTimeout("list")).Items);
        Assert.Equal(3, stored.Series!.Count);
        Assert.NotNull(stored.Series.LastObservedTime);
    }

    [Fact]
    public async Task Record_ApiRejects_ReturnsFalseWithoutThrowing()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = new KubeApiClient(FakeCluster.ConfigFor(cluster.Server, token: "wrong"));

        var recorded = await Recorder(client).RecordAsync(Group, EventKind.Normal, "Synced", "Sync", "x", CancellationToken.None).WithTimeout("record");

        Assert.False(recorded);
    }
}
