namespace KubeSync.Operator.Credentials;

/// <summary>What <see cref="GroupCredentials.Plan"/> did to the Secret's data.</summary>
public enum CredentialChange
{
    Unchanged,

    /// <summary>A new CA, member certificate and group key (no usable Secret before).</summary>
    Created,

    /// <summary>A new member certificate from the same CA: every member still trusts it.</summary>
    CertificateRenewed,

    /// <summary>A successor CA was made and added to the trust bundle; the old CA still signs.</summary>
    CaRotationStarted,

    /// <summary>The successor CA now signs a new member certificate; the old CA stays trusted until it expires.</summary>
    CaRotated,
}
