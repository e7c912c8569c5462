using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Operator.Rendering;
using KubeSync.Operator.Tests.Crd;

namespace KubeSync.Operator.Tests.Rendering;

/// <summary>
/// The objects rendered for the nginx example, compared with the committed files in <c>Golden/</c>. A change to them is
/// a change to what users' clusters get: review the diff, then run with KUBESYNC_REGENERATE=1 to accept it.
/// </summary>
public sealed class GoldenManifestTests
{
    [Theory]
    [InlineData("nginx-deployment-native.yaml", true)]
    [InlineData("nginx-deployment-plain.yaml", false)]
    public void PodTemplatePieces_MatchGolden(string file, bool native)
    {
        var group = Group("examples/nginx/syncgroup.yaml");
        var body = PodTemplateRenderer.Render(group, WorkloadKind.Deployment, "web", new SidecarSettings("kubesync:0.1.0", native, "0123456789abcdef"));
        AssertGolden(file, body);
    }

    [Fact]
    public void OwnedObjects_MatchGolden()
    {
        var group = Group("examples/authorized-keys/syncgroup.yaml");
        var documents = new JsonArray(
            Node(OwnedObjectsRenderer.ConfigMap(group, SidecarConfigRenderer.Render(group, "cluster.local")), KubeJsonContext.Default.ConfigMap),
            Node(OwnedObjectsRenderer.PeerService(group), KubeJsonContext.Default.Service),
            Node(OwnedObjectsRenderer.ServiceAccount(group), KubeJsonContext.Default.ServiceAccount),
            Node(OwnedObjectsRenderer.PodExecRole(group), KubeJsonContext.Default.Role),
            Node(OwnedObjectsRenderer.PodExecRoleBinding(group, ["ops-keys-kubesync", "bastion"]), KubeJsonContext.Default.RoleBinding));
        AssertGolden("authorized-keys-owned.yaml", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = documents });
    }

    private static SyncGroup Group(string file)
    {
        var group = SidecarConfigRendererTests.Example(file);
        group.Metadata.Uid = "00000000-0000-0000-0000-000000000001";
        return group;
    }

    private static JsonNode Node<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => JsonSerializer.SerializeToNode(value, info)!;

    private static void AssertGolden(string file, JsonObject rendered)
    {
        var text = YamlText.Write(rendered);
        var path = RepositoryFiles.At("tests", "KubeSync.Operator.Tests", "Golden", file);
        if (Environment.GetEnvironmentVariable("KUBESYNC_REGENERATE") == "1")
        {
            File.WriteAllText(path, text);
        }

        Assert.True(File.Exists(path), $"Golden/{file} is missing: run with KUBESYNC_REGENERATE=1");
        Assert.Equal(File.ReadAllText(path), text);
    }
}
