using System.Security.Cryptography.X509Certificates;
using System.Text;

using KubeSync.Engine.Security;
using KubeSync.Operator.Credentials;
using KubeSync.Operator.Rendering;

namespace KubeSync.Operator.Tests.Credentials;

public sealed class GroupCredentialsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CredentialOptions Options = new();

    [Fact]
    public void Plan_NoSecret_CreatesCaMemberCertificateAndKeyThatTheMembersAccept()
    {
        var plan = GroupCredentials.Plan("web", null, Start, Options);

        Assert.Equal(CredentialChange.Created, plan.Change);
        using var member = Member(plan);
        Assert.True(Validator(plan, Start.AddDays(1)).Validate(member).IsValid);
        Assert.Equal(64, Encoding.ASCII.GetString(plan.Data[CredentialKeys.GroupKey]).Trim().Length);
        Assert.Equal(Start + Options.CertificateValidity, plan.CertificateNotAfter);
    }

    [Fact]
    public void Plan_Unchanged_KeepsTheSameBytes()
    {
        var first = GroupCredentials.Plan("web", null, Start, Options);
        var again = GroupCredentials.Plan("web", first.Data, Start.AddDays(10), Options);
        Assert.Equal(CredentialChange.Unchanged, again.Change);
        Assert.Same(first.Data, again.Data);
    }

    [Fact]
    public void Plan_CertificateNearExpiry_RenewsFromTheSameCa_OldAndNewBothAccepted()
    {
        var first = GroupCredentials.Plan("web", null, Start, Options);
        var later = Start + Options.CertificateValidity - Options.CertificateRenewBefore + TimeSpan.FromDays(1);

        var renewed = GroupCredentials.Plan("web", first.Data, later, Options);

        Assert.Equal(CredentialChange.CertificateRenewed, renewed.Change);
        Assert.Equal(first.Data[CredentialKeys.TrustBundle], renewed.Data[CredentialKeys.TrustBundle]);
        Assert.Equal(first.Data[CredentialKeys.GroupKey], renewed.Data[CredentialKeys.GroupKey]);
        Assert.NotEqual(first.Data[CredentialKeys.MemberCertificate], renewed.Data[CredentialKeys.MemberCertificate]);
        using var oldMember = Member(first);
        using var newMember = Member(renewed);

        // A member still on the old certificate and one on the new trust each other: nobody is dropped.
        Assert.True(Validator(first, later).Validate(newMember).IsValid);
        Assert.True(Validator(renewed, later).Validate(oldMember).IsValid);
    }

    [Fact]
    public void Plan_CaNearExpiry_TrustsTheSuccessorFirst_ThenSignsWithIt_NeverDroppingAPeer()
    {
        var options = Options with { CaValidity = TimeSpan.FromDays(400), CaRenewBefore = TimeSpan.FromDays(60), CaOverlap = TimeSpan.FromDays(7), CertificateValidity = TimeSpan.FromDays(400), CertificateRenewBefore = TimeSpan.FromDays(10) };
        var first = GroupCredentials.Plan("web", null, Start, options);
        var t1 = Start + TimeSpan.FromDays(345);

        var started = GroupCredentials.Plan("web", first.Data, t1, options);
        Assert.Equal(CredentialChange.CaRotationStarted, started.Change);
        Assert.Equal(2, Bundle(started).Count);
        Assert.Equal(first.Data[CredentialKeys.MemberCertificate], started.Data[CredentialKeys.MemberCertificate]);
        Assert.Equal(CredentialChange.Unchanged, GroupCredentials.Plan("web", started.Data, t1.AddDays(3), options).Change);

        var t2 = t1.AddDays(8);
        var rotated = GroupCredentials.Plan("web", started.Data, t2, options);
        Assert.Equal(CredentialChange.CaRotated, rotated.Change);
        Assert.False(rotated.Data.ContainsKey(CredentialKeys.NextCertificate));
        using var oldMember = Member(first);
        using var newMember = Member(rotated);
        Assert.Equal(2, Bundle(rotated).Count);

        // A member that loaded ca.crt during the overlap (old + successor) accepts the new certificate; a member on the
        // rotated ca.crt (successor + old) still accepts a member that has not restarted yet. Neither trusts a stranger.
        Assert.True(Validator(started, t2).Validate(newMember).IsValid);
        Assert.True(Validator(rotated, t2).Validate(oldMember).IsValid);
        Assert.True(Validator(rotated, t2).Validate(newMember).IsValid);
        using var stranger = Member(GroupCredentials.Plan("other", null, t2, options));
        Assert.False(Validator(rotated, t2).Validate(stranger).IsValid);

        var afterOldExpired = GroupCredentials.Plan("web", rotated.Data, Start + TimeSpan.FromDays(402), options);
        Assert.Equal(CredentialChange.ExpiredCaDropped, afterOldExpired.Change);
        Assert.Single(Bundle(afterOldExpired));
    }

    [Fact]
    public void Plan_GarbledSecret_MakesNewCredentials()
    {
        var data = new Dictionary<string, byte[]> { [CredentialKeys.SigningCertificate] = "not a certificate"u8.ToArray() };
        Assert.Equal(CredentialChange.Created, GroupCredentials.Plan("web", data, Start, Options).Change);
    }

    private static X509Certificate2 Member(CredentialPlan plan) => CertificateFiles.ImportPem(
        Encoding.ASCII.GetString(plan.Data[CredentialKeys.MemberCertificate]), Encoding.ASCII.GetString(plan.Data[CredentialKeys.MemberKey]));

    /// <summary>What a member does with the Secret's ca.crt: trust every CA in it.</summary>
    private static MemberCertificateValidator Validator(CredentialPlan plan, DateTimeOffset at) =>
        new([.. Bundle(plan)], new FixedTime(at));

    private static X509Certificate2Collection Bundle(CredentialPlan plan)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(Encoding.ASCII.GetString(plan.Data[CredentialKeys.TrustBundle]));
        return bundle;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
