using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Testing;

namespace KubeSync.Operator.Tests.Reconciling;

/// <summary>Specs that cannot be carried out end as a Degraded condition that says what to fix, and the workload is left alone.</summary>
public sealed class DegradedTests
{
    [Theory]
    [InlineData("volume", "\"site\"", "InvalidWorkload", "Deployment/web has no volume 'site' (it has: conf)")]
    [InlineData("workloadRef", "{\"kind\": \"Deployment\", \"name\": \"shop\"}", "WorkloadNotFound", "Deployment/shop does not exist in namespace default")]
    [InlineData("actions", "[{\"name\": \"reload\", \"podExec\": {\"container\": \"php\", \"command\": [\"kill\", \"-USR2\", \"1\"]}}]", "InvalidWorkload", "actions[reload] names container 'php', which Deployment/web does not have (it has: nginx)")]
    [InlineData("actions", "[{\"name\": \"reload\", \"exec\": [\"true\"], \"http\": {\"url\": \"http://127.0.0.1/\"}}]", "InvalidSpec", "set exactly one runner")]
    public async Task Reconcile_BadSpec_IsDegradedWithAMessageThatSaysWhatToFix(string key, string json, string reason, string message)
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml", g => g["spec"]![key] = JsonNode.Parse(json));
        var before = (await cluster.RawAsync(ResourceKind.Deployments, "web"))["spec"]!.ToJsonString();

        var result = await cluster.ReconcileAsync("web-conf");

        Assert.Null(result.RequeueAfter); // waits for a change to the SyncGroup or its workload, no retry loop
        var status = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group")).Status!;
        var degraded = status.Conditions.Single(c => c.Type == SyncGroupConditionTypes.Degraded);
        Assert.Equal("True", degraded.Status);
        Assert.Equal(reason, degraded.Reason);
        Assert.Contains(message, degraded.Message, StringComparison.Ordinal);
        Assert.Equal("False", status.Conditions.Single(c => c.Type == SyncGroupConditionTypes.Ready).Status);
        Assert.Equal(before, (await cluster.RawAsync(ResourceKind.Deployments, "web"))["spec"]!.ToJsonString());
    }

    [Fact]
    public async Task Reconcile_FixedSpec_LeavesDegraded()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml", g => g["spec"]!["volume"] = "site");
        await cluster.ReconcileAsync("web-conf");

        var group = await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group");
        group.Spec!.Volume = "conf";
        await cluster.Groups.ReplaceAsync(group, CancellationToken.None).WithTimeout("fix");
        await cluster.ReconcileAsync("web-conf");

        var status = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group")).Status!;
        var degraded = status.Conditions.Single(c => c.Type == SyncGroupConditionTypes.Degraded);
        Assert.Equal(("False", "AsExpected"), (degraded.Status, degraded.Reason));
        Assert.Equal(2, status.ObservedGeneration);
    }

    [Fact]
    public async Task Reconcile_FieldOwnedByAnotherManager_IsDegradedNotForced()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml");

        // Someone else applies shareProcessNamespace: false, which the signal action needs true.
        var other = JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"template":{"spec":{"shareProcessNamespace":false}}}}""")!;
        await cluster.Client.Resource(KubeResources.Generic(ResourceKind.Deployments))
            .ApplyAsync(System.Text.Json.JsonSerializer.Deserialize(other, KubeJsonContext.Default.KubeObject)!, new("platform-team"), CancellationToken.None).WithTimeout("foreign apply");
        await cluster.ReconcileAsync("web-conf");

        var degraded = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None)).Status!.Conditions.Single(c => c.Type == "Degraded");
        Assert.Equal(("True", "FieldConflict"), (degraded.Status, degraded.Reason));
        Assert.Contains("shareProcessNamespace", degraded.Message, StringComparison.Ordinal);
        Assert.False((await cluster.RawAsync(ResourceKind.Deployments, "web"))["spec"]!["template"]!["spec"]!["shareProcessNamespace"]!.GetValue<bool>());
    }
}
