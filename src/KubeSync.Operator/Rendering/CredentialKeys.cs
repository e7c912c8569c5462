namespace KubeSync.Operator.Rendering;

/// <summary>Keys of the group's Secret. Pods mount only the first four; the CA keys stay with the operator.</summary>
public static class CredentialKeys
{
    /// <summary>The CAs members trust (PEM, one or two during a CA rotation).</summary>
    public const string TrustBundle = "ca.crt";

    /// <summary>The member certificate every pod of the group presents.</summary>
    public const string MemberCertificate = "tls.crt";

    public const string MemberKey = "tls.key";

    /// <summary>The group key members prove they hold in the handshake.</summary>
    public const string GroupKey = "group.key";

    /// <summary>The CA that signs member certificates, and its key.</summary>
    public const string SigningCertificate = "ca-signing.crt";

    public const string SigningKey = "ca-signing.key";

    /// <summary>During a CA rotation: the next CA, already trusted, not yet signing.</summary>
    public const string NextCertificate = "ca-next.crt";

    public const string NextKey = "ca-next.key";

    /// <summary>Keys projected into the pods.</summary>
    public static IReadOnlyList<string> Mounted { get; } = [TrustBundle, MemberCertificate, MemberKey, GroupKey];
}
