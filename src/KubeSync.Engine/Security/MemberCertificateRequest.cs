using System.Net;

namespace KubeSync.Engine.Security;

/// <summary>What a member certificate should say: its node name (the subject CN), the names and addresses peers reach it by, and its validity.</summary>
/// <param name="NodeName">The member's node id; becomes the subject common name.</param>
/// <param name="NotBefore">Start of validity; within the CA's validity.</param>
/// <param name="NotAfter">End of validity; within the CA's validity.</param>
public sealed record MemberCertificateRequest(string NodeName, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>DNS subject alternative names (pod DNS names, the headless service name, <c>localhost</c>).</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>IP subject alternative names (pod IPs, <c>127.0.0.1</c>).</summary>
    public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];
}
