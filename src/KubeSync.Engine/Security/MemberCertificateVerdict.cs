namespace KubeSync.Engine.Security;

/// <summary>The outcome of checking a peer's certificate: accepted, or rejected with a reason fit for a log line.</summary>
public sealed record MemberCertificateVerdict(bool IsValid, string? Reason)
{
    public static MemberCertificateVerdict Valid { get; } = new(true, null);

    public static MemberCertificateVerdict Invalid(string reason) => new(false, reason);
}
