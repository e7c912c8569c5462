using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Operator.Reconciling;
using KubeSync.Operator.Rendering;
using KubeSync.Operator.Tests.Examples;
using KubeSync.Operator.Validation;
using KubeSync.Operator.Workloads;
using KubeSync.Testing;

namespace KubeSync.Operator.Tests.Rendering;

/// <summary>The sidecar's user and capabilities as rendered, and the check of signal actions against the pod template's users.</summary>
public sealed class SidecarSecurityTests
{
    [Fact]
    public void Render_NoSecurityContext_IsTheRestrictedProfileWithTheImagesUser()
    {
        var context = SidecarContext(Group(sidecar: null), podRunAsUser: null);

        Assert.Equal(
            """{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}""",
            context.ToJsonString());
    }

    [Fact]
    public void Render_RunAsUserAndGroup_AreSetOnTheSidecar()
    {
        var context = SidecarContext(Group("""{"runAsUser": 101, "runAsGroup": 102}"""), podRunAsUser: null);

        Assert.Equal(101, context["runAsUser"]!.GetValue<long>());
        Assert.Equal(102, context["runAsGroup"]!.GetValue<long>());
        Assert.True(context["runAsNonRoot"]!.GetValue<bool>());
        Assert.Null(context["capabilities"]!["add"]);
    }

    [Fact]
    public void Render_RootWithCapabilities_KeepsOnlyThose()
    {
        var context = SidecarContext(Group("""{"runAsUser": 0, "runAsNonRoot": false, "capabilities": {"add": ["KILL", "CHOWN"]}}"""), podRunAsUser: null);

        Assert.Equal(0, context["runAsUser"]!.GetValue<long>());
        Assert.False(context["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal("""{"drop":["ALL"],"add":["KILL","CHOWN"]}""", context["capabilities"]!.ToJsonString());
    }

    [Fact]
    public void Render_PodRunsAsRoot_SidecarInheritsItWithoutARunAsNonRootItWouldFail()
    {
        var context = SidecarContext(Group(sidecar: null), podRunAsUser: 0);

        Assert.Null(context["runAsUser"]);
        Assert.False(context["runAsNonRoot"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(null, "101", null, "the sidecar runs as UID 1654: the signal would fail with \"operation not permitted\"; set spec.sidecar.securityContext.runAsUser: 101")]
    [InlineData("""{"runAsUser": 101}""", "101", null, null)]
    [InlineData(null, null, "101", null)] // the pod's user is the sidecar's too
    [InlineData(null, null, null, null)] // only the image knows: not checked
    [InlineData("""{"runAsUser": 1000}""", "0", null, "set spec.sidecar.securityContext to {runAsUser: 0, runAsNonRoot: false}")]
    [InlineData("""{"runAsUser": 0}""", "101", null, "the sidecar runs as root without the KILL capability")]
    [InlineData("""{"runAsUser": 0, "capabilities": {"add": ["KILL"]}}""", "101", null, null)]
    public void SignalWarnings_SayWhenTheKernelWillRefuseTheSignalAndWhatToSet(string? sidecar, string? containerUid, string? podUid, string? expected)
    {
        var group = Group(sidecar);
        var workload = Workload(containerUid, podUid);

        var warnings = SyncGroupSpecValidator.SignalWarnings(group, workload);

        if (expected is null)
        {
            Assert.Empty(warnings);
        }
        else
        {
            var warning = Assert.Single(warnings);
            Assert.StartsWith("Deployment/web: actions[reload-nginx] signals container nginx, which runs as UID ", warning, StringComparison.Ordinal);
            Assert.Contains(expected, warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Transitions_ActionsPermittedTurningFalse_IsAWarningEvenWhenNew()
    {
        var now = DateTimeOffset.UnixEpoch;
        var observed = new GroupObservation([], null, null, ["actions[reload-nginx] ..."]);
        var conditions = ConditionBuilder.Build(observed, [], 1, now);

        var transition = Assert.Single(ConditionBuilder.Transitions([], conditions), c => c.Type == SyncGroupConditionTypes.ActionsPermitted);
        Assert.Equal(("False", "SignalNotPermitted"), (transition.Status, transition.Reason));
        Assert.True(ConditionBuilder.IsWarning(transition, []));
        var fixedNow = ConditionBuilder.Build(observed with { ActionWarnings = [] }, conditions, 2, now);
        Assert.Equal("True", fixedNow.Single(c => c.Type == SyncGroupConditionTypes.ActionsPermitted).Status);
    }

    [Fact]
    public async Task Reconcile_SidecarOfAnotherUserThanTheSignalledContainer_AppliesAndWarnsWhatToSet()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml", g => g["spec"]!["sidecar"]!.AsObject().Remove("securityContext"));

        await cluster.ReconcileAsync("web-conf");

        var status = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group")).Status!;
        var permitted = status.Conditions.Single(c => c.Type == SyncGroupConditionTypes.ActionsPermitted);
        Assert.Equal(("False", "SignalNotPermitted"), (permitted.Status, permitted.Reason));
        Assert.Contains("which runs as UID 101, but the sidecar runs as UID 1654", permitted.Message, StringComparison.Ordinal);
        Assert.Contains("set spec.sidecar.securityContext.runAsUser: 101", permitted.Message, StringComparison.Ordinal);
        Assert.Equal("False", status.Conditions.Single(c => c.Type == SyncGroupConditionTypes.Degraded).Status);
        Assert.Equal(["Deployment/web"], status.Workloads); // the sidecar is applied all the same: syncing works

        var group = await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group");
        group.Spec!.Sidecar.SecurityContext = new SidecarSecurityContext { RunAsUser = 101 };
        await cluster.Groups.ReplaceAsync(group, CancellationToken.None).WithTimeout("fix");
        await cluster.ReconcileAsync("web-conf");

        status = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group")).Status!;
        Assert.Equal("True", status.Conditions.Single(c => c.Type == SyncGroupConditionTypes.ActionsPermitted).Status);
        var sidecar = (await cluster.RawAsync(ResourceKind.Deployments, "web"))["spec"]!["template"]!["spec"]!["initContainers"]![0]!;
        Assert.Equal(101, sidecar["securityContext"]!["runAsUser"]!.GetValue<long>());
    }

    private static SyncGroup Group(string? sidecar)
    {
        var document = ExampleSchemaTests.SyncGroupsIn("examples/nginx/syncgroup.yaml").Single();
        var spec = document["spec"]!["sidecar"]!.AsObject();
        spec.Remove("securityContext");
        if (sidecar is not null)
        {
            spec["securityContext"] = JsonNode.Parse(sidecar);
        }

        return document.Deserialize(SyncGroupJsonContext.Default.SyncGroup)!;
    }

    private static JsonObject SidecarContext(SyncGroup group, long? podRunAsUser)
    {
        var body = PodTemplateRenderer.Render(group, WorkloadKind.Deployment, "web", new SidecarSettings("kubesync:test", true, "0", PodRunAsUser: podRunAsUser));
        return body["spec"]!["template"]!["spec"]!["initContainers"]![0]!["securityContext"]!.AsObject();
    }

    private static Workload Workload(string? containerUid, string? podUid)
    {
        var container = containerUid is null ? "" : $$""", "securityContext": {"runAsUser": {{containerUid}}}""";
        var pod = podUid is null ? "" : $$""", "securityContext": {"runAsUser": {{podUid}}}""";
        var template = "{\"spec\": {\"containers\": [{\"name\": \"nginx\", \"image\": \"nginx\"" + container + "}], \"volumes\": [{\"name\": \"conf\", \"emptyDir\": {}}]" + pod + "}}";
        var deployment = JsonSerializer.Deserialize(
            "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"web\", \"namespace\": \"default\"}, \"spec\": {\"template\": " + template + "}}",
            KubeJsonContext.Default.Deployment)!;
        return new Workload(WorkloadKind.Deployment, deployment, deployment.Spec!.Template!, []);
    }
}
