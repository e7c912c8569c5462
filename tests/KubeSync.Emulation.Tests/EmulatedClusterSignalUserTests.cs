using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// The signal action across users with real processes: nginx runs as UID 102 and the example's sidecar as UID 101,
/// so the kernel refuses the HUP. The sidecar says which UIDs to line up and keeps running; the operator, which sees
/// both UIDs in the pod template, sets <c>ActionsPermitted=False</c>. (Same UIDs, the HUP works: the nginx example test.)
/// </summary>
[Collection(EmulatorTestGroup.Name)]
public sealed class EmulatedClusterSignalUserTests(ITestOutputHelper output)
{
    private const int OtherUid = 102;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    [SkippableFactForOperatedCluster]
    public async Task SignalAction_AppOfAnotherUser_RefusedWithBothUids_ConditionFalse_NothingCrashes()
    {
        await using var cluster = await OperatedCluster.StartAsync(output, "ghcr.io/kubesync/kubesync:test");
        await cluster.Client.Resource(KubeResources.ConfigMaps).CreateAsync(NginxWeb.NginxConfigMap(), CancellationToken.None).WithTimeout("create ConfigMap", CallTimeout);
        await cluster.Client.Resource(KubeResources.Deployments).CreateAsync(NginxWeb.WebDeployment(2, nginxUid: OtherUid), "kubectl", CancellationToken.None).WithTimeout("create Deployment", CallTimeout);
        await cluster.Groups.CreateAsync(NginxWeb.ExampleSyncGroup(), CancellationToken.None).WithTimeout("create SyncGroup", CallTimeout);
        var pods = await cluster.WaitReadyPodsAsync(SyncGroupLabels.Group + "=" + NginxWeb.Group, 2, SyncGroupLabels.SidecarContainer);

        // The file still syncs; the reload after it is refused by the kernel, and the sidecar says why.
        File.WriteAllText(Path.Combine(pods[0].VolumePath(NginxWeb.ConfVolume)!, "site.conf"), NginxWeb.Site("version 1"));
        await cluster.WaitFileAsync(pods[1], NginxWeb.ConfVolume, "site.conf", NginxWeb.Site("version 1"));
        var expected = $"the process runs as UID {OtherUid} and this sidecar as UID 101";
        await cluster.EventuallyAsync(() => Task.FromResult(pods.All(p => p.Log(SyncGroupLabels.SidecarContainer).Contains(expected, StringComparison.Ordinal))), $"each sidecar logs \"{expected}\"");

        SyncGroupCondition? permitted = null;
        await cluster.EventuallyAsync(async () =>
        {
            permitted = (await cluster.GroupAsync(NginxWeb.Group))?.Status?.Conditions.FirstOrDefault(c => c.Type == SyncGroupConditionTypes.ActionsPermitted);
            return permitted?.Status == "False";
        }, "condition ActionsPermitted=False");
        Assert.Equal("SignalNotPermitted", permitted!.Reason);
        Assert.Contains(OtherUid.ToString(System.Globalization.CultureInfo.InvariantCulture), permitted.Message, StringComparison.Ordinal);

        Assert.All(pods, p =>
        {
            Assert.Equal(0, p.RestartCount(SyncGroupLabels.SidecarContainer));
            Assert.Equal(0, p.RestartCount("nginx"));
            Assert.NotNull(p.ProcessId(SyncGroupLabels.SidecarContainer));
        });
    }
}
