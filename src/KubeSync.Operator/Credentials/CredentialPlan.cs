namespace KubeSync.Operator.Credentials;

/// <summary>The Secret's data after <see cref="GroupCredentials.Plan"/>, what changed, and when the member certificate expires.</summary>
public sealed record CredentialPlan(IReadOnlyDictionary<string, byte[]> Data, CredentialChange Change, DateTimeOffset CertificateNotAfter);
