using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.Configuration;
using KubeSync.Contracts.SyncGroups;
using KubeSync.Engine.Configuration;
using KubeSync.Operator.Rendering;
using KubeSync.Operator.Tests.Examples;
using KubeSync.Testing;

namespace KubeSync.Operator.Tests.Rendering;

/// <summary><c>spec.roles</c>: the rules reach the sidecar's config, and its pod's labels reach it through the downward API.</summary>
public sealed class RoleRenderingTests
{
    private const string Roles = """
        [{"selector": {"matchLabels": {"statefulset.kubernetes.io/pod-name": "gallery-0"}}, "role": "send-receive"},
         {"selector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["gallery"]}]}, "role": "receive-only"}]
        """;

    [Theory]
    [InlineData("gallery-0", MemberRole.SendReceive)]
    [InlineData("gallery-2", MemberRole.ReceiveOnly)]
    public void RenderedConfig_WithRoles_ResolvesEachPodsRoleFromItsLabels(string pod, MemberRole expected)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "kubesync.yaml");
        File.WriteAllText(path, SidecarConfigRenderer.Render(Group(Roles), "cluster.local"));
        var labels = Path.Combine(dir.Path, "labels");
        // As the kubelet writes a downward API file of metadata.labels.
        File.WriteAllText(labels, $"app=\"gallery\"\nstatefulset.kubernetes.io/pod-name=\"{pod}\"\n");

        var config = ConfigLoader.LoadFile(path, new Hashtable { ["POD_NAME"] = pod, ["KUBESYNC_LABELSFILE"] = labels });

        var group = config.Groups.Single();
        Assert.Equal(expected, group.Role);
        Assert.Equal(2, group.Roles.Count);
        Assert.Equal("gallery-0", group.Roles[0].Selector.MatchLabels["statefulset.kubernetes.io/pod-name"]);
        var requirement = group.Roles[1].Selector.MatchExpressions.Single();
        Assert.Equal(("app", LabelRequirement.In, "gallery"), (requirement.Key, requirement.Operator, requirement.Values.Single()));
    }

    [Fact]
    public void RenderedConfig_WithRoles_NamesTheDownwardApiLabelsFile()
    {
        var config = SidecarConfigRenderer.Build(Group(Roles), "cluster.local");

        Assert.Equal(SidecarPaths.LabelsFile, config["labelsFile"]!.GetValue<string>());
        Assert.Equal("receive-only", config["groups"]![0]!["roles"]![1]!["role"]!.GetValue<string>());
    }

    [Fact]
    public void PodTemplate_WithRoles_MountsThePodsLabelsIntoTheSidecar()
    {
        var body = PodTemplateRenderer.Render(Group(Roles), WorkloadKind.StatefulSet, "gallery", new SidecarSettings("kubesync:test", true, "0"));

        var spec = body["spec"]!["template"]!["spec"]!;
        var volume = spec["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == SidecarPaths.PodInfoVolume)!;
        Assert.Equal("""{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}}]}""", volume["downwardAPI"]!.ToJsonString());
        var mount = spec["initContainers"]![0]!["volumeMounts"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == SidecarPaths.PodInfoVolume)!;
        Assert.Equal(SidecarPaths.PodInfoDirectory, mount["mountPath"]!.GetValue<string>());
        Assert.True(mount["readOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void PodTemplate_WithoutRoles_HasNoDownwardApiVolume()
    {
        var body = PodTemplateRenderer.Render(Group(null), WorkloadKind.StatefulSet, "gallery", new SidecarSettings("kubesync:test", true, "0"));

        Assert.DoesNotContain(body["spec"]!["template"]!["spec"]!["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == SidecarPaths.PodInfoVolume);
        Assert.Null(SidecarConfigRenderer.Build(Group(null), "cluster.local")["labelsFile"]);
    }

    [Fact]
    public async Task Schema_AcceptsRoles_AndRefusesAnUnknownOperator()
    {
        var document = Document(Roles);
        var errors = await CrdSchema.ValidateAsync(document);
        Assert.True(errors.Count == 0, string.Join("; ", errors));

        document["spec"]!["roles"]![1]!["selector"]!["matchExpressions"]![0]!["operator"] = "Matches";
        Assert.Contains(await CrdSchema.ValidateAsync(document), e => e.Contains("NotInEnumeration", StringComparison.Ordinal) || e.Contains("ArrayItemNotValid", StringComparison.Ordinal));
    }

    private static SyncGroup Group(string? roles) => Document(roles).Deserialize(SyncGroupJsonContext.Default.SyncGroup)!;

    private static JsonObject Document(string? roles)
    {
        var document = ExampleSchemaTests.SyncGroupsIn("examples/uploads/syncgroup.yaml").Single();
        document["metadata"]!["namespace"] = "default";
        if (roles is not null)
        {
            document["spec"]!["roles"] = JsonNode.Parse(roles);
        }

        return document;
    }
}
