using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// Per-member roles (<c>groups[].roles</c>): each member reads its pod labels from its <c>labelsFile</c> and takes the
/// role of the first matching rule. A member that a selector makes receive-only takes its peers' changes and never
/// sends its own; the send-receive ones send theirs.
/// </summary>
public sealed class MemberRoleTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Members = ["web-0", "web-1", "web-2"];

    // web-0 and web-2 by name, first rule; web-1 falls through to the second rule by its app label.
    private const string Roles = """
            roles:
              - selector:
                  matchExpressions: [{key: statefulset.kubernetes.io/pod-name, operator: In, values: [web-0, web-2]}]
                role: send-receive
              - selector: {matchLabels: {app: web}}
                role: receive-only
        """;

    private readonly TempDirectory _labels = new("kubesync-labels-");

    public void Dispose() => _labels.Dispose();

    [Fact]
    public async Task ReceiveOnlyBySelector_TakesChangesButDoesNotPushItsOwn_WhileSendReceiveMembersDo()
    {
        var members = Members.ToDictionary(m => m, m => new MemberOptions { ConfigYaml = $"labelsFile: {LabelsFile(m)}", GroupYaml = Roles });
        await using var group = await MemberGroup.StartAsync(Members, new MemberGroupOptions { Output = output, Members = members });

        // The receive-only member writes first, so that its file, were it sent, would travel before the others'.
        group.Write("web-1", "from-web-1.conf", "written on the receive-only member\n");
        await group.ScanNowAsync("web-1");
        group.Write("web-0", "from-web-0.conf", "written on web-0\n");
        group.Write("web-2", "from-web-2.conf", "written on web-2\n");
        await group.ScanNowAsync("web-0");
        await group.ScanNowAsync("web-2");

        foreach (var reader in Members)
        {
            foreach (var writer in new[] { "web-0", "web-2" })
            {
                var path = group.PathOf(reader, $"from-{writer}.conf");
                await Eventually.TrueAsync(() => File.Exists(path) && File.ReadAllText(path) == $"written on {writer}\n", $"from-{writer}.conf on {reader}", TimeSpan.FromSeconds(30));
            }
        }

        // web-1's file was written and scanned before the others: had web-1 sent it, it would have travelled first.
        // It reached neither send-receive member, and web-1 keeps it (a receive-only member keeps what it writes).
        foreach (var member in new[] { "web-0", "web-2" })
        {
            await group.ScanNowAsync(member);
            Assert.False(File.Exists(group.PathOf(member, "from-web-1.conf")), $"the receive-only member's file reached {member}");
        }

        Assert.Equal("written on the receive-only member\n", File.ReadAllText(group.PathOf("web-1", "from-web-1.conf")));
    }

    /// <summary>The member's labels as the kubelet writes a downward API file of <c>metadata.labels</c>.</summary>
    private string LabelsFile(string member)
    {
        var path = _labels.Combine(member);
        File.WriteAllText(path, $"app=\"web\"\ncontroller-revision-hash=\"web-6d4b9\"\nstatefulset.kubernetes.io/pod-name=\"{member}\"\n");
        return path;
    }
}
