using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Operator.Tests.Crd;
using KubeSync.Operator.Tests.Examples;
using KubeSync.Operator.Validation;

namespace KubeSync.Operator.Tests.Rendering;

/// <summary>
/// The CRD's CEL rules are not evaluated here (no API server); the operator checks each by hand with the same message.
/// Each rule of the generated CRD has a case below that breaks it and must be refused with its message.
/// </summary>
public sealed class SpecValidatorTests
{
    public static TheoryData<string, string> BrokenSpecs() => new()
    {
        { "set exactly one of workloadRef and selector", """{"selector": {"matchLabels": {"app": "web"}}}""" },
        { "set exactly one runner: exec, signal, podExec or http", """{"actions": [{"name": "a", "exec": ["true"], "http": {"url": "http://x/"}}]}""" },
        { "signal: set exactly one of process and pidFile", """{"actions": [{"name": "a", "signal": {"process": "nginx", "pidFile": "/run/nginx.pid"}}]}""" },
        { "mountPath must not be / or under /etc/kubesync (the sidecar's own files)", """{"mountPath": "/etc/kubesync/data"}""" },
        { "sidecar.port and sidecar.adminPort must differ", """{"sidecar": {"port": 9000, "adminPort": 9000}}""" },
        {
            "roles: matchExpressions with In or NotIn need values, with Exists or DoesNotExist none",
            """{"roles": [{"selector": {"matchExpressions": [{"key": "app", "operator": "In"}]}, "role": "receive-only"}]}"""
        },
        { "sidecar.securityContext: runAsNonRoot true contradicts runAsUser 0", """{"sidecar": {"securityContext": {"runAsUser": 0, "runAsNonRoot": true}}}""" },
        {
            "sidecar.securityContext.capabilities.add takes effect only for a sidecar running as root: set runAsUser 0 with it",
            """{"sidecar": {"securityContext": {"runAsUser": 101, "capabilities": {"add": ["KILL"]}}}}"""
        },
    };

    [Theory]
    [MemberData(nameof(BrokenSpecs))]
    public void ValidateSpec_BreakingACelRule_IsRefusedWithTheRulesMessage(string message, string patch)
    {
        var document = ExampleSchemaTests.SyncGroupsIn("examples/nginx/syncgroup.yaml").Single();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
        {
            document["spec"]![key] = value!.DeepClone();
        }

        var problems = SyncGroupSpecValidator.ValidateSpec(document.Deserialize(SyncGroupJsonContext.Default.SyncGroup)!);
        Assert.Contains(problems, p => p.EndsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryCelRuleOfTheCrd_HasAHandWrittenEquivalentCase()
    {
        var messages = new List<string>();
        Collect(CrdGenerator.Build(), messages);
        var covered = BrokenSpecs().Select(row => (string)row[0]).Append(NameRuleMessage).ToHashSet();
        Assert.NotEmpty(messages);
        Assert.DoesNotContain(messages, m => !covered.Contains(m));
    }

    private const string NameRuleMessage = "the SyncGroup's name must be lowercase letters, digits and '-', at most 54 characters (it names the sync group and the objects made for it)";

    [Theory]
    [InlineData("Web_Conf")]
    [InlineData("a-name-that-is-far-too-long-for-the-objects-it-would-name-x")]
    public void ValidateSpec_BadName_IsRefused(string name)
    {
        var document = ExampleSchemaTests.SyncGroupsIn("examples/nginx/syncgroup.yaml").Single();
        document["metadata"]!["name"] = name;
        Assert.Contains(NameRuleMessage, SyncGroupSpecValidator.ValidateSpec(document.Deserialize(SyncGroupJsonContext.Default.SyncGroup)!));
    }

    [Theory]
    [MemberData(nameof(ExampleSchemaTests.ExampleFiles), MemberType = typeof(ExampleSchemaTests))]
    public void ValidateSpec_Examples_AreAccepted(string file)
    {
        foreach (var document in ExampleSchemaTests.SyncGroupsIn(file))
        {
            Assert.Empty(SyncGroupSpecValidator.ValidateSpec(document.Deserialize(SyncGroupJsonContext.Default.SyncGroup)!));
        }
    }

    private static void Collect(JsonNode? node, List<string> messages)
    {
        switch (node)
        {
            case JsonObject map:
                if (map["x-kubernetes-validations"] is JsonArray rules)
                {
                    messages.AddRange(rules.Select(r => r!["message"]!.GetValue<string>()));
                }

                foreach (var (_, child) in map)
                {
                    Collect(child, messages);
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    Collect(item, messages);
                }

                break;
        }
    }
}
