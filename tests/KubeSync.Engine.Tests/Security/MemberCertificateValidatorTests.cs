using KubeSync.Engine.Security;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Security;

public sealed class MemberCertificateValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_CertificateFromGroupCa_IsValid()
    {
        using var ca = CertificateAuthority.Create("web", Now.AddDays(-1), Now.AddDays(365));
        using var member = ca.Issue(new MemberCertificateRequest("web-0", Now.AddDays(-1), Now.AddDays(30)));

        var verdict = new MemberCertificateValidator(ca.Certificate, new ManualTimeProvider(Now)).Validate(member);

        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Null(verdict.Reason);
    }

    [Fact]
    public void Validate_CertificateFromAnotherCa_IsRejected()
    {
        using var ca = CertificateAuthority.Create("web", Now.AddDays(-1), Now.AddDays(365));
        using var other = CertificateAuthority.Create("other", Now.AddDays(-1), Now.AddDays(365));
        using var foreign = other.Issue(new MemberCertificateRequest("web-0", Now.AddDays(-1), Now.AddDays(30)));

        var verdict = new MemberCertificateValidator(ca.Certificate, new ManualTimeProvider(Now)).Validate(foreign);

        Assert.False(verdict.IsValid);
        Assert.Contains("not trusted", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExpiredCertificate_IsRejected()
    {
        using var ca = CertificateAuthority.Create("web", Now.AddDays(-30), Now.AddDays(365));
        using var member = ca.Issue(new MemberCertificateRequest("web-0", Now.AddDays(-20), Now.AddDays(-1)));

        var verdict = new MemberCertificateValidator(ca.Certificate, new ManualTimeProvider(Now)).Validate(member);

        Assert.False(verdict.IsValid);
        Assert.Contains("NotTimeValid", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClockPastExpiry_RejectsWhatWasValid()
    {
        using var ca = CertificateAuthority.Create("web", Now.AddDays(-1), Now.AddDays(365));
        using var member = ca.Issue(new MemberCertificateRequest("web-0", Now.AddDays(-1), Now.AddDays(30)));
        var clock = new ManualTimeProvider(Now);
        var validator = new MemberCertificateValidator(ca.Certificate, clock);

        var before = validator.Validate(member);
        clock.Set(Now.AddDays(31));
        var after = validator.Validate(member);

        Assert.True(before.IsValid, before.Reason);
        Assert.False(after.IsValid);
    }

    [Fact]
    public void Validate_CertificateNotYetValid_IsRejected()
    {
        using var ca = CertificateAuthority.Create("web", Now.AddDays(-1), Now.AddDays(365));
        using var member = ca.Issue(new MemberCertificateRequest("web-0", Now.AddDays(2), Now.AddDays(30)));

        var verdict = new MemberCertificateValidator(ca.Certificate, new ManualTimeProvider(Now)).Validate(member);

        Assert.False(verdict.IsValid);
    }

    [Fact]
    public void Validate_TheCaCertificateItself_IsRejected()
    {
        using var ca = CertificateAuthority.Create("web", Now.AddDays(-1), Now.AddDays(365));

        var verdict = new MemberCertificateValidator(ca.Certificate, new ManualTimeProvider(Now)).Validate(ca.Certificate);

        Assert.False(verdict.IsValid);
        Assert.Contains("CA certificate", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SelfSignedLookalikeOfGroupCa_IsRejected()
    {
        using var ca = CertificateAuthority.Create("web", Now.AddDays(-1), Now.AddDays(365));
        using var lookalike = CertificateAuthority.Create("web", Now.AddDays(-1), Now.AddDays(365));
        using var member = lookalike.Issue(new MemberCertificateRequest("web-0", Now.AddDays(-1), Now.AddDays(30)));

        var verdict = new MemberCertificateValidator(ca.Certificate, new ManualTimeProvider(Now)).Validate(member);

        Assert.Equal(ca.Certificate.Subject, member.Issuer);
        Assert.False(verdict.IsValid);
    }
}
