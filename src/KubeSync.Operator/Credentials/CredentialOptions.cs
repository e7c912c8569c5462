namespace KubeSync.Operator.Credentials;

/// <summary>Lifetimes of the group credentials and when they are renewed.</summary>
public sealed record CredentialOptions
{
    /// <summary>Validity of a group CA.</summary>
    public TimeSpan CaValidity { get; init; } = TimeSpan.FromDays(3650);

    /// <summary>A CA with less than this left gets a successor, trusted alongside it at once.</summary>
    public TimeSpan CaRenewBefore { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How long the successor is trusted before it signs (pods pick up the new trust bundle meanwhile).</summary>
    public TimeSpan CaOverlap { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Validity of the member certificate.</summary>
    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromDays(90);

    /// <summary>A member certificate with less than this left is replaced by a new one from the same CA.</summary>
    public TimeSpan CertificateRenewBefore { get; init; } = TimeSpan.FromDays(30);
}
