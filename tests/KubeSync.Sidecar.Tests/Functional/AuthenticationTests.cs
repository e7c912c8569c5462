using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>A member without the group key, or with a certificate from another CA, is refused and never receives a file.</summary>
public sealed class AuthenticationTests(ITestOutputHelper output)
{
    private static readonly string[] Members = ["a", "b"];

    [Fact]
    public Task WrongGroupKey_Refused_BadProofAndNoFiles() =>
        OutsiderIsRefusedAsync(new MemberOptions { ForeignKey = true }, "(bad_proof)");

    [Fact]
    public Task CertificateFromAnotherCa_Refused_TlsAndNoFiles() =>
        OutsiderIsRefusedAsync(new MemberOptions { ForeignCertificateAuthority = true }, "(tls)");

    private async Task OutsiderIsRefusedAsync(MemberOptions outsider, string logged)
    {
        await using var group = await MemberGroup.StartAsync(Members, new MemberGroupOptions { Output = output });
        group.Write("a", "secret.txt", "for members only\n");
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync("secret.txt");

        // x dials a and b (its static peers); both must refuse it.
        await group.AddMemberAsync("x", outsider);
        await Eventually.TrueAsync(
            () => Members.All(m => group.Log(m).Contains("refused a connection", StringComparison.Ordinal) && group.Log(m).Contains(logged, StringComparison.Ordinal)),
            $"a and b to log a refused connection {logged}\n{group.DescribeLogs()}");

        // Changes keep flowing between the members while x keeps trying.
        group.Write("b", "later.txt", "also for members only\n");
        await group.ScanNowAsync("b");
        await group.WaitConvergedAsync("secret.txt", "later.txt");
        await Eventually.TrueAsync(() => group.Log("a").Split(logged).Length > 2, $"x to be refused again after the members synced\n{group.DescribeLogs()}");

        Assert.True(group.IsRunning("x"), $"x stopped instead of retrying\n{group.Log("x")}");
        Assert.Empty(group.Tree("x")!);
        Assert.DoesNotContain("peer x connected", group.Log("a"), StringComparison.Ordinal);
        Assert.DoesNotContain("peer x connected", group.Log("b"), StringComparison.Ordinal);
    }
}
